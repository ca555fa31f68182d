//! A small port of Go's net/url.Parse: the parts that decide whether GOPROXY, GOSUMDB and
//! proxy values are accepted, and the error texts Go prints.

/// A URL split as Go's url.URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoUrl {
    pub scheme: String,
    pub opaque: String,
    /// Raw userinfo (`user[:password]`), None when absent.
    pub userinfo: Option<String>,
    pub host: String,
    pub path: String,
    pub raw_query: String,
    pub fragment: String,
}

/// url.Parse; the error is Go's full text (`parse "<url>": <reason>`).
pub fn parse(raw: &str) -> Result<GoUrl, String> {
    let _ = raw;
    Err("not implemented".into())
}
