//! What the proxy probe records (the proxy's answer, the SOCKS exchange, timings, the class
//! Go's failure falls in): shared by the CONNECT code (`proxy.rs`) and the SOCKS5 code
//! (`socks.rs`), which both fill it.

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};

use super::dns::ResolverAnswer;
use super::tcp::TcpAttempt;
use super::tls::TlsFacts;
use crate::redact::Secret;
use crate::vocab::CauseId;

/// A connection the probe speaks through (plain TCP, or TLS to an https:// proxy).
pub(super) trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProxyClass {
    /// The proxy opened the tunnel.
    Ok,
    /// The proxy's name does not resolve, or it refuses / times out / does not answer.
    Unreachable,
    AuthRequired,
    AuthRejected,
    AuthUnsupported,
    ConnectDenied,
    UpstreamFailed,
    SchemeMismatch,
    NotAProxy,
    /// TLS to an https:// proxy failed for another reason (see `proxy_tls`).
    ProxyTlsFailed,
    /// An unsupported proxy URL (scheme), or an unexpected answer.
    Other,
}

impl ProxyClass {
    pub fn cause_id(self) -> Option<CauseId> {
        Some(match self {
            ProxyClass::Ok => return None,
            ProxyClass::Unreachable => CauseId::ProxyUnreachable,
            ProxyClass::AuthRequired => CauseId::ProxyAuthRequired,
            ProxyClass::AuthRejected => CauseId::ProxyAuthRejected,
            ProxyClass::AuthUnsupported => CauseId::ProxyAuthUnsupported,
            ProxyClass::ConnectDenied => CauseId::ProxyConnectDenied,
            ProxyClass::UpstreamFailed => CauseId::ProxyUpstreamFailed,
            ProxyClass::SchemeMismatch => CauseId::ProxySchemeMismatch,
            ProxyClass::NotAProxy | ProxyClass::Other => CauseId::ProxyNotAProxy,
            ProxyClass::ProxyTlsFailed => CauseId::ProxyUnreachable,
        })
    }
}

/// The proxy's answer to CONNECT.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ConnectReply {
    pub status: u16,
    pub reason: String,
    pub status_line: String,
    /// The schemes of every `Proxy-Authenticate` header (`Basic`, `NTLM`, `Negotiate`, ...).
    #[serde(default)]
    pub auth_schemes: Vec<String>,
    /// The headers that name the proxy product, and the start of the body (at most 256
    /// characters): what the proxy sent, shown masked.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub proxy_agent: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub via: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub server: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub body_preview: Option<Secret>,
}

/// The SOCKS5 exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct SocksReply {
    /// The method the server chose (0 none, 2 username/password, 255 none acceptable).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub method: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub auth_ok: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reply: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reply_text: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ProxyTimings {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub resolve_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub connect_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub proxy_tls_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tunnel_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tls_ms: Option<f64>,
}

/// Everything learned about going through one proxy to one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ProxyFacts {
    /// The proxy URL (shown masked).
    pub proxy: Secret,
    pub scheme: String,
    pub proxy_addr: String,
    pub target: String,
    #[serde(default)]
    pub credentials: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub dns: Option<ResolverAnswer>,
    #[serde(default)]
    pub tcp: Vec<TcpAttempt>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub proxy_tls: Option<TlsFacts>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub connect: Option<ConnectReply>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub socks: Option<SocksReply>,
    /// When the proxy did not behave like one: what seems to listen (`http_proxy`,
    /// `socks5`, `tls`, `http_server`, `silent`, `slow` (answers too slowly to finish in the
    /// step deadline), `closed`, `unknown`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub listener: Option<String>,
    /// TLS with the target through the tunnel (https targets).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tunnel_tls: Option<TlsFacts>,
    pub class: ProxyClass,
    /// Go's error for the proxy step (`proxyconnect tcp: ...`, `Proxy Authentication Required`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub go_error: Option<String>,
    #[serde(default)]
    pub timings: ProxyTimings,
    pub time_ms: f64,
}

impl ProxyFacts {
    /// The proxy opened the tunnel and (for TLS targets) Go's handshake through it works.
    pub fn ok(&self) -> bool {
        self.class == ProxyClass::Ok && self.tunnel_tls.as_ref().is_none_or(|t| t.class.ok())
    }
}
