//! A port of golang.org/x/net/http/httpproxy (what net/http's ProxyFromEnvironment does):
//! which proxy a request URL goes through.
//!
//! - HTTP_PROXY/http_proxy, HTTPS_PROXY/https_proxy, NO_PROXY/no_proxy: upper case first, an
//!   empty value counts as unset; REQUEST_METHOD set = CGI.
//! - A value that does not parse (or has no scheme/host) is retried with `http://`; if that
//!   fails too the value is silently ignored by Go (we report it: `invalid_values`).
//! - https requests use HTTPS_PROXY, http requests HTTP_PROXY; localhost and loopback IPs are
//!   never proxied; NO_PROXY matching without DNS.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{gourl, GoConfig};
use crate::redact::Secret;

/// A proxy URL as httpproxy parsed it. Serialized without the password, and without the
/// user when it stands alone (a token).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ProxyUrl {
    /// http, https, socks5 or socks5h (anything else is dialled like an http proxy by Go).
    pub scheme: String,
    /// The host name or IP (IPv6 without brackets).
    pub host: String,
    /// The port, defaulted by scheme when absent (http 80, https 443, socks5/socks5h 1080);
    /// 0 when Go cannot determine one.
    pub port: u16,
    /// Whether the port was written in the value.
    pub port_explicit: bool,
    pub username: Option<String>,
    /// The password; printed masked, never serialized.
    #[serde(skip)]
    pub password: Option<Secret>,
    /// Whether the value carried a password (serialized instead of the password).
    #[serde(default)]
    pub has_password: bool,
    /// The variable this came from (e.g. `HTTPS_PROXY`).
    pub variable: String,
}

impl ProxyUrl {
    /// `host:port`, with IPv6 hosts bracketed (what Go dials).
    pub fn host_port(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    fn render(&self, password: Option<&str>) -> String {
        let mut s = format!("{}://", self.scheme);
        if let Some(u) = &self.username {
            s.push_str(u);
            if self.password.is_some() || self.has_password {
                s.push(':');
                s.push_str(password.unwrap_or(crate::redact::MASK));
            }
            s.push('@');
        }
        s.push_str(&self.host_port());
        s
    }

    /// For display: the password (or a lone token) masked.
    pub fn redacted(&self) -> String {
        crate::redact::mask_url(&self.render(None))
    }

    /// The full URL including credentials (for connecting; never print it).
    pub fn full_url(&self) -> Secret {
        Secret::new(self.render(Some(self.password.as_ref().map_or("", Secret::expose))))
    }

    /// The `Proxy-Authorization: Basic` value Go would send (None without userinfo).
    pub fn basic_auth(&self) -> Option<String> {
        use base64::Engine as _;
        let user = self.username.as_ref()?;
        let pw = self.password.as_ref().map_or("", Secret::expose);
        Some(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pw}"))
        ))
    }

    /// Whether net/http knows the scheme (others are dialled as plain HTTP proxies).
    pub fn scheme_supported(&self) -> bool {
        matches!(
            self.scheme.as_str(),
            "http" | "https" | "socks5" | "socks5h"
        )
    }
}

impl Serialize for ProxyUrl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            scheme: &'a str,
            host: &'a str,
            port: u16,
            port_explicit: bool,
            username: Option<&'a str>,
            has_password: bool,
            variable: &'a str,
        }
        let has_password = self.password.is_some() || self.has_password;
        Shown {
            scheme: &self.scheme,
            host: &self.host,
            port: self.port,
            port_explicit: self.port_explicit,
            // A user without a password is a token (`http://TOKEN@proxy`).
            username: self.username.as_deref().map(|u| {
                if has_password {
                    u
                } else {
                    crate::redact::MASK
                }
            }),
            has_password,
            variable: &self.variable,
        }
        .serialize(s)
    }
}

impl std::fmt::Display for ProxyUrl {
    /// The proxy as it may be shown (credentials masked).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Which proxy a request goes through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProxyChoice {
    Direct,
    Via {
        proxy: ProxyUrl,
    },
    /// Go's error for this request (the CGI guard).
    Error {
        message: String,
    },
}

impl ProxyChoice {
    /// One line for people, credentials masked.
    pub fn describe(&self) -> String {
        match self {
            ProxyChoice::Direct => "direct (no HTTP proxy)".into(),
            ProxyChoice::Via { proxy } => format!("via {} ({})", proxy.redacted(), proxy.variable),
            ProxyChoice::Error { message } => format!("error: {message}"),
        }
    }
}

/// One proxy variable's value that Go will silently ignore (does not parse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct InvalidProxyValue {
    pub variable: String,
    /// The value (shown masked).
    pub value: Secret,
    /// Why (Go's parse error, the value masked).
    pub error: String,
}

/// The proxy environment as httpproxy.FromEnvironment reads it (upper case first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ProxyEnv {
    /// The HTTP_PROXY value in use (not serialized) and the variable it came from.
    #[serde(skip)]
    pub http_proxy: Secret,
    pub http_proxy_var: String,
    #[serde(skip)]
    pub https_proxy: Secret,
    pub https_proxy_var: String,
    pub no_proxy: String,
    pub no_proxy_var: String,
    /// REQUEST_METHOD is set: HTTP_PROXY is refused for http:// requests.
    pub cgi: bool,
}

/// First non-empty of the names (httpproxy's getEnvAny).
fn env_any(get: &dyn Fn(&str) -> String, names: [&str; 2]) -> (String, String) {
    for n in names {
        let v = get(n);
        if !v.is_empty() {
            return (v, n.to_string());
        }
    }
    (String::new(), String::new())
}

impl ProxyEnv {
    /// From the OS environment values recorded in the configuration (the go env file never
    /// sets these: net/http reads the process environment).
    pub fn from_config(config: &GoConfig) -> ProxyEnv {
        let get = |name: &str| match config.value(name) {
            Some(v) if v.source == super::Source::OsEnv => v.value.expose().to_string(),
            _ => String::new(),
        };
        Self::from_lookup(&get)
    }

    /// From any variable lookup ("" = unset).
    pub fn from_lookup(get: &dyn Fn(&str) -> String) -> ProxyEnv {
        let (http_proxy, http_proxy_var) = env_any(get, ["HTTP_PROXY", "http_proxy"]);
        let (https_proxy, https_proxy_var) = env_any(get, ["HTTPS_PROXY", "https_proxy"]);
        let (no_proxy, no_proxy_var) = env_any(get, ["NO_PROXY", "no_proxy"]);
        ProxyEnv {
            http_proxy: http_proxy.into(),
            http_proxy_var,
            https_proxy: https_proxy.into(),
            https_proxy_var,
            no_proxy,
            no_proxy_var,
            cgi: !get("REQUEST_METHOD").is_empty(),
        }
    }

    /// httpproxy.Config directly (tests, Go's test vectors).
    pub fn new(http_proxy: &str, https_proxy: &str, no_proxy: &str, cgi: bool) -> ProxyEnv {
        ProxyEnv {
            http_proxy: http_proxy.into(),
            http_proxy_var: if http_proxy.is_empty() {
                ""
            } else {
                "HTTP_PROXY"
            }
            .into(),
            https_proxy: https_proxy.into(),
            https_proxy_var: if https_proxy.is_empty() {
                ""
            } else {
                "HTTPS_PROXY"
            }
            .into(),
            no_proxy: no_proxy.into(),
            no_proxy_var: if no_proxy.is_empty() { "" } else { "NO_PROXY" }.into(),
            cgi,
        }
    }

    /// The parsed HTTP_PROXY (None when unset or ignored).
    pub fn http_proxy_url(&self) -> Option<ProxyUrl> {
        parse_proxy(self.http_proxy.expose(), &self.http_proxy_var)
            .ok()
            .flatten()
    }

    /// The parsed HTTPS_PROXY (None when unset or ignored).
    pub fn https_proxy_url(&self) -> Option<ProxyUrl> {
        parse_proxy(self.https_proxy.expose(), &self.https_proxy_var)
            .ok()
            .flatten()
    }

    /// The proxy for a request URL, as net/http's ProxyFromEnvironment.
    pub fn proxy_for(&self, url: &url::Url) -> ProxyChoice {
        let proxy = match url.scheme() {
            "https" => self.https_proxy_url(),
            "http" => {
                let p = self.http_proxy_url();
                if p.is_some() && self.cgi {
                    return ProxyChoice::Error {
                        message: "refusing to use HTTP_PROXY value in CGI environment; see golang.org/s/cgihttpproxy".into(),
                    };
                }
                p
            }
            _ => None,
        };
        let Some(proxy) = proxy else {
            return ProxyChoice::Direct;
        };
        let host = match url.host() {
            Some(url::Host::Ipv6(a)) => a.to_string(),
            Some(url::Host::Ipv4(a)) => a.to_string(),
            Some(url::Host::Domain(d)) => d.to_string(),
            None => String::new(),
        };
        let port = url
            .port_or_known_default()
            .map(|p| p.to_string())
            .unwrap_or_default();
        if !self.use_proxy(&host, &port) {
            return ProxyChoice::Direct;
        }
        ProxyChoice::Via { proxy }
    }

    /// The proxy for a URL given as text; an unparseable URL goes direct.
    pub fn proxy_for_str(&self, url: &str) -> ProxyChoice {
        match url::Url::parse(url) {
            Ok(u) => self.proxy_for(&u),
            Err(_) => ProxyChoice::Direct,
        }
    }

    /// httpproxy's useProxy for a canonical host and port (host unbracketed).
    pub fn use_proxy(&self, host: &str, port: &str) -> bool {
        if host.is_empty() && port.is_empty() {
            return true;
        }
        if host == "localhost" {
            return false;
        }
        let ip = parse_addr(host);
        if ip.is_some_and(|ip| ip.to_canonical().is_loopback()) {
            return false;
        }
        let addr = host.trim().to_lowercase();
        let (ip_matchers, domain_matchers) = no_proxy_matchers(&self.no_proxy);
        if let Some(ip) = ip {
            if ip_matchers.iter().any(|m| m.matches(&addr, port, Some(ip))) {
                return false;
            }
        }
        !domain_matchers.iter().any(|m| m.matches(&addr, port, ip))
    }

    /// Values that Go will silently ignore because they do not parse.
    pub fn invalid_values(&self) -> Vec<InvalidProxyValue> {
        [
            (&self.http_proxy, &self.http_proxy_var),
            (&self.https_proxy, &self.https_proxy_var),
        ]
        .into_iter()
        .filter_map(|(v, var)| match parse_proxy(v.expose(), var) {
            Err(error) => Some(InvalidProxyValue {
                variable: var.clone(),
                value: v.clone(),
                error,
            }),
            Ok(_) => None,
        })
        .collect()
    }
}

/// netip.ParseAddr: IPv4, IPv6 with an optional zone.
fn parse_addr(host: &str) -> Option<IpAddr> {
    let no_zone = match host.split_once('%') {
        Some((a, zone)) if host.contains(':') && !zone.is_empty() => a,
        _ => host,
    };
    no_zone.parse::<IpAddr>().ok()
}

/// httpproxy's parseProxy: Ok(None) for "", Err(Go's error, the value's credentials
/// masked) when Go ignores the value.
pub fn parse_proxy(value: &str, variable: &str) -> Result<Option<ProxyUrl>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    let first = gourl::parse(value);
    let parsed = match first {
        Ok(u) if !u.scheme.is_empty() && !u.host.is_empty() => u,
        other => match gourl::parse(&format!("http://{value}")) {
            Ok(u) => u,
            Err(_) => match other {
                // Parsed but without scheme or host, and the http:// retry failed: Go keeps it.
                Ok(u) => u,
                Err(e) => {
                    return Err(crate::redact::mask_quoted_fragments(
                        &format!("invalid proxy address {}: {e}", gourl::go_quote(value)),
                        value,
                    ))
                }
            },
        },
    };
    let hostname = parsed.hostname().to_string();
    let port_text = parsed.port().to_string();
    let default_port = match parsed.scheme.as_str() {
        "http" => 80,
        "https" => 443,
        "socks5" | "socks5h" => 1080,
        _ => 0,
    };
    let port = if port_text.is_empty() {
        default_port
    } else {
        port_text.parse::<u16>().unwrap_or(0)
    };
    Ok(Some(ProxyUrl {
        scheme: parsed.scheme.clone(),
        host: hostname,
        port,
        port_explicit: !port_text.is_empty(),
        username: parsed.username.clone(),
        has_password: parsed.password.is_some(),
        password: parsed.password.clone().map(Secret::new),
        variable: variable.to_string(),
    }))
}

enum Matcher {
    All,
    Cidr(ipnet::IpNet),
    Ip {
        ip: IpAddr,
        port: String,
    },
    Domain {
        host: String,
        port: String,
        match_host: bool,
    },
}

impl Matcher {
    fn matches(&self, host: &str, port: &str, ip: Option<IpAddr>) -> bool {
        match self {
            Matcher::All => true,
            Matcher::Cidr(net) => ip.is_some_and(|ip| match (net, ip.to_canonical()) {
                (ipnet::IpNet::V4(n), IpAddr::V4(a)) => n.contains(&a),
                (ipnet::IpNet::V6(n), IpAddr::V6(a)) => n.contains(&a),
                _ => false,
            }),
            Matcher::Ip { ip: m, port: p } => {
                ip.is_some_and(|ip| ip.to_canonical() == m.to_canonical())
                    && (p.is_empty() || p == port)
            }
            Matcher::Domain {
                host: m,
                port: p,
                match_host,
            } => {
                if ip.is_some() {
                    return false;
                }
                (host.ends_with(m.as_str()) || (*match_host && host == &m[1..]))
                    && (p.is_empty() || p == port)
            }
        }
    }
}

/// net.SplitHostPort (Go's rules and failures).
fn split_host_port(hostport: &str) -> Option<(&str, &str)> {
    let i = hostport.rfind(':')?;
    let (host, port) = (&hostport[..i], &hostport[i + 1..]);
    if hostport.starts_with('[') {
        let end = hostport.find(']')?;
        if end + 1 != i {
            return None;
        }
        let inner = &hostport[1..end];
        if inner.contains(['[', ']']) {
            return None;
        }
        return Some((inner, port));
    }
    if host.contains(':') || host.contains(['[', ']']) || port.contains(['[', ']']) {
        return None;
    }
    Some((host, port))
}

/// httpproxy's config.init for NO_PROXY: (ip matchers, domain matchers).
fn no_proxy_matchers(no_proxy: &str) -> (Vec<Matcher>, Vec<Matcher>) {
    let mut ips = Vec::new();
    let mut domains = Vec::new();
    for p in no_proxy.split(',') {
        let p = p.trim().to_lowercase();
        if p.is_empty() {
            continue;
        }
        if p == "*" {
            return (vec![Matcher::All], vec![Matcher::All]);
        }
        if p.contains('/') {
            if let Ok(net) = p.parse::<ipnet::IpNet>() {
                ips.push(Matcher::Cidr(net.trunc()));
                continue;
            }
        }
        let (mut phost, pport) = match split_host_port(&p) {
            Some((h, port)) => {
                if h.is_empty() {
                    continue;
                }
                (h.to_string(), port.to_string())
            }
            None => (p.clone(), String::new()),
        };
        if phost.starts_with('[') && phost.ends_with(']') && phost.len() >= 2 {
            phost = phost[1..phost.len() - 1].to_string();
        }
        if let Ok(ip) = phost.parse::<IpAddr>() {
            ips.push(Matcher::Ip { ip, port: pport });
            continue;
        }
        if phost.is_empty() {
            continue;
        }
        if let Some(rest) = phost.strip_prefix("*.") {
            phost = format!(".{rest}");
        }
        let mut match_host = false;
        if !phost.starts_with('.') {
            match_host = true;
            phost = format!(".{phost}");
        }
        if !phost.is_ascii() {
            if let Ok(url::Host::Domain(d)) = url::Host::parse(&phost[1..]) {
                phost = format!(".{d}");
            }
        }
        domains.push(Matcher::Domain {
            host: phost,
            port: pport,
            match_host,
        });
    }
    (ips, domains)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(c: &ProxyChoice) -> String {
        match c {
            ProxyChoice::Direct => "<nil>".into(),
            ProxyChoice::Via { proxy } => {
                // Go prints the URL as parsed: no default port added.
                let mut s = format!("{}://{}", proxy.scheme, proxy.host);
                if proxy.port_explicit {
                    s.push_str(&format!(":{}", proxy.port));
                }
                s
            }
            ProxyChoice::Error { message } => format!("error: {message}"),
        }
    }

    /// httpproxy's proxy_test.go proxyForURLTests: (HTTP, HTTPS, NO_PROXY, CGI, req, want).
    #[test]
    fn proxy_for_url_go_vectors() {
        let cgi_err = "error: refusing to use HTTP_PROXY value in CGI environment; see golang.org/s/cgihttpproxy";
        let cases: &[(&str, &str, &str, bool, &str, &str)] = &[
            ("127.0.0.1:8080", "", "", false, "", "http://127.0.0.1:8080"),
            (
                "cache.corp.example.com:1234",
                "",
                "",
                false,
                "",
                "http://cache.corp.example.com:1234",
            ),
            (
                "cache.corp.example.com",
                "",
                "",
                false,
                "",
                "http://cache.corp.example.com",
            ),
            (
                "https://cache.corp.example.com",
                "",
                "",
                false,
                "",
                "https://cache.corp.example.com",
            ),
            (
                "http://127.0.0.1:8080",
                "",
                "",
                false,
                "",
                "http://127.0.0.1:8080",
            ),
            (
                "https://127.0.0.1:8080",
                "",
                "",
                false,
                "",
                "https://127.0.0.1:8080",
            ),
            (
                "socks5://127.0.0.1",
                "",
                "",
                false,
                "",
                "socks5://127.0.0.1",
            ),
            (
                "http.proxy.tld",
                "secure.proxy.tld",
                "",
                false,
                "http://insecure.tld/",
                "http://http.proxy.tld",
            ),
            (
                "http.proxy.tld",
                "secure.proxy.tld",
                "",
                false,
                "https://secure.tld/",
                "http://secure.proxy.tld",
            ),
            (
                "http.proxy.tld",
                "https://secure.proxy.tld",
                "",
                false,
                "https://secure.tld/",
                "https://secure.proxy.tld",
            ),
            ("http://10.1.2.3:8080", "", "", true, "", cgi_err),
            (
                "",
                "https://secure.proxy.tld",
                "",
                true,
                "https://secure.tld/",
                "https://secure.proxy.tld",
            ),
            ("", "", "", false, "", "<nil>"),
            (
                "proxy",
                "",
                "example.com",
                false,
                "http://example.com/",
                "<nil>",
            ),
            (
                "proxy",
                "",
                ".example.com",
                false,
                "http://example.com/",
                "http://proxy",
            ),
            (
                "proxy",
                "",
                "ample.com",
                false,
                "http://example.com/",
                "http://proxy",
            ),
            (
                "proxy",
                "",
                "example.com",
                false,
                "http://foo.example.com/",
                "<nil>",
            ),
            (
                "proxy",
                "",
                ".foo.com",
                false,
                "http://example.com/",
                "http://proxy",
            ),
            // HTTP_PROXY alone does nothing for https (the classic mistake).
            (
                "http://127.0.0.1:3128",
                "",
                "",
                false,
                "https://proxy.golang.org/x/@v/list",
                "<nil>",
            ),
        ];
        for &(http, https, no, cgi, req, want) in cases {
            let env = ProxyEnv::new(http, https, no, cgi);
            let req = if req.is_empty() {
                "http://example.com"
            } else {
                req
            };
            let got = env.proxy_for(&url::Url::parse(req).unwrap());
            assert_eq!(
                shown(&got),
                want,
                "http={http:?} https={https:?} no={no:?} req={req}"
            );
        }
    }

    /// httpproxy's UseProxyTests with its NO_PROXY list (host, use proxy).
    #[test]
    fn use_proxy_go_vectors() {
        let no_proxy = "foobar.com, .barbaz.net, *.wildcard.io, 192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, [2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64";
        let cases = [
            ("localhost", false),
            ("127.0.0.1", false),
            ("127.0.0.2", false),
            ("[::1]", false),
            ("[::2]", true),
            ("192.168.1.1", false),
            ("192.168.1.2", true),
            ("192.168.1.3", false),
            ("192.168.1.4", true),
            ("10.0.0.2", false),
            ("[2001:db8::52:0:1]", false),
            ("[2001:db8::52:0:2]", true),
            ("[2001:db8::52:0:3]", false),
            ("[2002:db8:a::123]", false),
            ("[fe80::424b:c8be:1643:a1b6]", true),
            ("barbaz.net", true),
            ("www.barbaz.net", false),
            ("foobar.com", false),
            ("www.foobar.com", false),
            ("foofoobar.com", true),
            ("baz.com", true),
            ("localhost.net", true),
            ("local.localhost", true),
            ("barbarbaz.net", true),
            ("wildcard.io", true),
            ("nested.wildcard.io", false),
            ("awildcard.io", true),
        ];
        let env = ProxyEnv::new("", "", no_proxy, false);
        let all = ProxyEnv::new("", "", "*", false);
        for (host, want) in cases {
            let h = host.trim_start_matches('[').trim_end_matches(']');
            assert_eq!(env.use_proxy(h, "80"), want, "useProxy({host})");
            assert!(!all.use_proxy(h, "80"), "NO_PROXY=* useProxy({host})");
        }
        // TestInvalidNoProxy: ":1" must not panic and must not exempt anything.
        assert!(ProxyEnv::new("", "", ":1", false).use_proxy("example.com", "80"));
    }

    #[test]
    fn proxy_values_and_invalid_ones() {
        let p = parse_proxy("http://u:secret@127.0.0.1:3128", "HTTP_PROXY")
            .unwrap()
            .unwrap();
        assert_eq!(p.host_port(), "127.0.0.1:3128");
        assert_eq!(p.redacted(), "http://u:xxxxx@127.0.0.1:3128");
        assert_eq!(p.full_url(), "http://u:secret@127.0.0.1:3128");
        assert_eq!(p.basic_auth().unwrap(), "Basic dTpzZWNyZXQ=");
        let s = parse_proxy("socks5h://[::1]", "ALL").unwrap().unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.host_port()),
            ("::1", 1080, "[::1]:1080".to_string())
        );
        let h = parse_proxy("https://proxy.corp", "X").unwrap().unwrap();
        assert_eq!(h.port, 443);
        // A control character makes both parses fail: Go ignores the value.
        let env = ProxyEnv::new("http://pro\u{7f}xy:3128", "http://a%zz:1", "", false);
        let bad = env.invalid_values();
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert!(
            bad[0].error.contains("invalid control character"),
            "{bad:?}"
        );
        assert!(bad[1].error.contains("invalid URL escape"), "{bad:?}");
        // Like Go, "http://a b:1" is NOT ignored: the http:// retry parses it as host "http:".
        let odd = parse_proxy("http://a b:1", "X").unwrap().unwrap();
        assert_eq!((odd.host.as_str(), odd.port), ("http", 80));
        assert_eq!(env.proxy_for_str("http://example.com"), ProxyChoice::Direct);
        assert_eq!(
            env.proxy_for_str("https://example.com"),
            ProxyChoice::Direct
        );
    }

    #[test]
    fn upper_case_wins_and_empty_is_unset() {
        let vars = [
            ("HTTPS_PROXY", ""),
            ("https_proxy", "http://lower:1"),
            ("HTTP_PROXY", "http://UP:2"),
            ("http_proxy", "http://low:3"),
        ];
        let get = |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        };
        let env = ProxyEnv::from_lookup(&get);
        assert_eq!(env.https_proxy_var, "https_proxy");
        assert_eq!(env.http_proxy_var, "HTTP_PROXY");
        assert!(!env.cgi);
    }

    #[test]
    fn no_proxy_details() {
        let env = ProxyEnv::new(
            "",
            "http://p:1",
            "*.corp.example, git.internal:8443, [::2]",
            false,
        );
        let via = |u: &str| matches!(env.proxy_for_str(u), ProxyChoice::Via { .. });
        assert!(!via("https://a.corp.example/x"));
        assert!(via("https://corp.example/x"));
        assert!(via("https://git.internal/x"));
        assert!(!via("https://git.internal:8443/x"));
        assert!(!via("https://[::2]/x"));
        assert!(!via("https://localhost/x"));
        assert!(!via("https://127.9.9.9/x"));
        // Domain entries never match IP literals.
        let env = ProxyEnv::new("", "http://p:1", "1.2.3.4.nip.io,example.com", false);
        assert!(matches!(
            env.proxy_for_str("https://93.184.216.34/"),
            ProxyChoice::Via { .. }
        ));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(v in "\\PC{0,30}", n in "\\PC{0,30}", m in "[a-z0-9.:/\\[\\]*, ]{0,30}") {
            let env = ProxyEnv::new(&v, &v, &n, false);
            let _ = env.invalid_values();
            let _ = env.proxy_for_str("https://example.com:8443/x");
            let env = ProxyEnv::new(&m, &m, &m, true);
            let _ = env.proxy_for_str("http://[::1]/");
            let _ = env.proxy_for_str("https://a.b.c/");
            let _ = env.use_proxy(&m, "80");
            if let Ok(Some(p)) = parse_proxy(&v, "X") { let _ = (p.redacted(), p.full_url()); }
        }
    }
}
