//! The scenario table: one row per injected fault (and a few combinations). Adding a scenario
//! is a few lines: its name, the module, the clients' environment, the faults, what the real
//! Go must do in this lab (a check on the lab itself), and the cause gomod-diag must name.

use super::lab::{Fault, Fault::*, HttpFault, ProxyKind, TlsFault};
use super::peers::{self, SquidKind};

/// What the real Go toolchain must do in the scenario's lab: succeed, or fail with this
/// error class (see normalize.rs) at this host ("" = no host in the text).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GoExpect {
    Ok,
    Fails(&'static str, &'static str),
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: &'static str,
    pub module: &'static str,
    /// The clients' variables on top of the lab's base environment; "{SUMDB}" is the lab
    /// checksum database's verifier key; an empty value removes the variable.
    pub env: &'static [(&'static str, &'static str)],
    pub faults: &'static [Fault],
    pub go: GoExpect,
    pub cause: &'static str,
}

const M: &str = "example.com/hello@v1.0.0";
const PRIVATE: &str = "corp.example/private@v1.0.0";
const PGO: &str = "proxy.golang.org";
const SUM: &str = "sum.golang.org";
const CN: &str = "goproxy.cn";
const PRIVATE_PROXY: &[(&str, &str)] = &[("GOPROXY", "https://goproxy.corp.example")];
/// The company's modules on github.com/lab, fetched directly (GOPRIVATE: no proxy, no sumdb).
const GIT_PRIVATE: &[(&str, &str)] = &[("GOPRIVATE", "github.com/lab")];
/// lab/deep's middle commit (githttp::DEEP_MID12), one day after v1.0.0.
const DEEP_PSEUDO: &str = "github.com/lab/deep@v1.0.1-0.20240102000000-142056ea6569";
const CORP_PRIVATE: &[(&str, &str)] = &[("GOPRIVATE", "corp.example")];
const HG_TAG: &str = "corp.example/hgmod hg http://corp.example:8000/";
const SVN_TRUNK: &str = "corp.example/svnmod svn svn://corp.example/trunk";
/// corp.example's module, served by the company mirror (which has every module).
const MIRROR_ROOT: &str = "corp.example/private mod https://goproxy.corp.example";
const VIA_PROXY: &[(&str, &str)] = &[("HTTPS_PROXY", "http://proxy.corp.example:3128")];
/// The lab's PAC script: the company's own names direct, the rest through the proxy (with
/// a direct fallback Go never tries).
pub const LAB_PAC: &str = r#"
function FindProxyForURL(url, host) {
    if (isPlainHostName(host) || dnsDomainIs(host, ".corp.example"))
        return "DIRECT";
    if (isInNet(dnsResolve(host), "10.0.0.0", "255.0.0.0"))
        return "DIRECT";
    return "PROXY proxy.corp.example:3128; DIRECT";
}
"#;
/// What the fix must set for LAB_PAC.
pub const LAB_PAC_PROXY: &str = "http://proxy.corp.example:3128";

const fn s(
    name: &'static str,
    module: &'static str,
    env: &'static [(&'static str, &'static str)],
    faults: &'static [Fault],
    go: GoExpect,
    cause: &'static str,
) -> Scenario {
    Scenario {
        name,
        module,
        env,
        faults,
        go,
        cause,
    }
}

use GoExpect::{Fails, Ok as GoOk};

pub fn all() -> Vec<Scenario> {
    vec![
        // Healthy baselines.
        s("healthy", M, &[], &[], GoOk, "ok"),
        s(
            "healthy.corporate_proxy",
            M,
            VIA_PROXY,
            &[DirectBlocked, Proxy(ProxyKind::Open)],
            GoOk,
            "ok",
        ),
        s(
            "healthy.proxy_basic_credentials",
            M,
            &[("HTTPS_PROXY", "http://alice:s3cret@proxy.corp.example:3128")],
            &[DirectBlocked, Proxy(ProxyKind::Basic)],
            GoOk,
            "ok",
        ),
        s(
            "healthy.private_with_goprivate",
            PRIVATE,
            &[("GOPRIVATE", "corp.example")],
            &[],
            GoOk,
            "ok",
        ),
        s(
            "healthy.lowercase_https_proxy",
            M,
            &[("https_proxy", "http://proxy.corp.example:3128")],
            &[DirectBlocked, Proxy(ProxyKind::Open)],
            GoOk,
            "ok",
        ),
        s(
            "healthy.goproxy_off_private_direct",
            PRIVATE,
            &[("GOPROXY", "off"), ("GOPRIVATE", "corp.example")],
            &[],
            GoOk,
            "ok",
        ),
        // DNS.
        s(
            "dns.nxdomain_filtered",
            M,
            &[],
            &[DnsNxdomain(PGO)],
            Fails("dns_nxdomain", PGO),
            "dns.nxdomain_filtered",
        ),
        s(
            "dns.hijacked",
            M,
            &[],
            &[DnsHijack(PGO)],
            Fails("tls_hostname", PGO),
            "dns.hijacked",
        ),
        s(
            "dns.hijacked.nothing_listens",
            M,
            &[],
            &[DnsHijackDead(PGO)],
            Fails("tcp_refused", PGO),
            "dns.hijacked",
        ),
        s(
            "dns.system_resolver_down",
            M,
            &[],
            &[ResolverDown],
            Fails("dns_unreachable", PGO),
            "dns.system_resolver_down",
        ),
        s(
            "dns.no_resolution",
            M,
            &[],
            &[ResolverDown, PublicDnsDown],
            Fails("dns_unreachable", PGO),
            "dns.no_resolution",
        ),
        s(
            "dns.hosts_override",
            M,
            &[],
            &[HostsPin(PGO)],
            Fails("tcp_refused", PGO),
            "dns.hosts_override",
        ),
        // Transport.
        s(
            "tcp.refused",
            M,
            &[],
            &[Refused(PGO)],
            Fails("tcp_refused", PGO),
            "tcp.refused",
        ),
        s(
            "tcp.timeout",
            M,
            &[],
            &[Dropped(PGO)],
            Fails("tcp_timeout", PGO),
            "tcp.timeout",
        ),
        s(
            "tcp.unreachable",
            M,
            &[],
            &[Unreachable(PGO)],
            Fails("tcp_unreachable", PGO),
            "tcp.unreachable",
        ),
        s(
            "tcp.reset",
            M,
            &[],
            &[Tls(PGO, TlsFault::ResetOnAccept)],
            Fails("reset", PGO),
            "tcp.reset",
        ),
        // TLS.
        s(
            "tls.untrusted_interception",
            M,
            &[],
            &[Tls(PGO, TlsFault::Untrusted)],
            Fails("tls_unknown_authority", PGO),
            "tls.untrusted_interception",
        ),
        s(
            "tls.hostname_mismatch",
            M,
            &[],
            &[Tls(PGO, TlsFault::WrongName)],
            Fails("tls_hostname", PGO),
            "tls.hostname_mismatch",
        ),
        s(
            "tls.expired",
            M,
            &[],
            &[Tls(PGO, TlsFault::Expired)],
            Fails("tls_expired", PGO),
            "tls.expired",
        ),
        s(
            "tls.not_yet_valid",
            M,
            &[],
            &[Tls(PGO, TlsFault::NotYetValid)],
            Fails("tls_not_yet_valid", PGO),
            "tls.not_yet_valid",
        ),
        s(
            "tls.reset_during_handshake",
            M,
            &[],
            &[Tls(PGO, TlsFault::ResetAfterHello)],
            Fails("reset", PGO),
            "tls.reset_during_handshake",
        ),
        s(
            "tls.not_tls",
            M,
            &[],
            &[Tls(PGO, TlsFault::PlainHttp)],
            Fails("not_tls", PGO),
            "tls.not_tls",
        ),
        s(
            "tls.handshake_timeout",
            M,
            &[],
            &[Tls(PGO, TlsFault::Silent)],
            Fails("tls_handshake_timeout", PGO),
            "tls.handshake_timeout",
        ),
        s(
            "tls.handshake_failure",
            M,
            &[],
            &[Tls(PGO, TlsFault::Alert)],
            Fails("tls_alert", PGO),
            "tls.handshake_failure",
        ),
        // HTTP proxy.
        s(
            "proxy.unreachable",
            M,
            VIA_PROXY,
            &[DirectBlocked],
            Fails("proxy:tcp_refused", PGO),
            "proxy.unreachable",
        ),
        // A mirror that serves a zip the checksum database does not know: Go's SECURITY
        // ERROR, found without any flag.
        s(
            "sumdb.checksum_mismatch.zip",
            M,
            &[("GOPROXY", "https://goproxy.corp.example")],
            &[Http("goproxy.corp.example", ".zip", HttpFault::TamperZip)],
            Fails("checksum_mismatch", ""),
            "sumdb.checksum_mismatch",
        ),
        // A private module proxy behind Basic auth, its credentials in a netrc file
        // (GOAUTH=netrc is Go's default).
        s(
            "healthy.private_proxy_netrc",
            M,
            PRIVATE_PROXY,
            &[
                Http("goproxy.corp.example", "", HttpFault::BasicAuth),
                Netrc("machine goproxy.corp.example\n  login alice\n  password s3cret\n"),
            ],
            GoOk,
            "ok",
        ),
        s(
            "healthy.private_proxy_netrc_env",
            M,
            PRIVATE_PROXY,
            &[
                Http("goproxy.corp.example", "", HttpFault::BasicAuth),
                NetrcEnv("machine goproxy.corp.example login alice password s3cret\n"),
            ],
            GoOk,
            "ok",
        ),
        s(
            "goproxy.private_proxy_no_netrc",
            M,
            PRIVATE_PROXY,
            &[Http("goproxy.corp.example", "", HttpFault::BasicAuth)],
            Fails("http_401", "goproxy.corp.example"),
            "goproxy.forbidden",
        ),
        s(
            "goproxy.private_proxy_goauth_off",
            M,
            &[
                ("GOPROXY", "https://goproxy.corp.example"),
                ("GOAUTH", "off"),
            ],
            &[
                Http("goproxy.corp.example", "", HttpFault::BasicAuth),
                Netrc("machine goproxy.corp.example login alice password s3cret\n"),
            ],
            Fails("http_401", "goproxy.corp.example"),
            "goproxy.forbidden",
        ),
        s(
            "goproxy.private_proxy_netrc_wrong_password",
            M,
            PRIVATE_PROXY,
            &[
                Http("goproxy.corp.example", "", HttpFault::BasicAuth),
                Netrc("machine goproxy.corp.example login alice password n0tTh3Pa55\n"),
            ],
            Fails("http_401", "goproxy.corp.example"),
            "goproxy.forbidden",
        ),
        // A real SOCKS5 server (microsocks), as Clash / V2Ray users run: Go speaks SOCKS5
        // for socks5:// and socks5h:// and sends host names to the proxy for both.
        s(
            "healthy.socks5",
            M,
            &[("HTTPS_PROXY", "socks5://proxy.corp.example:1080")],
            &[Proxy(ProxyKind::Socks)],
            GoOk,
            "ok",
        ),
        s(
            "healthy.socks5h_all_proxy_vars",
            M,
            &[
                ("HTTPS_PROXY", "socks5h://proxy.corp.example:1080"),
                ("HTTP_PROXY", "socks5h://proxy.corp.example:1080"),
            ],
            &[Proxy(ProxyKind::Socks)],
            GoOk,
            "ok",
        ),
        s(
            "healthy.socks5_credentials",
            M,
            &[(
                "HTTPS_PROXY",
                "socks5://alice:s3cret@proxy.corp.example:1080",
            )],
            &[Proxy(ProxyKind::SocksAuth)],
            GoOk,
            "ok",
        ),
        // The same network without the proxy setting: only the SOCKS server gets out.
        s(
            "socks.not_configured",
            M,
            &[],
            &[Proxy(ProxyKind::Socks)],
            Fails("tcp_refused", PGO),
            "tcp.refused",
        ),
        s(
            "proxy.socks_upstream_refused",
            M,
            &[("HTTPS_PROXY", "socks5://proxy.corp.example:1080")],
            &[Proxy(ProxyKind::Socks), Refused(PGO)],
            Fails("socks_upstream", PGO),
            "proxy.upstream_failed",
        ),
        s(
            "proxy.socks_unreachable",
            M,
            &[("HTTPS_PROXY", "socks5://proxy.corp.example:1080")],
            &[DirectBlocked],
            Fails("proxy:tcp_refused", PGO),
            "proxy.unreachable",
        ),
        s(
            "proxy.socks_auth_required",
            M,
            &[("HTTPS_PROXY", "socks5://proxy.corp.example:1080")],
            &[Proxy(ProxyKind::SocksAuth)],
            Fails("socks_auth_required", PGO),
            "proxy.auth_required",
        ),
        s(
            "proxy.socks_auth_rejected",
            M,
            &[(
                "HTTPS_PROXY",
                "socks5://alice:n0tTh3Pa55@proxy.corp.example:1080",
            )],
            &[Proxy(ProxyKind::SocksAuth)],
            Fails("socks_auth_failed", PGO),
            "proxy.auth_rejected",
        ),
        // The OS's PAC script (GOMOD_DIAG_PAC stands in for the OS setting), served over HTTP
        // in the lab, names Debian's tinyproxy; Go reads no PAC and goes direct, which the
        // network refuses (only the proxy may reach the public hosts). The fix must name
        // exactly the proxy the script returns.
        s(
            "config.system_proxy_ignored_pac",
            M,
            &[("GOMOD_DIAG_PAC", super::lab::PAC_URL)],
            &[Proxy(ProxyKind::Tinyproxy), Pac(LAB_PAC)],
            Fails("tcp_refused", PGO),
            "config.system_proxy_ignored",
        ),
        // That fix applied: Go gets through the proxy the script names.
        s(
            "healthy.pac_proxy_applied",
            M,
            &[
                ("HTTPS_PROXY", LAB_PAC_PROXY),
                ("GOMOD_DIAG_PAC", super::lab::PAC_URL),
            ],
            &[Proxy(ProxyKind::Tinyproxy), Pac(LAB_PAC)],
            GoOk,
            "ok",
        ),
        // Debian's tinyproxy with BasicAuth: 407 without credentials, but `401 Unauthorized`
        // (not 407) for wrong ones.
        s(
            "healthy.tinyproxy_credentials",
            M,
            &[("HTTPS_PROXY", "http://alice:s3cret@proxy.corp.example:3128")],
            &[Proxy(ProxyKind::TinyproxyAuth)],
            GoOk,
            "ok",
        ),
        s(
            "proxy.tinyproxy_auth_required",
            M,
            VIA_PROXY,
            &[Proxy(ProxyKind::TinyproxyAuth)],
            Fails("connect_407", PGO),
            "proxy.auth_required",
        ),
        s(
            "proxy.tinyproxy_auth_rejected",
            M,
            &[(
                "HTTPS_PROXY",
                "http://alice:n0tTh3Pa55@proxy.corp.example:3128",
            )],
            &[Proxy(ProxyKind::TinyproxyAuth)],
            Fails("connect_401", PGO),
            "proxy.auth_rejected",
        ),
        s(
            "proxy.auth_required",
            M,
            VIA_PROXY,
            &[DirectBlocked, Proxy(ProxyKind::Basic)],
            Fails("connect_407", PGO),
            "proxy.auth_required",
        ),
        s(
            "proxy.auth_rejected",
            M,
            &[(
                "HTTPS_PROXY",
                "http://alice:n0tTh3Pa55@proxy.corp.example:3128",
            )],
            &[DirectBlocked, Proxy(ProxyKind::Basic)],
            Fails("connect_407", PGO),
            "proxy.auth_rejected",
        ),
        s(
            "proxy.auth_unsupported",
            M,
            VIA_PROXY,
            &[DirectBlocked, Proxy(ProxyKind::NtlmOnly)],
            Fails("connect_407", PGO),
            "proxy.auth_unsupported",
        ),
        s(
            "proxy.connect_denied",
            M,
            VIA_PROXY,
            &[DirectBlocked, Proxy(ProxyKind::Forbidden)],
            Fails("connect_403", PGO),
            "proxy.connect_denied",
        ),
        s(
            "proxy.upstream_failed",
            M,
            VIA_PROXY,
            &[DirectBlocked, Proxy(ProxyKind::BadGateway)],
            Fails("connect_502", PGO),
            "proxy.upstream_failed",
        ),
        s(
            "proxy.scheme_mismatch",
            M,
            &[("HTTPS_PROXY", "https://proxy.corp.example:3128")],
            &[DirectBlocked, Proxy(ProxyKind::Open)],
            Fails("proxy:not_tls", PGO),
            "proxy.scheme_mismatch",
        ),
        s(
            "proxy.not_a_proxy",
            M,
            VIA_PROXY,
            &[DirectBlocked, Proxy(ProxyKind::SshBanner)],
            Fails("malformed_response", PGO),
            "proxy.not_a_proxy",
        ),
        s(
            "config.http_proxy_only",
            M,
            &[("HTTP_PROXY", "http://proxy.corp.example:3128")],
            &[DirectBlocked, Proxy(ProxyKind::Open)],
            Fails("tcp_refused", PGO),
            "config.http_proxy_only",
        ),
        s(
            "config.no_proxy_bypass",
            M,
            &[
                ("HTTPS_PROXY", "http://proxy.corp.example:3128"),
                ("NO_PROXY", ".golang.org"),
            ],
            &[DirectBlocked, Proxy(ProxyKind::Open)],
            Fails("tcp_refused", PGO),
            "config.no_proxy_bypass",
        ),
        // An unescaped `%` in the password: both of Go's parses fail, the value is ignored
        // without a word, and Go goes direct.
        s(
            "config.proxy_value_invalid",
            M,
            &[("HTTPS_PROXY", "http://alice:50%off@proxy.corp.example:3128")],
            &[DirectBlocked, Proxy(ProxyKind::Open)],
            Fails("tcp_refused", PGO),
            "config.proxy_value_invalid",
        ),
        // A space in the value: the first parse fails, the retry with "http://" prepended
        // succeeds with the host "http" — Go tries a proxy named `http`.
        s(
            "proxy.unreachable.typo_value",
            M,
            &[("HTTPS_PROXY", "http://proxy corp.example:3128")],
            &[DirectBlocked, Proxy(ProxyKind::Open)],
            Fails("proxy:dns_nxdomain", PGO),
            "proxy.unreachable",
        ),
        // Module proxy.
        s(
            "goproxy.forbidden",
            M,
            &[],
            &[Http(PGO, "/@v/", HttpFault::Status(403))],
            Fails("http_403", PGO),
            "goproxy.forbidden",
        ),
        s(
            "goproxy.http_error",
            M,
            &[],
            &[Http(PGO, "/@v/", HttpFault::Status(503))],
            Fails("http_503", PGO),
            "goproxy.http_error",
        ),
        s(
            "goproxy.http_error.429",
            M,
            &[],
            &[Http(PGO, "/@v/", HttpFault::Status(429))],
            Fails("http_429", PGO),
            "goproxy.http_error",
        ),
        s(
            "goproxy.captive_portal",
            M,
            &[],
            &[Http(PGO, "/@v/", HttpFault::Html)],
            Fails("bad_response", PGO),
            "goproxy.captive_portal",
        ),
        s(
            "goproxy.module_not_found",
            "example.com/hello@v9.9.9",
            &[("GOPROXY", "https://proxy.golang.org,https://goproxy.cn")],
            &[],
            Fails("http_404", CN),
            "goproxy.module_not_found",
        ),
        s(
            "config.comma_blocks_fallback",
            M,
            &[("GOPROXY", "https://goproxy.cn,https://proxy.golang.org")],
            &[Refused(CN)],
            Fails("tcp_refused", CN),
            "config.comma_blocks_fallback",
        ),
        s(
            "healthy.pipe_falls_back",
            M,
            &[("GOPROXY", "https://goproxy.cn|https://proxy.golang.org")],
            &[Refused(CN)],
            GoOk,
            "ok",
        ),
        // Checksum database.
        s(
            "sumdb.proxy_route_broken",
            M,
            &[],
            &[Http(
                PGO,
                "/sumdb/sum.golang.org/supported",
                HttpFault::Status(500),
            )],
            Fails("http_500", PGO),
            "sumdb.proxy_route_broken",
        ),
        s(
            "sumdb.unreachable",
            M,
            &[("GOPROXY", "https://goproxy.corp.example")],
            &[Refused(SUM)],
            Fails("tcp_refused", SUM),
            "sumdb.unreachable",
        ),
        s(
            "sumdb.not_found",
            "example.com/Upper@v0.1.0",
            &[("GOPROXY", "https://goproxy.corp.example")],
            &[],
            Fails("http_404", SUM),
            "sumdb.not_found",
        ),
        s(
            "sumdb.bad_signature",
            M,
            &[],
            &[Http(PGO, "/lookup/", HttpFault::TamperNote)],
            Fails("bad_signature", ""),
            "sumdb.bad_signature",
        ),
        // Configuration.
        s(
            "config.private_not_excluded",
            PRIVATE,
            &[],
            &[],
            Fails("http_404", PGO),
            "config.private_not_excluded",
        ),
        // The private module through an internal mirror: the checksum database is asked
        // directly (the mirror has no /sumdb/) and says 404.
        s(
            "config.private_not_excluded.mirror",
            PRIVATE,
            &[("GOPROXY", "https://goproxy.corp.example")],
            &[],
            Fails("http_404", SUM),
            "config.private_not_excluded",
        ),
        s(
            "config.pattern_whitespace",
            PRIVATE,
            &[("GOPRIVATE", "example.org, corp.example")],
            &[],
            Fails("http_404", PGO),
            "config.pattern_whitespace",
        ),
        s(
            "config.goproxy_off",
            M,
            &[("GOPROXY", "off")],
            &[],
            Fails("goproxy_off", ""),
            "config.goproxy_off",
        ),
        s(
            "config.goproxy_invalid",
            M,
            &[("GOPROXY", "Direct")],
            &[],
            Fails("goproxy_invalid", ""),
            "config.goproxy_invalid",
        ),
        s(
            "config.gosumdb_invalid",
            M,
            &[("GOSUMDB", "sum.example.com")],
            &[],
            Fails("gosumdb_invalid", ""),
            "config.gosumdb_invalid",
        ),
        s(
            "config.env_overrides_goenv",
            M,
            &[("GOPROXY", "https://proxy.golang.org")],
            &[Refused(PGO), GoEnvFile("GOPROXY=https://goproxy.cn\n")],
            Fails("tcp_refused", PGO),
            "config.env_overrides_goenv",
        ),
        // Direct mode.
        s(
            "vcs.meta_missing",
            M,
            &[("GOPROXY", "direct")],
            &[],
            Fails("meta_missing", "example.com"),
            "vcs.meta_missing",
        ),
        s(
            "vcs.git_missing",
            "github.com/lab/tool@v1.0.0",
            &[("GOPROXY", "direct")],
            &[NoGit],
            Fails("git_missing", ""),
            "vcs.git_missing",
        ),
        s(
            "vcs.govcs_denied",
            "github.com/lab/tool@v1.0.0",
            &[("GOPROXY", "direct"), ("GOVCS", "github.com:off")],
            &[],
            Fails("govcs_denied", ""),
            "vcs.govcs_denied",
        ),
        // Real git smart-HTTP (git http-backend) for github.com/lab/*: private modules as
        // companies fetch them, GOPRIVATE and nothing else.
        s(
            "healthy.direct_git_tag",
            "github.com/lab/tool@v1.0.0",
            GIT_PRIVATE,
            &[],
            GoOk,
            "ok",
        ),
        s(
            "healthy.direct_git_subdir",
            "github.com/lab/tool/sub@v0.1.0",
            GIT_PRIVATE,
            &[],
            GoOk,
            "ok",
        ),
        s(
            "healthy.direct_git_pseudo_version",
            "github.com/lab/tool@v1.0.1-0.20240102000000-50b2f64444a3",
            GIT_PRIVATE,
            &[],
            GoOk,
            "ok",
        ),
        // A commit that no branch or tag points at: git ls-remote cannot see it, Go fetches
        // it; the prediction is a success that states the assumption.
        s(
            "healthy.direct_git_pseudo_not_a_tip",
            DEEP_PSEUDO,
            GIT_PRIVATE,
            &[],
            GoOk,
            "ok",
        ),
        s(
            "healthy.direct_git_branch",
            "github.com/lab/tool@main",
            GIT_PRIVATE,
            &[],
            GoOk,
            "ok",
        ),
        s(
            "healthy.direct_git_latest",
            "github.com/lab/tool@latest",
            GIT_PRIVATE,
            &[],
            GoOk,
            "ok",
        ),
        s(
            "vcs.tag_missing",
            "github.com/lab/tool@v1.2.0",
            GIT_PRIVATE,
            &[],
            Fails("unknown_revision", ""),
            "goproxy.module_not_found",
        ),
        s(
            "vcs.subdir_tag_missing",
            "github.com/lab/tool/sub@v0.2.0",
            GIT_PRIVATE,
            &[],
            Fails("unknown_revision", ""),
            "goproxy.module_not_found",
        ),
        s(
            "vcs.git_missing_private",
            "github.com/lab/tool@v1.0.0",
            GIT_PRIVATE,
            &[NoGit],
            Fails("git_missing", ""),
            "vcs.git_missing",
        ),
        // The repository wants Basic credentials: none, in ~/.netrc (libcurl reads it for
        // git), in git's `store` credential helper.
        s(
            "vcs.auth_required",
            "github.com/lab/private@v1.0.0",
            GIT_PRIVATE,
            &[],
            Fails("git_auth", "github.com"),
            "vcs.auth_required",
        ),
        s(
            "healthy.direct_git_netrc",
            "github.com/lab/private@v1.0.0",
            GIT_PRIVATE,
            &[Netrc("machine github.com login alice password s3cret\n")],
            GoOk,
            "ok",
        ),
        s(
            "healthy.direct_git_credential_store",
            "github.com/lab/private@v1.0.0",
            GIT_PRIVATE,
            &[
                GitConfig("[credential]\n\thelper = store\n"),
                GitCredentials("https://alice:s3cret@github.com\n"),
            ],
            GoOk,
            "ok",
        ),
        // A real sshd that refuses the key: an insteadOf rewrite to ssh, the host key
        // accepted by the user's ssh command (so the refusal is what fails).
        s(
            "vcs.ssh_key_refused",
            "github.com/lab/tool@v1.0.0",
            GIT_PRIVATE,
            &[
                Sshd,
                GitConfig("[url \"ssh://git@github.com/\"]\n\tinsteadOf = https://github.com/\n[core]\n\tsshCommand = ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null\n"),
            ],
            Fails("git_ssh", "github.com"),
            "vcs.auth_required",
        ),
        // --no-vcs: git is not run; its anonymous first request (info/refs) decides.
        s(
            "novcs.direct_git_tag",
            "github.com/lab/tool@v1.0.0",
            GIT_PRIVATE,
            &[],
            GoOk,
            "ok",
        ),
        s(
            "novcs.tag_missing",
            "github.com/lab/tool/sub@v0.2.0",
            GIT_PRIVATE,
            &[],
            Fails("unknown_revision", ""),
            "goproxy.module_not_found",
        ),
        s(
            "novcs.auth_required",
            "github.com/lab/private@v1.0.0",
            GIT_PRIVATE,
            &[],
            Fails("git_auth", "github.com"),
            "vcs.auth_required",
        ),
        s(
            "vcs.ssh_blocked",
            "github.com/lab/tool@v1.0.0",
            &[("GOPROXY", "direct")],
            &[GitConfig(
                "[url \"ssh://git@github.com/\"]\n\tinsteadOf = https://github.com/\n",
            )],
            Fails("git_ssh", "github.com"),
            "vcs.ssh_blocked",
        ),
        // Mercurial and Subversion (Debian's hg serve, svnserve), found through go-import
        // tags on corp.example, GOPRIVATE and nothing else.
        s(
            "healthy.direct_hg_tag",
            "corp.example/hgmod@v1.0.0",
            CORP_PRIVATE,
            &[HgServe, GoImport("hgmod", HG_TAG)],
            GoOk,
            "ok",
        ),
        s(
            "vcs.hg_tag_missing",
            "corp.example/hgmod@v1.2.0",
            CORP_PRIVATE,
            &[HgServe, GoImport("hgmod", HG_TAG)],
            Fails("unknown_revision", ""),
            "goproxy.module_not_found",
        ),
        s(
            "vcs.hg_not_found",
            "corp.example/hgmod@v1.0.0",
            CORP_PRIVATE,
            &[
                HgServe,
                GoImport("hgmod", "corp.example/hgmod hg http://corp.example:8000/nope"),
            ],
            Fails("hg_not_found", ""),
            "goproxy.module_not_found",
        ),
        s(
            "vcs.hg_not_found_latest",
            "corp.example/hgmod@latest",
            CORP_PRIVATE,
            &[
                HgServe,
                GoImport("hgmod", "corp.example/hgmod hg http://corp.example:8000/nope"),
            ],
            Fails("hg_not_found", ""),
            "goproxy.module_not_found",
        ),
        s(
            "vcs.hg_missing",
            "corp.example/hgmod@v1.0.0",
            CORP_PRIVATE,
            &[HgServe, GoImport("hgmod", HG_TAG), NoGit],
            Fails("git_missing", ""),
            "vcs.git_missing",
        ),
        s(
            "vcs.govcs_denied_hg",
            "corp.example/hgmod@v1.0.0",
            &[("GOPRIVATE", "corp.example"), ("GOVCS", "corp.example:git")],
            &[HgServe, GoImport("hgmod", HG_TAG)],
            Fails("govcs_denied", ""),
            "vcs.govcs_denied",
        ),
        s(
            "healthy.direct_svn_latest",
            "corp.example/svnmod@latest",
            CORP_PRIVATE,
            &[SvnServe, GoImport("svnmod", SVN_TRUNK)],
            GoOk,
            "ok",
        ),
        s(
            "vcs.svn_not_found",
            "corp.example/svnmod@latest",
            CORP_PRIVATE,
            &[
                SvnServe,
                GoImport("svnmod", "corp.example/svnmod svn svn://corp.example/nope"),
            ],
            Fails("no_matching_versions", ""),
            "goproxy.module_not_found",
        ),
        s(
            "vcs.svn_missing",
            "corp.example/svnmod@latest",
            CORP_PRIVATE,
            &[SvnServe, GoImport("svnmod", SVN_TRUNK), NoGit],
            Fails("no_matching_versions", ""),
            "vcs.git_missing",
        ),
        // Go's svn support cannot Stat a semantic-version tag (`svn log REPO@v1.0.0` is a
        // syntax error), even when tags/v1.0.0 exists.
        s(
            "vcs.svn_semver_tag",
            "corp.example/svnmod@v1.0.0",
            CORP_PRIVATE,
            &[SvnServe, GoImport("svnmod", SVN_TRUNK)],
            Fails("unknown_revision", ""),
            "goproxy.module_not_found",
        ),
        // fossil: only the binary is checked; bzr: no VCS of Go 1.27 (an unknown vcs).
        s(
            "vcs.fossil_missing",
            "corp.example/fsl@v1.0.0",
            CORP_PRIVATE,
            &[GoImport("fsl", "corp.example/fsl fossil https://corp.example/fsl"), NoGit],
            Fails("git_missing", ""),
            "vcs.git_missing",
        ),
        s(
            "vcs.bzr_unsupported",
            "corp.example/bzrmod@v1.0.0",
            CORP_PRIVATE,
            &[GoImport("bzrmod", "corp.example/bzrmod bzr https://corp.example/bzrmod")],
            Fails("unknown_vcs", "corp.example"),
            "vcs.meta_missing",
        ),
        // GOINSECURE for the go-import page: Go skips its certificate check (the module
        // itself comes from a trusted mirror); without GOINSECURE the same page fails.
        s(
            "healthy.goinsecure_go_import",
            PRIVATE,
            &[("GOPRIVATE", "corp.example"), ("GOINSECURE", "corp.example")],
            &[Tls("corp.example", TlsFault::Untrusted), GoImport("private", MIRROR_ROOT)],
            GoOk,
            "ok",
        ),
        // ... and with nothing on port 443, GOINSECURE's plain-http fallback.
        s(
            "healthy.goinsecure_http_fallback",
            PRIVATE,
            &[("GOPRIVATE", "corp.example"), ("GOINSECURE", "corp.example")],
            &[
                Refused("corp.example"),
                PlainHttpPort("corp.example"),
                GoImport("private", MIRROR_ROOT),
            ],
            GoOk,
            "ok",
        ),
        s(
            "vcs.go_import_untrusted",
            PRIVATE,
            CORP_PRIVATE,
            &[Tls("corp.example", TlsFault::Untrusted), GoImport("private", MIRROR_ROOT)],
            Fails("tls_unknown_authority", "corp.example"),
            "tls.untrusted_interception",
        ),
        // Repository roots Go refuses before running git.
        s(
            "vcs.repo_root_file",
            PRIVATE,
            CORP_PRIVATE,
            &[GoImport("private", "corp.example/private git file:///srv/git/private")],
            Fails("repo_root_invalid", "corp.example"),
            "vcs.meta_missing",
        ),
        s(
            "vcs.repo_root_no_scheme",
            PRIVATE,
            CORP_PRIVATE,
            &[GoImport("private", "corp.example/private git /srv/git/private")],
            Fails("repo_root_invalid", "corp.example"),
            "vcs.meta_missing",
        ),
        // Combinations of two faults.
        s(
            "combo.hijack_on_unused_proxy",
            M,
            &[("GOPROXY", "https://goproxy.cn,direct")],
            &[DnsHijack(PGO)],
            GoOk,
            "ok",
        ),
        s(
            "combo.nxdomain_before_comma",
            M,
            &[("GOPROXY", "https://goproxy.cn,https://proxy.golang.org")],
            &[DnsNxdomain(CN)],
            Fails("dns_nxdomain", CN),
            "config.comma_blocks_fallback",
        ),
        s(
            "combo.proxy_auth_and_goproxy_403",
            M,
            VIA_PROXY,
            &[
                DirectBlocked,
                Proxy(ProxyKind::Basic),
                Http(PGO, "/@v/", HttpFault::Status(403)),
            ],
            Fails("connect_407", PGO),
            "proxy.auth_required",
        ),
        // (A dropped first entry before `|` is not here: Go pays the 30 s dial timeout on every
        // request — .info, .mod, .zip, /sumdb/ — and takes more than two minutes.)
        s(
            "combo.nxdomain_then_pipe",
            M,
            &[("GOPROXY", "https://proxy.golang.org|https://goproxy.cn")],
            &[DnsNxdomain(PGO)],
            GoOk,
            "ok",
        ),
        s(
            "combo.mirror_and_intercepted_sumdb",
            M,
            &[("GOPROXY", "https://goproxy.corp.example")],
            &[Tls(SUM, TlsFault::Untrusted)],
            Fails("tls_unknown_authority", SUM),
            "tls.untrusted_interception",
        ),
        s(
            "combo.gosumdb_off_hides_broken_sumdb",
            M,
            &[("GOSUMDB", "off")],
            &[Http(
                PGO,
                "/sumdb/sum.golang.org/supported",
                HttpFault::Status(500),
            )],
            GoOk,
            "ok",
        ),
        s(
            "combo.env_file_mirror_and_blocked_default",
            M,
            &[],
            &[Refused(PGO), GoEnvFile("GOPROXY=https://goproxy.cn\n")],
            GoOk,
            "ok",
        ),
        // The mirror sends its certificate without the intermediate (the root is trusted).
        s(
            "tls.incomplete_chain",
            M,
            &[],
            &[Tls(PGO, TlsFault::LeafOnly)],
            Fails("tls_unknown_authority", PGO),
            "tls.incomplete_chain",
        ),
        // ... and its client-side fix: the intermediate in SSL_CERT_DIR.
        s(
            "combo.incomplete_chain_intermediate_in_cert_dir",
            M,
            &[],
            &[Tls(PGO, TlsFault::LeafOnly), IntermediateInCertDir],
            GoOk,
            "ok",
        ),
        // The PAC served over HTTP names Debian's squid (deliverable 5 of the corporate-network
        // work): Go goes direct and is refused; the fix is the proxy the script returns.
        s(
            "config.system_proxy_ignored_pac_squid",
            M,
            &[("GOMOD_DIAG_PAC", super::lab::PAC_URL)],
            &[Squid(SquidKind::Plain), Pac(LAB_PAC)],
            Fails("tcp_refused", PGO),
            "config.system_proxy_ignored",
        ),
        // No URL in the OS, only "detect settings automatically": the script is found by WPAD
        // (wpad.<search domain>/wpad.dat) and names squid; the fix is that proxy.
        s(
            "config.system_proxy_ignored_wpad",
            M,
            &[],
            &[Squid(SquidKind::Plain), Pac(LAB_PAC), DesktopWpad],
            Fails("tcp_refused", PGO),
            "config.system_proxy_ignored",
        ),
        s(
            "healthy.pac_proxy_applied_squid",
            M,
            &[
                ("HTTPS_PROXY", LAB_PAC_PROXY),
                ("GOMOD_DIAG_PAC", super::lab::PAC_URL),
            ],
            &[Squid(SquidKind::Plain), Pac(LAB_PAC)],
            GoOk,
            "ok",
        ),
        // Debian's squid as the corporate proxy (peers.rs): the clients' own connections to
        // the public hosts are reset, only squid gets out.
        s(
            "healthy.squid",
            M,
            VIA_PROXY,
            &[Squid(SquidKind::Plain)],
            GoOk,
            "ok",
        ),
        // An internal mirror on 8443: squid's stock `http_access deny CONNECT !SSL_ports`.
        s(
            "proxy.squid_connect_denied_port",
            M,
            &[
                ("HTTPS_PROXY", "http://proxy.corp.example:3128"),
                ("GOPROXY", "https://goproxy.corp.example:8443"),
            ],
            &[Squid(SquidKind::Plain)],
            Fails("connect_403", "goproxy.corp.example"),
            "proxy.connect_denied",
        ),
        // A blocklist: squid denies CONNECT to proxy.golang.org (ERR_ACCESS_DENIED).
        s(
            "proxy.squid_connect_denied_blocklist",
            M,
            VIA_PROXY,
            &[Squid(SquidKind::DenyGoProxy)],
            Fails("connect_403", PGO),
            "proxy.connect_denied",
        ),
        // Nothing listens at the mirror's address: squid's ERR_CONNECT_FAIL is a 503.
        s(
            "proxy.squid_upstream_failed",
            M,
            VIA_PROXY,
            &[Squid(SquidKind::Plain), Refused(PGO)],
            Fails("connect_503", PGO),
            "proxy.upstream_failed",
        ),
        s(
            "healthy.squid_basic_credentials",
            M,
            &[("HTTPS_PROXY", "http://alice:s3cret@proxy.corp.example:3128")],
            &[Squid(SquidKind::Basic)],
            GoOk,
            "ok",
        ),
        s(
            "proxy.squid_auth_required",
            M,
            VIA_PROXY,
            &[Squid(SquidKind::Basic)],
            Fails("connect_407", PGO),
            "proxy.auth_required",
        ),
        s(
            "proxy.squid_auth_rejected",
            M,
            &[(
                "HTTPS_PROXY",
                "http://alice:n0tTh3Pa55@proxy.corp.example:3128",
            )],
            &[Squid(SquidKind::Basic)],
            Fails("connect_407", PGO),
            "proxy.auth_rejected",
        ),
        // Digest only: Go sends Basic or nothing, so it never gets in.
        s(
            "proxy.squid_digest_only",
            M,
            VIA_PROXY,
            &[Squid(SquidKind::DigestOnly)],
            Fails("connect_407", PGO),
            "proxy.auth_unsupported",
        ),
        s(
            "proxy.squid_digest_only_with_credentials",
            M,
            &[("HTTPS_PROXY", "http://alice:s3cret@proxy.corp.example:3128")],
            &[Squid(SquidKind::DigestOnly)],
            Fails("connect_407", PGO),
            "proxy.auth_unsupported",
        ),
        // squid ssl-bump (squid-openssl): TLS inspection with a CA made for the scenario.
        s(
            "tls.squid_bump_untrusted",
            M,
            VIA_PROXY,
            &[Squid(SquidKind::Bump)],
            Fails("tls_unknown_authority", PGO),
            "tls.untrusted_interception",
        ),
        s(
            "healthy.squid_bump_trusted",
            M,
            VIA_PROXY,
            &[Squid(SquidKind::BumpTrusted)],
            GoOk,
            "ok",
        ),
        // The inspecting squid cannot verify the real server (it lacks the root): its
        // ERR_SECURE_CONNECT_FAIL page (503, `X-Squid-Error`) comes back inside the decrypted
        // tunnel, and Go reads it as the mirror's answer. The tool names the mirror's 5xx too;
        // telling squid's own page apart (proxy.upstream_failed) needs the response headers
        // in the fetch facts, which they do not carry yet.
        s(
            "goproxy.http_error.squid_bump_upstream_unverified",
            M,
            VIA_PROXY,
            &[Squid(SquidKind::BumpTrustedUpstreamUnverified)],
            Fails("http_503", PGO),
            "goproxy.http_error",
        ),
        // Debian's dnsmasq as the system resolver (no upstream: only its configuration).
        s("healthy.dnsmasq", M, &[], &[Dnsmasq], GoOk, "ok"),
        s(
            "dns.dnsmasq_nxdomain",
            M,
            &[],
            &[Dnsmasq, DnsNxdomain(PGO)],
            Fails("dns_nxdomain", PGO),
            "dns.nxdomain_filtered",
        ),
        s(
            "dns.dnsmasq_sinkhole",
            M,
            &[],
            &[Dnsmasq, DnsSinkhole(PGO)],
            Fails("tcp_refused", PGO),
            "dns.hijacked",
        ),
        s(
            "dns.dnsmasq_hijacked",
            M,
            &[],
            &[Dnsmasq, DnsHijack(PGO)],
            Fails("tls_hostname", PGO),
            "dns.hijacked",
        ),
        // squid resolves through the same dnsmasq, which filters the mirror's name: Go never
        // resolves it (the proxy does), squid answers ERR_DNS_FAIL as a 500.
        s(
            "combo.squid_behind_filtering_dnsmasq",
            M,
            VIA_PROXY,
            &[Squid(SquidKind::Plain), Dnsmasq, DnsNxdomain(PGO)],
            Fails("connect_500", PGO),
            "proxy.upstream_failed",
        ),
        // tinyproxy cannot connect to the mirror.
        s(
            "proxy.tinyproxy_upstream_refused",
            M,
            &[("HTTPS_PROXY", "http://alice:s3cret@proxy.corp.example:3128")],
            &[Proxy(ProxyKind::TinyproxyAuth), Refused(PGO)],
            Fails("connect_500", PGO),
            "proxy.upstream_failed",
        ),
    ]
}

/// Whether the scenario runs squid or dnsmasq (whose scenarios compare Go's text exactly).
pub fn uses_peer(sc: &Scenario) -> bool {
    sc.faults.iter().any(|f| matches!(f, Squid(_) | Dnsmasq))
}

/// Why a scenario's third-party peer cannot run here (the scenario is then skipped, or fails
/// the lab with CI=true).
pub fn peer_missing(sc: &Scenario) -> Option<String> {
    sc.faults.iter().find_map(|f| match f {
        Squid(k) => peers::squid_missing(matches!(
            k,
            SquidKind::Bump | SquidKind::BumpTrusted | SquidKind::BumpTrustedUpstreamUnverified
        )),
        Dnsmasq => peers::dnsmasq_missing(),
        _ => None,
    })
}

/// Extra gomod-diag arguments for a scenario: none — direct mode runs `git ls-remote` by
/// default, as Go runs it, so scenarios run as users run them; the `novcs.` rows check what
/// `--no-vcs` (git's anonymous first request only) still decides.
pub fn diag_args(sc: &Scenario) -> &'static [&'static str] {
    if sc.name.starts_with("novcs.") {
        &["--no-vcs"]
    } else {
        &[]
    }
}

#[test]
fn every_scenario_runs_without_flags() {
    let all = all();
    let direct: Vec<&Scenario> = all.iter().filter(|s| s.name.starts_with("vcs.")).collect();
    assert!(direct.len() >= 8, "{direct:?}");
    assert!(all
        .iter()
        .filter(|s| !s.name.starts_with("novcs."))
        .all(|s| diag_args(s).is_empty()));
}

/// Scenarios that make Go wait (30 s dial timeout, 10 s handshake timeout) start first.
pub fn weight(s: &Scenario) -> u8 {
    if s.faults.iter().any(|f| matches!(f, Dropped(_))) {
        0
    } else if s
        .faults
        .iter()
        .any(|f| matches!(f, Tls(_, TlsFault::Silent) | ResolverDown))
    {
        1
    } else {
        2
    }
}
