//! Which module paths are private, and the GOPRIVATE pattern that covers one — the one copy of
//! this knowledge that `run`, `env` and `explain` share. Pure: host names in, answers out.

use crate::config::pattern::match_prefix_patterns;

/// Public code forges that host many organisations: a private module there is covered by
/// `host/org`, never by the host (that would make every module on the forge private).
const FORGES: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "gitee.com",
    "codeberg.org",
    "gitea.com",
    "git.sr.ht",
    "dev.azure.com",
    "ssh.dev.azure.com",
];

/// Public code hosts whose modules are public.
const KNOWN_PUBLIC: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "golang.org",
    "go.googlesource.com",
    "gitee.com",
    "codeberg.org",
    "sr.ht",
    "gopkg.in",
    "google.golang.org",
];

/// Module hosts that are public by definition: never suggested for GOPRIVATE.
const PUBLIC_MODULE_HOSTS: &[&str] = &[
    "golang.org",
    "google.golang.org",
    "gopkg.in",
    "go.uber.org",
    "k8s.io",
    "cloud.google.com",
    "go.opentelemetry.io",
];

/// Public module proxies and checksum databases (and their well-known mirrors).
const PUBLIC_SERVICES: &[&str] = &[
    "proxy.golang.org",
    "sum.golang.org",
    "sum.golang.google.cn",
    "goproxy.cn",
    "goproxy.io",
    "proxy.golang.com.cn",
    "mirrors.aliyun.com",
    "goproxy.baidu.com",
    "mirrors.cloud.tencent.com",
    "repo.huaweicloud.com",
    "gocenter.io",
];

/// Top-level domains that exist only inside organisations or are reserved (RFC 2606/6761).
const INTERNAL_TLDS: &[&str] = &[
    "corp",
    "internal",
    "intranet",
    "lan",
    "local",
    "localdomain",
    "home",
    "private",
    "example",
    "test",
    "invalid",
    "localhost",
];

/// Labels below the top-level domain that name an organisation's internal network
/// (`git.corp.example.com`, `gitlab.internal.acme.com`).
const INTERNAL_LABELS: &[&str] = &["corp", "internal", "intranet", "intra", "lan"];

/// First labels of a company's own code server (`git.acme.com`, `gitlab.acme.co.uk`).
const CODE_SERVER_LABELS: &[&str] = &[
    "git", "gitlab", "gitea", "gerrit", "code", "scm", "src", "dev", "corp", "internal", "intranet",
];

/// The narrowest GOPRIVATE pattern that covers the module's organisation: `host/org` on a
/// public forge, the host elsewhere (a company's server holds only its own modules).
pub fn suggested_pattern(path: &str) -> String {
    let mut parts = path.split('/');
    let host = parts.next().unwrap_or("");
    match parts.next() {
        Some(org) if FORGES.contains(&host.to_ascii_lowercase().as_str()) => {
            format!("{host}/{org}")
        }
        _ => host.to_string(),
    }
}

/// A pattern list (GOPRIVATE, GONOSUMDB, ...) with its entries trimmed of the whitespace that
/// keeps Go from matching them, and empty entries dropped.
pub fn trimmed_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect()
}

/// The list with `pattern` appended unless an entry already equals it (entries trimmed).
pub fn with_pattern(list: &str, pattern: &str) -> String {
    let mut entries = trimmed_list(list);
    if !pattern.is_empty() && !entries.iter().any(|e| e == pattern) {
        entries.push(pattern.to_string());
    }
    entries.join(",")
}

/// The list made to cover `path`: trimmed, plus [`suggested_pattern`] when no entry matches.
/// Empty for a module that is public by definition (golang.org/x/...).
pub fn covering(list: &str, path: &str) -> String {
    if is_public_module(path) {
        return String::new();
    }
    let trimmed = trimmed_list(list).join(",");
    if match_prefix_patterns(&trimmed, path) {
        trimmed
    } else {
        with_pattern(&trimmed, &suggested_pattern(path))
    }
}

/// A module whose host only serves public modules.
pub fn is_public_module(path: &str) -> bool {
    let host = path.split('/').next().unwrap_or("").to_ascii_lowercase();
    PUBLIC_MODULE_HOSTS.contains(&host.as_str())
}

/// Whether a host is a well-known public Go service (module mirror, checksum database).
pub fn is_public_service_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    PUBLIC_SERVICES
        .iter()
        .any(|p| host == *p || host.ends_with(&format!(".{p}")))
}

/// Why a host name is not on the public internet, if it is not: an internal or reserved
/// top-level domain, an internal label, an IP literal, or a company's own code server.
pub fn internal_host(host: &str) -> Option<String> {
    let host_l = host.to_ascii_lowercase();
    if host_l.parse::<std::net::IpAddr>().is_ok() {
        return Some(format!("its host {host} is an IP address"));
    }
    let labels: Vec<&str> = host_l.split('.').collect();
    if let Some(tld) = labels.last().filter(|t| INTERNAL_TLDS.contains(t)) {
        return Some(format!(
            "its host {host} ends in .{tld}, which is not a public domain"
        ));
    }
    if let Some(l) = labels[..labels.len().saturating_sub(1)]
        .iter()
        .find(|l| INTERNAL_LABELS.contains(l))
    {
        return Some(format!(
            "its host {host} has the label {l:?}, which names an internal network"
        ));
    }
    let known_public = KNOWN_PUBLIC
        .iter()
        .any(|p| host_l == *p || host_l.ends_with(&format!(".{p}")));
    if labels.len() >= 3 && CODE_SERVER_LABELS.contains(&labels[0]) && !known_public {
        return Some(format!(
            "its host {host} looks like a company's own code server"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_covers_the_organisation_never_a_whole_forge() {
        assert_eq!(
            suggested_pattern("github.com/acme/secret/v2"),
            "github.com/acme"
        );
        assert_eq!(suggested_pattern("gitlab.com/grp"), "gitlab.com/grp");
        assert_eq!(
            suggested_pattern("dev.azure.com/org/proj/_git/r"),
            "dev.azure.com/org"
        );
        assert_eq!(
            suggested_pattern("git.corp.example/team/lib"),
            "git.corp.example"
        );
    }

    #[test]
    fn covering_trims_entries_and_adds_the_pattern_only_when_needed() {
        assert_eq!(
            covering(" github.com/acme ,", "github.com/acme/x"),
            "github.com/acme"
        );
        assert_eq!(
            covering("a.example", "github.com/acme/x"),
            "a.example,github.com/acme"
        );
        assert_eq!(covering("", "golang.org/x/text"), "");
        assert_eq!(
            with_pattern("github.com/acme, git.corp.example", "git.corp.example"),
            "github.com/acme,git.corp.example"
        );
        assert_eq!(with_pattern("", "x.example"), "x.example");
    }

    #[test]
    fn internal_hosts() {
        for h in [
            "git.corp.example",
            "gitlab.internal.acme.com",
            "10.1.2.3",
            "git.acme.com",
            "mods.local",
        ] {
            assert!(internal_host(h).is_some(), "{h}");
        }
        for h in [
            "github.com",
            "golang.org",
            "example.com",
            "git.sr.ht",
            "go.uber.org",
        ] {
            assert!(internal_host(h).is_none(), "{h}");
        }
        assert!(is_public_service_host("goproxy.cn"));
        assert!(!is_public_service_host("goproxy.cn.evil.example"));
    }
}
