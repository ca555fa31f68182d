//! The command line (clap derive). Parsing only: validation of values that need Go's
//! semantics happens in the modules that own those semantics.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

/// The default public resolver, compared with the system resolver.
pub const DEFAULT_PUBLIC_DNS: &str = "8.8.8.8";
/// The default deadline for a whole run.
pub const DEFAULT_TIMEOUT: &str = "15s";

#[derive(Debug, Parser)]
#[command(
    name = "gomod-diag",
    version,
    about = "Why does `go get` / `go mod download` fail on this network? Probes DNS, TCP, TLS, \
             proxies, GOPROXY and the checksum database, predicts what Go will do, and names \
             the cause and the exact fix.",
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// `gomod-diag` alone is `gomod-diag run`.
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Print machine-readable JSON (the report schema in the README) instead of text; short
    /// for `--format json`.
    #[arg(long, global = true)]
    pub json: bool,

    /// Output format: text, json (as --json) or markdown (a report to paste into a ticket;
    /// `run` and `report` only) [default: text].
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        conflicts_with = "json"
    )]
    pub format: Option<OutputFormat>,

    /// CI mode: no progress, plain text, a one-line summary; GitHub Actions annotations when
    /// GITHUB_ACTIONS=true.
    #[arg(long, global = true)]
    pub ci: bool,

    /// Deadline for the whole run (e.g. 15s, 2500ms, 1m). Every probe also has its own,
    /// shorter timeout inside it.
    #[arg(long, global = true, value_name = "DURATION", default_value = DEFAULT_TIMEOUT, value_parser = parse_duration)]
    pub timeout: Duration,

    /// Whether `--timeout` was on the command line (not the default): `--patient` lengthens
    /// only a default deadline.
    #[arg(skip)]
    pub timeout_given: bool,

    /// No colour (also when NO_COLOR is set, or when output is not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Show every fact (-v), and more detail (-vv).
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// Language of explanations and fixes [default: from LC_ALL / LC_MESSAGES / LANG].
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,

    /// Shell to write fix commands for [default: detected].
    #[arg(long, global = true, value_enum)]
    pub shell: Option<ShellArg>,

    /// A directory of site-specific check entries that overlay the built-in catalog.
    #[arg(long, global = true, value_name = "DIR")]
    pub checks: Option<PathBuf>,

    /// A list of module mirrors (TOML, the format of data/mirrors.toml) that extends the
    /// built-in one, or replaces it with `replace = true`.
    #[arg(long, global = true, value_name = "FILE", env = "GOMOD_DIAG_MIRRORS")]
    pub mirrors: Option<PathBuf>,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Markdown,
}

impl GlobalArgs {
    /// The format asked for: `--json` is `--format json`.
    pub fn output_format(&self) -> OutputFormat {
        match (self.json, self.format) {
            (true, _) => OutputFormat::Json,
            (false, f) => f.unwrap_or(OutputFormat::Text),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Zh,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Cmd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    /// Exit 1 only when Go will fail.
    #[default]
    Cause,
    /// Exit 1 also when there are findings (insecure settings, a slow mirror, ...).
    Findings,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Diagnose: probe everything Go needs for the target modules and give a verdict (default).
    Run(RunArgs),
    /// Show Go's effective configuration, where each value comes from, and what is wrong with it.
    Env(EnvArgs),
    /// Run one probe alone (like dig, telnet, openssl s_client, curl -x).
    Probe(ProbeArgs),
    /// Classify a pasted Go error (or a whole `go get -x` log) into causes.
    Explain(ExplainArgs),
    /// Re-render and re-diagnose a saved JSON report (`-` reads standard input).
    Report(ReportArgs),
    /// Race the public module mirrors from here and print the GOPROXY / GOSUMDB to set.
    Mirrors(MirrorsArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `gomod-diag man | man -l -`.
    Man,
    /// Apply the verdict's `go env -w` / `go env -u` steps to Go's env file (shown first as a
    /// diff, with a backup; never OS settings).
    Fix(FixArgs),
}

#[derive(Debug, Clone, Args)]
pub struct FixArgs {
    /// Show the change to the go env file and apply nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Restore the go env file from the backup the last `fix` kept.
    #[arg(long, conflicts_with_all = ["dry_run", "allow_insecure", "from_report"])]
    pub undo: bool,
    /// Also apply steps that weaken verification (GOINSECURE, GOSUMDB=off, -insecure in
    /// GOFLAGS, a plain-http GOPROXY, GOVCS=*:all, a GOPRIVATE or GONOSUMDB pattern broader
    /// than a private origin).
    #[arg(long)]
    pub allow_insecure: bool,
    /// Take the verdict from a saved JSON report (`-` reads standard input) instead of
    /// diagnosing now.
    #[arg(long = "from-report", value_name = "FILE")]
    pub from_report: Option<String>,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Which resolvers the DNS probes ask.
#[derive(Debug, Clone, Args)]
pub struct DnsArgs {
    /// A public resolver to compare with the system resolver, IP[:PORT]; repeatable
    /// (e.g. 223.5.5.5 in mainland China).
    #[arg(long = "public-dns", value_name = "IP[:PORT]", env = "GOMOD_DIAG_PUBLIC_DNS",
          value_delimiter = ',', default_value = DEFAULT_PUBLIC_DNS, value_parser = parse_dns_server)]
    pub public_dns: Vec<SocketAddr>,

    #[command(flatten)]
    pub system: SystemDnsArg,

    /// Also ask a DNS-over-HTTPS resolver (e.g. https://dns.google/dns-query).
    #[arg(long, value_name = "URL")]
    pub doh: Option<String>,
}

/// The resolver standing in for the system's (probes that resolve but compare nothing).
#[derive(Debug, Clone, Default, Args)]
pub struct SystemDnsArg {
    /// Advanced: ask this server as "the system resolver" instead of the OS's configuration
    /// (for tests and for checking a specific server).
    #[arg(long = "system-dns", value_name = "IP[:PORT]", value_parser = parse_dns_server)]
    pub system_dns: Option<SocketAddr>,
}

#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// A module to check, PATH[@VERSION]; repeatable. Default: the requirements of the go.mod
    /// here, or a small public module outside a module.
    #[arg(long = "module", short = 'm', value_name = "PATH[@VERSION]")]
    pub modules: Vec<String>,

    #[command(flatten)]
    pub dns: DnsArgs,

    /// Do not run `git ls-remote` for modules Go fetches directly (it runs by default, as Go
    /// runs it: prompts off, ssh in batch mode); only git's anonymous first request is made.
    #[arg(long, conflicts_with = "vcs")]
    pub no_vcs: bool,

    /// Accepted for compatibility: `git ls-remote` now runs by default.
    #[arg(long, hide = true)]
    pub vcs: bool,

    /// Do not download the module .zip (by default it is fetched as Go fetches it and its
    /// hash checked against the checksum database, for zips up to 16 MiB).
    #[arg(long = "no-zip")]
    pub no_zip: bool,

    /// Accepted for compatibility: the .zip is verified by default now.
    #[arg(long, hide = true)]
    pub zip: bool,

    /// Wait for silent peers as long as Go would (resolv.conf's attempts × timeout per
    /// resolver, 5 s × 2 by default; 30 s per dial; 10 s per TLS handshake; 1 min for a
    /// proxy's answer) instead of calling them silent once others have answered. The run's
    /// deadline grows to 2 min (Go's longest wait for one request, plus the usual 15 s)
    /// unless --timeout is given.
    #[arg(long)]
    pub patient: bool,

    /// What makes the exit code non-zero.
    #[arg(long, value_enum, default_value_t = FailOn::Cause)]
    pub fail_on: FailOn,

    /// Do not race the public module mirrors when the fix needs one (the fix then says how
    /// to find one: `gomod-diag mirrors`).
    #[arg(long, env = "GOMOD_DIAG_NO_MIRRORS", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_mirrors: bool,

    /// The proxy auto-configuration script to evaluate for Go's URLs (file://, http://,
    /// https:// or a path), instead of the one in the OS proxy settings.
    #[arg(long, value_name = "URL", env = "GOMOD_DIAG_PAC")]
    pub pac: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct MirrorsArgs {
    #[command(flatten)]
    pub system: SystemDnsArg,
}

#[derive(Debug, Clone, Args)]
pub struct EnvArgs {
    /// Also show how Go would route this module, PATH[@VERSION]; repeatable.
    #[arg(long = "module", short = 'm', value_name = "PATH[@VERSION]")]
    pub modules: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    #[command(subcommand)]
    pub kind: ProbeKind,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ProbeKind {
    /// Resolve NAME with the system resolver and the public resolver(s), and compare.
    Dns {
        name: String,
        #[command(flatten)]
        dns: DnsArgs,
    },
    /// Connect to HOST:PORT over TCP (every resolved address, IPv4 and IPv6).
    Tcp {
        #[arg(value_name = "HOST:PORT")]
        target: String,
        #[command(flatten)]
        system: SystemDnsArg,
    },
    /// TLS handshake with HOST[:PORT] (default 443), judged like Go and like Mozilla's roots.
    Tls {
        #[arg(value_name = "HOST[:PORT]")]
        target: String,
        #[command(flatten)]
        system: SystemDnsArg,
    },
    /// CONNECT to TARGET (HOST[:PORT]) through a proxy, then TLS through the tunnel.
    Proxy {
        #[arg(value_name = "HOST[:PORT]")]
        target: String,
        /// The proxy URL [default: the one Go would use for https://TARGET].
        #[arg(long, value_name = "URL")]
        proxy: Option<String>,
        #[command(flatten)]
        system: SystemDnsArg,
    },
    /// GET URL as Go's HTTP client would (through the proxy Go would use).
    Http {
        url: String,
        /// The proxy URL [default: the one Go would use for URL].
        #[arg(long, value_name = "URL")]
        proxy: Option<String>,
        #[command(flatten)]
        system: SystemDnsArg,
    },
    /// Ask every GOPROXY entry for a module, as cmd/go would.
    Goproxy {
        #[arg(value_name = "PATH[@VERSION]")]
        module: String,
        /// Also download the .zip and measure throughput.
        #[arg(long)]
        zip: bool,
    },
    /// Look a module up in the checksum database over the route cmd/go would take.
    Sumdb {
        #[arg(value_name = "PATH@VERSION")]
        module: String,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ExplainArgs {
    /// The error text; `-` or nothing reads standard input.
    pub text: Option<String>,
    /// Run the probes the text points at and give a verdict.
    #[arg(long)]
    pub probe: bool,
    #[command(flatten)]
    pub dns: DnsArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// A report written by `gomod-diag --json`; `-` reads standard input.
    pub file: String,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, powershell or elvish. Its own id: the global `--shell` (the fixes'
    /// syntax) has the name `shell`, and two arguments with one id break clap's lookup.
    #[arg(id = "completion_shell", value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Parses the command line. Flags of the default `run` command (`--module`, `--public-dns`,
/// ...) written before another subcommand are refused rather than silently ignored; global
/// flags (`--json`, `--timeout`, ...) go anywhere.
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{parser::ValueSource, CommandFactory, FromArgMatches};
    let mut cmd = Cli::command();
    let matches = cmd.try_get_matches_from_mut(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    cli.global.timeout_given = matches.value_source("timeout") == Some(ValueSource::CommandLine);
    if let Some(sub) = matches.subcommand_name().filter(|s| *s != "run") {
        let run_only = [
            "modules",
            "public_dns",
            "system_dns",
            "doh",
            "vcs",
            "no_vcs",
            "zip",
            "fail_on",
            "no_mirrors",
        ];
        if let Some(id) = run_only
            .iter()
            .find(|id| matches.value_source(id) == Some(ValueSource::CommandLine))
        {
            let flag = cmd
                .get_arguments()
                .find(|a| a.get_id() == *id)
                .and_then(|a| a.get_long())
                .unwrap_or(id);
            return Err(cmd.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("--{flag} belongs to `run` (the default command), not to `{sub}`; put it after `{sub}` if `{sub}` takes it, or drop `{sub}`"),
            ));
        }
    }
    Ok(cli)
}

/// The longest `--timeout` (or other duration) accepted.
const MAX_DURATION: Duration = Duration::from_secs(86_400);

/// Parses `15s`, `2500ms`, `1m`, `1m30s`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let accepted =
        "use a number with a unit, e.g. 15s, 2500ms, 1m30s (a bare number means seconds)";
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("empty duration; {accepted}"));
    }
    let d = if let Ok(secs) = t.parse::<f64>() {
        if !secs.is_finite() || !(0.0..=86_400.0).contains(&secs) {
            return Err(format!("invalid duration {s:?}; {accepted}"));
        }
        Duration::from_secs_f64(secs)
    } else {
        humantime::parse_duration(t)
            .map_err(|e| format!("invalid duration {s:?} ({e}); {accepted}"))?
    };
    if d.is_zero() {
        return Err(format!(
            "duration {s:?} must be greater than zero; {accepted}"
        ));
    }
    // A deadline is added to the clock: keep it a reasonable one (and far from overflow).
    if d > MAX_DURATION {
        return Err(format!(
            "duration {s:?} is longer than 24h, the longest accepted; {accepted}"
        ));
    }
    Ok(d)
}

/// Parses a resolver address `IP` or `IP:PORT` (IPv6 as `[::1]:53` or bare `::1`).
pub fn parse_dns_server(s: &str) -> Result<SocketAddr, String> {
    let t = s.trim();
    if let Ok(addr) = t.parse::<SocketAddr>() {
        // Port 0 is no server: nothing would ever answer there.
        if addr.port() == 0 {
            return Err(format!(
                "invalid DNS server {s:?}: port 0 is no server; expected a port from 1 to 65535, e.g. 8.8.8.8:53 (53 when omitted)"
            ));
        }
        return Ok(addr);
    }
    if let Ok(ip) = t.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err(format!(
        "invalid DNS server {s:?}: expected an IP address with an optional port, e.g. 8.8.8.8, 223.5.5.5:53, [2001:4860:4860::8888]:53"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15s").unwrap(), Duration::from_secs(15));
        assert_eq!(
            parse_duration("2500ms").unwrap(),
            Duration::from_millis(2500)
        );
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_duration("0.5").unwrap(), Duration::from_millis(500));
        for bad in ["", "0", "-1", "abc", "10 parsecs", "NaN", "1e20"] {
            let e = parse_duration(bad).unwrap_err();
            assert!(e.contains("15s"), "{bad}: {e}");
        }
    }

    #[test]
    fn dns_servers() {
        assert_eq!(
            parse_dns_server("8.8.8.8").unwrap(),
            "8.8.8.8:53".parse().unwrap()
        );
        assert_eq!(
            parse_dns_server("127.0.0.1:9").unwrap(),
            "127.0.0.1:9".parse().unwrap()
        );
        assert_eq!(
            parse_dns_server("::1").unwrap(),
            "[::1]:53".parse().unwrap()
        );
        assert!(parse_dns_server("dns.google")
            .unwrap_err()
            .contains("8.8.8.8"));
    }

    #[test]
    fn no_subcommand_means_run() {
        let cli = Cli::try_parse_from([
            "gomod-diag",
            "--module",
            "golang.org/x/text@v0.3.0",
            "--json",
        ])
        .unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.run.modules, vec!["golang.org/x/text@v0.3.0"]);
        assert!(cli.global.json);
    }

    #[test]
    fn global_flags_before_subcommand() {
        let cli = Cli::try_parse_from(["gomod-diag", "--json", "--timeout", "3s", "report", "-"])
            .unwrap();
        assert!(matches!(cli.command, Some(Command::Report(_))));
        assert!(cli.global.json);
    }

    #[test]
    fn run_flags_with_another_subcommand_are_refused() {
        let err = parse(["gomod-diag", "--module", "x.example/m", "env"]).unwrap_err();
        assert!(err.to_string().contains("--module"), "{err}");
        assert!(parse(["gomod-diag", "env", "--module", "x.example/m"]).is_ok());
        assert!(parse(["gomod-diag", "--vcs", "--module", "x.example/m"]).is_ok());
        assert!(parse(["gomod-diag", "--no-vcs", "--module", "x.example/m"]).is_ok());
        assert!(parse(["gomod-diag", "--no-vcs", "--vcs"]).is_err());
    }

    #[test]
    fn global_flags_after_subcommand() {
        let cli = Cli::try_parse_from(["gomod-diag", "env", "--json", "--timeout", "2s"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Env(_))));
        assert!(cli.global.json);
        assert_eq!(cli.global.timeout, Duration::from_secs(2));
    }

    #[test]
    fn whether_the_timeout_was_given_is_known() {
        assert!(
            !parse(["gomod-diag", "--patient"])
                .unwrap()
                .global
                .timeout_given
        );
        for args in [
            &["gomod-diag", "--timeout", "15s"][..],
            &["gomod-diag", "run", "--timeout", "3s"],
            &["gomod-diag", "--timeout", "3s", "env"],
        ] {
            assert!(parse(args).unwrap().global.timeout_given, "{args:?}");
        }
    }
}
