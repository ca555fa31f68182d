//! Placeholder templating: the named values of a fix ([`FixValues`]), the `{name}` holes
//! templates may use ([`PLACEHOLDERS`]) and filling them (values redacted, a missing value
//! shown as a visible `<hole>`). Shell quoting is the job of [`super::steps`].

use std::collections::BTreeMap;

use crate::cli::Lang;

/// The placeholders templates may use, with the hole shown when no value is known (en, zh).
pub const PLACEHOLDERS: &[(&str, &str, &str)] = &[
    ("proxy", "proxy address", "代理地址"),
    (
        "proxy_auth",
        "http://<user>:<password>@proxy:port",
        "http://<用户名>:<密码>@代理:端口",
    ),
    ("module", "module@version", "模块@版本"),
    ("module_path", "module path", "模块路径"),
    ("pattern", "module path pattern", "模块路径模式"),
    ("goprivate_new", "new GOPRIVATE value", "新的 GOPRIVATE 值"),
    ("gonosumdb_new", "new GONOSUMDB value", "新的 GONOSUMDB 值"),
    ("goproxy_new", "new GOPROXY value", "新的 GOPROXY 值"),
    ("noproxy_new", "new NO_PROXY value", "新的 NO_PROXY 值"),
    (
        "mirror",
        "a module mirror that works here",
        "可用的模块镜像",
    ),
    ("ca_name", "CA name", "CA 名称"),
    (
        "ca_file",
        "path to the CA certificate (PEM)",
        "CA 证书文件路径（PEM）",
    ),
    ("host", "host name", "主机名"),
    // The git config key of the insteadOf rewrite that applies (`url.<base>.insteadOf`).
    (
        "instead_of",
        "url.BASE.insteadOf key",
        "url.BASE.insteadOf 配置项",
    ),
    ("addr", "host:port", "主机:端口"),
    ("port", "port", "端口"),
    ("url", "URL", "URL"),
    ("var", "variable name", "变量名"),
    ("value", "value", "值"),
    ("sumdb", "GOSUMDB value", "GOSUMDB 值"),
    ("vcs", "version control system", "版本控制工具"),
    ("govcs_new", "new GOVCS value", "新的 GOVCS 值"),
    // The proxy as the user configured it (`proxy` may be a corrected one), for summaries.
    ("proxy_given", "configured proxy", "所配置的代理"),
    // The local clock's offset from a server's Date, signed seconds (`+94608003`).
    ("skew_secs", "clock offset in seconds", "时钟偏差秒数"),
    // Language-neutral detail of the verdict: what was not observed (inconclusive), or the
    // modules and the source that serves each (ok).
    ("detail", "detail", "详情"),
    // The GOPROXY entries (or `direct`) that serve the modules (ok).
    ("source", "source", "来源"),
    // The TLS-inspection product named by the CA (data/inspection.toml), where its CA comes
    // from, and the CA's common name (to find it in an OS store).
    ("product", "TLS-inspection product", "TLS 审查产品"),
    (
        "ca_source",
        "where to get the CA certificate",
        "CA 证书的获取方式",
    ),
    ("ca_cn", "CA common name", "CA 通用名称"),
    // WSL's networking mode (nat, mirrored), and the container this runs in: set only there.
    ("wsl_mode", "WSL networking mode", "WSL 网络模式"),
    ("container", "container", "容器"),
    // proxy.auth_unsupported: a local helper proxy that already works (127.0.0.1:3128), the
    // upstream proxy's host:port for a helper's configuration, the OS's PAC URL.
    ("helper", "local proxy helper address", "本地代理助手地址"),
    ("proxy_hostport", "proxy host:port", "代理主机:端口"),
    ("pac_url", "PAC URL", "PAC 地址"),
];

/// Named values for the `{placeholder}`s of fix templates (see [`PLACEHOLDERS`]).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct FixValues(pub BTreeMap<String, String>);

impl FixValues {
    pub fn new() -> FixValues {
        FixValues::default()
    }

    /// Builder form: `FixValues::new().with("module", "example.com/m@v1.0.0")`.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> FixValues {
        self.set(name, value);
        self
    }

    /// Sets a value; an empty value counts as missing.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        if value.is_empty() {
            self.0.remove(name);
        } else {
            self.0.insert(name.to_string(), value);
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

pub(super) fn is_known_placeholder(name: &str) -> bool {
    PLACEHOLDERS.iter().any(|(n, _, _)| *n == name)
}

/// The `{name}` placeholders in a template (lower-case letters and `_` only, so that
/// PowerShell script blocks such as `{ $_.Name }` are not mistaken for placeholders).
pub fn placeholders_in(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_placeholder_name(&after[..close]) => {
                out.push(after[..close].to_string());
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

fn is_placeholder_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// Fills placeholders: values are redacted; missing ones become `<hole>` and are recorded.
pub(super) fn fill(
    template: &str,
    values: &FixValues,
    lang: Lang,
    missing: &mut Vec<String>,
) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_placeholder_name(&after[..close]) => {
                let name = &after[..close];
                match values.get(name) {
                    Some(v) => out.push_str(&crate::redact::mask_value(v)),
                    None => {
                        out.push_str(&hole(name, lang));
                        if !missing.iter().any(|m| m == name) {
                            missing.push(name.to_string());
                        }
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Fills the placeholders of a title or explanation (no shell quoting; values redacted;
/// missing values become `<holes>`).
pub fn fill_text(template: &str, values: &FixValues, lang: Lang) -> String {
    fill(
        &drop_unknown_asides(template, values),
        values,
        lang,
        &mut Vec::new(),
    )
}

/// The template without the parenthesised asides whose values the run does not know
/// (`far slower here ({value}) than` → `far slower here than`): where a value cannot be
/// known, the sentence is written without it rather than with a `<hole>`.
fn drop_unknown_asides(template: &str, values: &FixValues) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    loop {
        let open = [rest.find('('), rest.find('（')]
            .into_iter()
            .flatten()
            .min();
        let Some(open) = open else { break };
        let (o, c) = if rest[open..].starts_with('(') {
            ('(', ')')
        } else {
            ('（', '）')
        };
        let inner_start = open + o.len_utf8();
        let Some(len) = rest[inner_start..].find([c, o]) else {
            break;
        };
        let inner = &rest[inner_start..inner_start + len];
        let closes = rest[inner_start + len..].starts_with(c);
        let unknown = placeholders_in(inner)
            .iter()
            .any(|n| values.get(n).is_none());
        if closes && unknown {
            out.push_str(rest[..open].trim_end_matches(' '));
            rest = &rest[inner_start + len + c.len_utf8()..];
        } else {
            out.push_str(&rest[..inner_start]);
            rest = &rest[inner_start..];
        }
    }
    out.push_str(rest);
    out
}

/// Fills a `summary` template: values redacted. None when a placeholder it uses has no value
/// (the caller then keeps the decision tree's sentence rather than print a `<hole>`).
pub fn fill_summary(template: &str, values: &FixValues, lang: Lang) -> Option<String> {
    let mut missing = Vec::new();
    let text = fill(template.trim(), values, lang, &mut missing);
    missing.is_empty().then_some(text)
}

fn hole(name: &str, lang: Lang) -> String {
    let label = PLACEHOLDERS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, en, zh)| if lang == Lang::Zh { *zh } else { *en })
        .unwrap_or(name);
    format!("<{label}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aside_without_its_value_is_left_out() {
        let t = "{url} is far slower here ({value}) than {mirror} (see docs).";
        let known = FixValues::new().with("url", "U").with("mirror", "M");
        assert_eq!(
            fill_text(t, &known, Lang::En),
            "U is far slower here than M (see docs)."
        );
        let all = known.clone().with("value", "12 s");
        assert_eq!(
            fill_text(t, &all, Lang::En),
            "U is far slower here (12 s) than M (see docs)."
        );
        assert_eq!(
            fill_text("比 {mirror} 慢得多（{value}）。", &known, Lang::Zh),
            "比 M 慢得多。"
        );
        // A sentence that needs the value keeps its hole.
        assert_eq!(fill_text("use {value}", &known, Lang::En), "use <value>");
    }

    #[test]
    fn empty_value_is_missing() {
        let mut v = FixValues::new().with("proxy", "http://127.0.0.1:7890");
        assert_eq!(v.get("proxy"), Some("http://127.0.0.1:7890"));
        v.set("proxy", "");
        assert_eq!(v.get("proxy"), None);
    }

    #[test]
    fn summaries_fill_only_when_every_value_is_known() {
        let values = FixValues::new()
            .with("host", "proxy.golang.org")
            .with("proxy_given", "http://bob:hunter2@10.0.0.1:3128");
        assert_eq!(
            fill_summary("{host} is down.", &values, Lang::En).as_deref(),
            Some("proxy.golang.org is down.")
        );
        assert_eq!(
            fill_summary("{host} and {module}.", &values, Lang::En),
            None
        );
        let redacted = fill_summary("代理 {proxy_given} 无法连接。", &values, Lang::Zh).unwrap();
        assert!(!redacted.contains("hunter2"), "{redacted}");
        assert!(redacted.contains("10.0.0.1:3128"), "{redacted}");
    }

    #[test]
    fn placeholders_are_parsed() {
        assert_eq!(
            placeholders_in("a {proxy} b {module_path}"),
            vec!["proxy", "module_path"]
        );
        assert!(placeholders_in("Where-Object { $_.Name }").is_empty());
        assert!(is_known_placeholder("proxy"));
        assert!(!is_known_placeholder("proxxy"));
    }

    #[test]
    fn missing_values_become_holes_in_the_language() {
        let mut missing = Vec::new();
        let en = fill(
            "use {proxy} for {proxy}",
            &FixValues::new(),
            Lang::En,
            &mut missing,
        );
        assert_eq!(en, "use <proxy address> for <proxy address>");
        assert_eq!(missing, vec!["proxy"], "a hole is listed once");
        assert_eq!(
            fill_text("{proxy} {x-y}", &FixValues::new(), Lang::Zh),
            "<代理地址> {x-y}"
        );
    }
}
