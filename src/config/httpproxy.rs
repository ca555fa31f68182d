//! A port of golang.org/x/net/http/httpproxy: which proxy net/http uses for a request URL.

use serde::{Deserialize, Serialize};

use super::GoConfig;

/// A proxy URL as httpproxy parsed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyUrl {
    /// http, https, socks5 or socks5h.
    pub scheme: String,
    pub host: String,
    /// The port, defaulted by scheme when absent (http 80, https 443, socks5 1080).
    pub port: u16,
    /// Whether the port was written in the value.
    pub port_explicit: bool,
    pub username: Option<String>,
    /// The password; never print it: use `redacted()`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The variable this came from (e.g. `HTTPS_PROXY`).
    pub variable: String,
}

impl ProxyUrl {
    /// For display: the password masked.
    pub fn redacted(&self) -> String {
        todo!()
    }
    /// The full URL including credentials (for connecting; never print).
    pub fn full_url(&self) -> String {
        todo!()
    }
    /// `host:port`, with IPv6 hosts bracketed.
    pub fn host_port(&self) -> String {
        todo!()
    }
}

/// Which proxy a request goes through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProxyChoice {
    Direct,
    Via {
        proxy: ProxyUrl,
    },
    /// Go's error for this request (the CGI guard, or an unusable proxy value).
    Error {
        message: String,
    },
}

/// One proxy variable's value that Go will silently ignore (does not parse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidProxyValue {
    pub variable: String,
    /// Redacted value.
    pub value: String,
    pub error: String,
}

/// The proxy environment as httpproxy.FromEnvironment reads it (upper case first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ProxyEnv {
    pub http_proxy: String,
    pub http_proxy_var: String,
    pub https_proxy: String,
    pub https_proxy_var: String,
    pub no_proxy: String,
    pub cgi: bool,
}

impl ProxyEnv {
    pub fn from_config(config: &GoConfig) -> ProxyEnv {
        let _ = config;
        ProxyEnv::default()
    }

    /// The proxy for a request URL, as net/http's ProxyFromEnvironment.
    pub fn proxy_for(&self, url: &url::Url) -> ProxyChoice {
        let _ = url;
        ProxyChoice::Direct
    }

    /// Values that do not parse and that Go will ignore.
    pub fn invalid_values(&self) -> Vec<InvalidProxyValue> {
        Vec::new()
    }
}
