//! The verdict's one English sentence with the real values: the fallback when the catalog's
//! summary names a value that is unknown.

use super::*;

pub(super) fn summary_for(
    cause: CauseId,
    module: &str,
    host: Option<&str>,
    d: &Diagnosis,
) -> String {
    let host = host.unwrap_or("the server");
    let v = |k: &str| d.fix_values.get(k).unwrap_or("").to_string();
    match cause {
        CauseId::DnsNxdomainFiltered => format!("The system resolver says {host} does not exist, so Go cannot fetch {module}."),
        CauseId::DnsNoResolution => format!("{host} cannot be resolved: no resolver answers, so Go cannot fetch {module}."),
        CauseId::DnsSystemResolverDown => format!("The system resolver does not answer for {host} while a public resolver does."),
        CauseId::DnsHijacked => format!("The system resolver's answer for {host} leads to the wrong server."),
        CauseId::DnsHostsOverride => format!("The hosts file pins {host} to an address that does not serve it."),
        CauseId::TcpRefused => format!("Connections to {host} are refused."),
        CauseId::TcpTimeout => format!("Connections to {host} time out: packets are dropped."),
        CauseId::TcpUnreachable => format!("{host} is unreachable: no route."),
        CauseId::TcpReset => format!("Connections to {host} are reset."),
        CauseId::TlsUntrustedInterception => format!("The TLS certificate for {host} is issued by {}{}, which Go does not trust: the connection is intercepted.", if v("ca_name").is_empty() { "an unknown CA".into() } else { v("ca_name") }, if v("product").is_empty() { String::new() } else { format!(" ({})", v("product")) }),
        CauseId::TlsHostnameMismatch => format!("The server at {host} presents a certificate for another name."),
        CauseId::TlsIncompleteChain => format!("{host} sends its certificate without the intermediate certificate ({}) that links it to a trusted root, and Go does not download missing intermediates.", if v("ca_name").is_empty() { "its issuer".into() } else { v("ca_name") }),
        CauseId::TlsExpired => format!("The certificate of {host} has expired."),
        CauseId::TlsNotYetValid => format!("The certificate of {host} is not valid yet."),
        CauseId::TlsResetDuringHandshake => format!("The connection to {host} is cut right after the TLS ClientHello (name-based blocking)."),
        CauseId::TlsNotTls => format!("{host} does not speak TLS on that port."),
        CauseId::TlsHandshakeTimeout => format!("The TLS handshake with {host} never completes."),
        CauseId::TlsHandshakeFailure => format!("{host} aborts the TLS handshake."),
        CauseId::TlsCertificateInvalid => format!("The certificate {host} presents breaks a rule of Go's crypto/x509."),
        CauseId::ConfigHttpProxyOnly => format!("HTTP_PROXY is set but HTTPS_PROXY is not, so Go reaches {host} without the proxy and fails."),
        CauseId::ConfigSystemProxyIgnored => format!("A proxy is configured in the OS, but Go reads only HTTPS_PROXY, so it reaches {host} directly and fails."),
        CauseId::ConfigStaleShellEnv => format!("{} is saved in your environment but this terminal was opened before: Go runs without it.", v("var")),
        CauseId::ConfigNoProxyBypass => format!("NO_PROXY exempts {host} from the proxy, and it is not reachable directly."),
        CauseId::ConfigCommaBlocksFallback => format!("GOPROXY's first entry fails with a network error and the `,` after it stops Go, although {} works.", v("mirror")),
        CauseId::ConfigPrivateNotExcluded => format!("{module} is private, but GOPRIVATE does not cover it: Go asks the public proxy and checksum database."),
        CauseId::ConfigEnvOverridesGoenv => format!("The OS environment's {} overrides the value you set with `go env -w`.", v("var")),
        CauseId::ConfigGoproxyOff => format!("GOPROXY=off and {module} is not exempted by GOPRIVATE/GONOPROXY."),
        CauseId::ConfigGoproxyInvalid => "GOPROXY does not parse: Go refuses to run with it.".into(),
        CauseId::ConfigGosumdbInvalid => "GOSUMDB is malformed: Go cannot verify modules.".into(),
        other if other.area() == Area::Proxy => proxy_summary(other, host, d),
        CauseId::GoproxyHttpError => format!("{host} answers {} for {module}, and Go does not try the next GOPROXY entry after that error.", if v("value").is_empty() { "an error".into() } else { v("value") }),
        CauseId::GoproxyForbidden => format!("{host} refuses the request for {module} (401/403): it wants credentials."),
        CauseId::GoproxyCaptivePortal => format!("A web page (a login or portal page) comes back from {host} instead of module data."),
        CauseId::GoproxyModuleNotFound => format!("No source has {module}: every GOPROXY entry (and direct mode) says it does not exist."),
        CauseId::SumdbProxyRouteBroken => format!("{host}'s checksum-database endpoint fails, so Go cannot verify {module}."),
        CauseId::SumdbBadSignature => "The checksum database's signed tree head does not verify with the configured key.".into(),
        CauseId::SumdbChecksumMismatch => format!("What was downloaded for {module} does not match the checksum database's record."),
        CauseId::VcsGitMissing => format!("Direct mode needs git for {module}, and git is not installed."),
        CauseId::VcsMetaMissing => format!("{} serves no go-import meta tag for {} (a login page, or not a Go host).", v("host"), v("module_path")),
        CauseId::VcsAuthRequired => format!("git needs credentials for {} and Go disables the prompt.", v("host")),
        CauseId::VcsSshBlocked => format!("git reaches {} over ssh (an insteadOf rewrite or an ssh remote), and that port is blocked.", v("host")),
        CauseId::VcsGovcsDenied => format!("GOVCS does not allow {} for {}.", v("vcs"), v("module_path")),
        CauseId::LocalClockSkew => format!("The local clock is {}, so the certificate of {host} looks invalid.", v("value")),
        CauseId::SumdbUnreachable => format!("The checksum database cannot be reached ({host}), so Go cannot verify {module}."),
        CauseId::SumdbNotFound => format!("The checksum database has no record of {module}: it is private, but GONOSUMDB/GOPRIVATE do not cover it."),
        CauseId::ConfigPatternWhitespace => format!("{} has an entry with a space, so it does not cover {module}.", v("var")),
        CauseId::ConfigProxyValueInvalid => format!("{} does not parse, so Go ignores it and reaches {host} directly, which fails.", v("var")),
        CauseId::ConfigProxyViaGoEnv => format!("HTTPS_PROXY is in the go env file, where Go does not read it: Go reaches {host} directly and fails."),
        other if other.area() == Area::Goproxy => format!("The module proxy fails for {module} ({other})."),
        other if other.area() == Area::Sumdb => format!("The checksum database fails for {module} ({other})."),
        other if other.area() == Area::Vcs => format!("Fetching {module} directly fails ({other})."),
        other => format!("Go fails for {module} ({other})."),
    }
}

/// The proxy on Go's route as configured (credentials masked), from the evidence chain.
pub(super) fn proxy_as_given(d: &Diagnosis) -> Option<String> {
    d.evidence
        .iter()
        .find_map(|e| e.fact.split_once(" via ").map(|(_, p)| p.to_string()))
}

/// One sentence for a proxy cause, naming the proxy.
pub(super) fn proxy_summary(cause: CauseId, host: &str, d: &Diagnosis) -> String {
    let given = proxy_as_given(d).unwrap_or_else(|| "the HTTP proxy".into());
    let schemes = d.fix_values.get("value").unwrap_or("other schemes");
    match cause {
        CauseId::ProxyUnreachable => {
            format!("The proxy {given} cannot be reached (is the proxy client running?).")
        }
        CauseId::ProxyAuthRequired => format!(
            "The proxy {given} requires a user name and password (407), and HTTPS_PROXY has none."
        ),
        CauseId::ProxyAuthRejected => {
            format!("The proxy {given} rejects the credentials in HTTPS_PROXY (407).")
        }
        CauseId::ProxyAuthUnsupported => {
            format!("The proxy {given} accepts only {schemes}, which Go cannot do.")
        }
        CauseId::ProxyConnectDenied => format!("The proxy {given} refuses to connect to {host}."),
        CauseId::ProxyUpstreamFailed => format!("The proxy {given} cannot reach {host} itself."),
        CauseId::ProxySchemeMismatch => {
            format!("HTTPS_PROXY={given} uses the wrong scheme for what listens there.")
        }
        CauseId::ProxyNotAProxy => {
            format!("What answers at {given} is not an HTTP or SOCKS proxy.")
        }
        other => format!("The HTTP proxy {given} fails ({other}) on the way to {host}."),
    }
}
