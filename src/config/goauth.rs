//! GOAUTH as cmd/go reads it (cmd/go/internal/auth): which credentials Go adds to its https
//! requests. `netrc` (the default) reads `$NETRC` or `~/.netrc` (`%USERPROFILE%\_netrc` on
//! Windows when it exists); `off` adds none; `git DIR` and other commands run programs, which
//! gomod-diag does not do — the run says those credentials were not observed.
//! Pure: the caller reads the netrc file and passes its text in.

use std::collections::BTreeMap;

use crate::redact::Secret;

/// One `;`-separated GOAUTH entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMethod {
    Off,
    Netrc,
    /// `git DIR`: `git credential fill` in DIR.
    Git(String),
    /// Any other command line: run with the URL, prints headers.
    Command(String),
}

/// Parses GOAUTH; the error is the text cmd/go dies with.
pub fn parse_goauth(value: &str) -> Result<Vec<AuthMethod>, String> {
    let entries: Vec<&str> = value.split(';').collect();
    let mut out = vec![];
    for raw in &entries {
        let words: Vec<&str> = raw.split_whitespace().collect();
        let Some(first) = words.first() else {
            return Err(format!(
                "go: GOAUTH encountered an empty command (GOAUTH={value})"
            ));
        };
        out.push(match *first {
            "off" if entries.len() != 1 => {
                return Err(format!(
                    "go: GOAUTH=off cannot be combined with other authentication commands (GOAUTH={value})"
                ))
            }
            "off" => AuthMethod::Off,
            "netrc" => AuthMethod::Netrc,
            "git" => {
                if words.len() != 2 {
                    return Err("go: GOAUTH=git dir method requires an absolute path to the git working directory".into());
                }
                AuthMethod::Git(words[1].to_string())
            }
            _ => AuthMethod::Command(raw.trim().to_string()),
        });
    }
    Ok(out)
}

/// One complete `machine … login … password …` entry of a netrc file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetrcLine {
    pub machine: String,
    pub login: String,
    pub password: Secret,
}

/// cmd/go's parseNetrc: tokens by whitespace, entries complete once machine, login and
/// password are all set; `macdef` skips to the next empty line; `default` ends the file.
pub fn parse_netrc(data: &str) -> Vec<NetrcLine> {
    let mut out = vec![];
    let (mut machine, mut login, mut password) = (String::new(), String::new(), String::new());
    let mut in_macro = false;
    for line in data.split('\n') {
        if in_macro {
            if line.is_empty() {
                in_macro = false;
            }
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let mut i = 0;
        while i + 1 < f.len() {
            match f[i] {
                "machine" => {
                    machine = f[i + 1].to_string();
                    login.clear();
                    password.clear();
                }
                "login" => login = f[i + 1].to_string(),
                "password" => password = f[i + 1].to_string(),
                "macdef" => in_macro = true,
                _ => {}
            }
            if !machine.is_empty() && !login.is_empty() && !password.is_empty() {
                out.push(NetrcLine {
                    machine: std::mem::take(&mut machine),
                    login: std::mem::take(&mut login),
                    password: Secret::new(std::mem::take(&mut password)),
                });
            }
            i += 2;
        }
        if i < f.len() && f[i] == "default" {
            break;
        }
    }
    out
}

/// Basic credentials Go would add, by URL prefix (`host[:port][/path]`, no scheme).
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    by_prefix: BTreeMap<String, (String, Secret)>,
    /// What was read, for the report (`~/.netrc: 2 machines`), never a secret.
    pub sources: Vec<String>,
    /// GOAUTH entries whose credentials gomod-diag did not obtain (it runs no commands).
    pub not_observed: Vec<String>,
}

impl Credentials {
    /// The credentials of GOAUTH's entries; `netrc` is the file's text (None: no file) and
    /// `netrc_name` how to name it in the report.
    pub fn from_goauth(methods: &[AuthMethod], netrc: Option<&str>, netrc_name: &str) -> Self {
        let mut c = Credentials::default();
        // cmd/go runs the entries last to first, so the first entry's credentials win.
        for m in methods.iter().rev() {
            match m {
                AuthMethod::Off => {}
                AuthMethod::Netrc => {
                    let Some(text) = netrc else { continue };
                    let lines = parse_netrc(text);
                    c.sources
                        .push(format!("{netrc_name}: {} machine(s)", lines.len()));
                    // Stored last to first: the first entry for a machine wins.
                    for l in lines.iter().rev() {
                        c.by_prefix.insert(
                            trim_prefix(&l.machine),
                            (l.login.clone(), l.password.clone()),
                        );
                    }
                }
                AuthMethod::Git(dir) => c
                    .not_observed
                    .push(format!("GOAUTH=git {dir}: git credential fill was not run")),
                AuthMethod::Command(cmd) => c.not_observed.push(format!(
                    "GOAUTH command {}: not run",
                    crate::redact::mask_value(cmd.split_whitespace().next().unwrap_or(""))
                )),
            }
        }
        c
    }

    /// The login and password cmd/go adds to a GET of `url` (loadCredential): https only,
    /// the longest stored prefix of `host[:port]/path` by whole path elements.
    pub fn lookup(&self, url: &str) -> Option<(&str, &Secret)> {
        let rest = url.strip_prefix("https://")?;
        let rest = rest.split(['?', '#']).next().unwrap_or(rest);
        let mut prefix = rest.trim_end_matches('/');
        loop {
            if let Some((login, pass)) = self.by_prefix.get(prefix) {
                return Some((login, pass));
            }
            prefix = &prefix[..prefix.rfind('/')?];
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_prefix.is_empty()
    }
}

fn trim_prefix(p: &str) -> String {
    p.trim_start_matches("https://")
        .trim_end_matches('/')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// cmd/go/internal/auth/netrc_test.go's input and answer.
    #[test]
    fn parses_netrc_like_go() {
        let text = "machine incomplete\npassword none\n\nmachine api.github.com\n  login user\n  password pwd\n\nmachine incomlete.host\n  login justlogin\n\nmachine test.host\nlogin user2\npassword pwd2\n\nmachine oneline login user3 password pwd3\n\nmachine ignore.host macdef ignore\n  login nobody\n  password nothing\n\nmachine hasmacro.too macdef ignore-next-lines login user4 password pwd4\n  login nobody\n  password nothing\n\ndefault\nlogin anonymous\npassword gopher@golang.org\n\nmachine after.default\nlogin oops\npassword too-late-in-file\n";
        let got: Vec<(String, String, String)> = parse_netrc(text)
            .into_iter()
            .map(|l| (l.machine, l.login, l.password.expose().to_string()))
            .collect();
        let want = [
            ("api.github.com", "user", "pwd"),
            ("test.host", "user2", "pwd2"),
            ("oneline", "user3", "pwd3"),
            ("hasmacro.too", "user4", "pwd4"),
        ];
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn parses_goauth_like_go() {
        assert_eq!(parse_goauth("netrc").unwrap(), vec![AuthMethod::Netrc]);
        assert_eq!(
            parse_goauth("netrc; git /src/repo").unwrap(),
            vec![AuthMethod::Netrc, AuthMethod::Git("/src/repo".into())]
        );
        assert!(parse_goauth("off;netrc")
            .unwrap_err()
            .contains("cannot be combined"));
        assert!(parse_goauth("netrc;;")
            .unwrap_err()
            .contains("empty command"));
        assert!(parse_goauth("git").unwrap_err().contains("absolute path"));
        assert_eq!(
            parse_goauth("my-helper --token").unwrap(),
            vec![AuthMethod::Command("my-helper --token".into())]
        );
    }

    #[test]
    fn credentials_go_only_to_their_prefix_over_https() {
        let netrc = "machine goproxy.corp.example login alice password s3cret\nmachine goproxy.corp.example login bob password other\nmachine git.corp.example:8443/team login carol password t0ken\n";
        let c = Credentials::from_goauth(&[AuthMethod::Netrc], Some(netrc), "~/.netrc");
        let (login, pass) = c
            .lookup("https://goproxy.corp.example/mod/@v/list")
            .unwrap();
        assert_eq!(
            (login, pass.expose()),
            ("alice", "s3cret"),
            "first entry wins"
        );
        assert!(
            c.lookup("http://goproxy.corp.example/x").is_none(),
            "https only"
        );
        assert!(c.lookup("https://goproxy.corp.example.evil/x").is_none());
        assert!(c.lookup("https://other.example/x").is_none());
        assert!(c
            .lookup("https://git.corp.example:8443/team/repo?go-get=1")
            .is_some());
        assert!(c.lookup("https://git.corp.example:8443/other").is_none());
        assert!(
            c.lookup("https://git.corp.example/team").is_none(),
            "port is part of it"
        );
        assert_eq!(c.sources, vec!["~/.netrc: 3 machine(s)".to_string()]);
        let off = Credentials::from_goauth(&[AuthMethod::Off], Some(netrc), "~/.netrc");
        assert!(off.is_empty());
        let cmd = Credentials::from_goauth(
            &[AuthMethod::Command("helper --token ghp_secret".into())],
            None,
            "",
        );
        assert!(!format!("{:?}", cmd.not_observed).contains("ghp_secret"));
    }
}
