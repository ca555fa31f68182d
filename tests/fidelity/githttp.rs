//! Real git smart-HTTP for the direct-mode lab: Debian's `git http-backend` (CGI) behind a
//! small HTTP/1.1 front (hyper), which sits behind the lab's TLS front for github.com. The
//! repositories are built once per test process with fixed dates, so their commit hashes —
//! and the pseudo-versions the scenarios name — are the same on every machine.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

use super::lab::{PROXY_PASS, PROXY_USER};

/// Repositories under /lab/private need Basic PROXY_USER / PROXY_PASS.
pub const PRIVATE_PREFIX: &str = "/lab/private";
/// lab/tool's main (after v1.0.0): its hash prefix, fixed by the fixed dates.
pub const TOOL_HEAD12: &str = "50b2f64444a3";

/// lab/deep's middle commit (no ref points at it), fixed by the fixed dates.
pub const DEEP_MID12: &str = "142056ea6569";

pub struct Repos {
    pub root: PathBuf,
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Lab")
        .env("GIT_AUTHOR_EMAIL", "lab@example.com")
        .env("GIT_COMMITTER_NAME", "Lab")
        .env("GIT_COMMITTER_EMAIL", "lab@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap_or_else(|e| panic!("run git {args:?} (apt install git): {e}"));
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(dir: &Path, file: &str, text: &str) {
    let p = dir.join(file);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

/// One commit: the files it writes (path, text) and the tags on it.
type Commit<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

/// Builds a bare repository at `root/name` from `commits`.
fn repo(root: &Path, name: &str, commits: &[Commit]) -> String {
    let work = root.join(format!("{name}.work"));
    std::fs::create_dir_all(&work).expect("work dir");
    git(&work, &["init", "-q", "-b", "main"], "");
    for (i, (files, tags)) in commits.iter().enumerate() {
        let date = format!("2024-01-0{} 00:00:00 +0000", i + 1);
        for (f, t) in *files {
            write(&work, f, t);
        }
        git(&work, &["add", "-A"], &date);
        git(&work, &["commit", "-q", "-m", &format!("c{i}")], &date);
        for t in *tags {
            git(&work, &["tag", t], &date);
        }
    }
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(&work)
        .output()
        .expect("rev-parse");
    let bare = root.join(name);
    git(
        root,
        &[
            "clone",
            "-q",
            "--bare",
            &work.display().to_string(),
            &bare.display().to_string(),
        ],
        "",
    );
    String::from_utf8_lossy(&head.stdout).trim().to_string()
}

/// The lab's repositories (built on first use).
pub fn repos() -> &'static Repos {
    static REPOS: OnceLock<Repos> = OnceLock::new();
    REPOS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("repos dir").keep();
        // The CGI runs as root in the namespace; the clients read nothing here directly.
        let lab = dir.join("lab");
        std::fs::create_dir_all(&lab).expect("lab dir");
        let tool_head = repo(
            &lab,
            "tool",
            &[
                (
                    &[
                        ("go.mod", "module github.com/lab/tool\n\ngo 1.21\n"),
                        ("tool.go", "package tool\n"),
                        ("sub/go.mod", "module github.com/lab/tool/sub\n\ngo 1.21\n"),
                        ("sub/sub.go", "package sub\n"),
                    ],
                    &["v1.0.0", "sub/v0.1.0"],
                ),
                (&[("more.go", "package tool\n\nconst More = 1\n")], &[]),
            ],
        );
        repo(
            &lab,
            "private",
            &[(
                &[
                    ("go.mod", "module github.com/lab/private\n\ngo 1.21\n"),
                    ("private.go", "package private\n"),
                ],
                &["v1.0.0"],
            )],
        );
        // lab/deep: v1.0.0, then a commit no branch or tag points at, then main.
        repo(
            &lab,
            "deep",
            &[
                (
                    &[
                        ("go.mod", "module github.com/lab/deep\n\ngo 1.21\n"),
                        ("deep.go", "package deep\n"),
                    ],
                    &["v1.0.0"],
                ),
                (&[("mid.go", "package deep\n\nconst Mid = 1\n")], &[]),
                (&[("top.go", "package deep\n\nconst Top = 1\n")], &[]),
            ],
        );
        let mid = Command::new("git")
            .args(["rev-parse", "HEAD~1"])
            .current_dir(lab.join("deep"))
            .output()
            .expect("rev-parse");
        let mid = String::from_utf8_lossy(&mid.stdout).trim().to_string();
        assert!(
            mid.starts_with(DEEP_MID12),
            "lab/deep's middle commit is {mid}, the pseudo-version scenario names {DEEP_MID12}"
        );
        assert!(
            tool_head.starts_with(TOOL_HEAD12),
            "lab/tool's main is {tool_head}, the pseudo-version scenarios name {TOOL_HEAD12}"
        );
        Repos { root: dir }
    })
}

type Resp = Response<Full<Bytes>>;

fn plain(code: u16, text: &str) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(text.to_string())));
    *r.status_mut() = hyper::StatusCode::from_u16(code).expect("status");
    r.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("text/plain"),
    );
    r
}

fn authorized(req: &Request<hyper::body::Incoming>) -> bool {
    use base64::Engine;
    let want =
        base64::engine::general_purpose::STANDARD.encode(format!("{PROXY_USER}:{PROXY_PASS}"));
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Basic {want}"))
}

async fn handle(root: PathBuf, req: Request<hyper::body::Incoming>) -> Result<Resp, hyper::Error> {
    let path = req.uri().path().to_string();
    if path.starts_with(PRIVATE_PREFIX) && !authorized(&req) {
        let mut r = plain(401, "authentication required\n");
        r.headers_mut().insert(
            "www-authenticate",
            hyper::header::HeaderValue::from_static("Basic realm=\"lab git\""),
        );
        return Ok(r);
    }
    let query = req.uri().query().unwrap_or("").to_string();
    let method = req.method().to_string();
    let header = |n: &str| {
        req.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (content_type, encoding, protocol) = (
        header("content-type"),
        header("content-encoding"),
        header("git-protocol"),
    );
    let body = req.into_body().collect().await?.to_bytes();
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("http-backend")
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("GIT_PROJECT_ROOT", &root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", &root)
        .env("PATH_INFO", &path)
        .env("QUERY_STRING", &query)
        .env("REQUEST_METHOD", &method)
        .env("CONTENT_TYPE", &content_type)
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("REMOTE_ADDR", "127.0.0.1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    if !encoding.is_empty() {
        cmd.env("HTTP_CONTENT_ENCODING", &encoding);
    }
    if !protocol.is_empty() {
        cmd.env("GIT_PROTOCOL", &protocol);
    }
    let Ok(mut child) = cmd.spawn() else {
        return Ok(plain(500, "cannot run git http-backend\n"));
    };
    if let Some(mut stdin) = child.stdin.take() {
        use tokio::io::AsyncWriteExt;
        let _ = stdin.write_all(&body).await;
    }
    let Ok(out) = child.wait_with_output().await else {
        return Ok(plain(500, "git http-backend failed\n"));
    };
    Ok(cgi_response(&out.stdout))
}

/// A CGI answer (headers, a blank line, the body) as an HTTP response.
fn cgi_response(out: &[u8]) -> Resp {
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| out.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2)));
    let Some((at, sep)) = split else {
        return plain(500, "no CGI headers\n");
    };
    let head = String::from_utf8_lossy(&out[..at]).to_string();
    let mut r = Response::new(Full::new(Bytes::copy_from_slice(&out[at + sep..])));
    for line in head.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        if k.eq_ignore_ascii_case("status") {
            let code = v
                .split(' ')
                .next()
                .and_then(|c| c.parse().ok())
                .unwrap_or(500);
            *r.status_mut() = hyper::StatusCode::from_u16(code).expect("status");
        } else if let (Ok(k), Ok(v)) = (
            hyper::header::HeaderName::from_bytes(k.trim().as_bytes()),
            hyper::header::HeaderValue::from_str(v),
        ) {
            r.headers_mut().append(k, v);
        }
    }
    r
}

/// Serves the repositories on `addr` (inside the caller's namespace and runtime).
pub async fn serve(addr: SocketAddr) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .unwrap_or_else(|e| panic!("bind the git server at {addr}: {e}"));
    let bound = listener.local_addr().expect("git server addr");
    let root = repos().root.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let root = root.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| handle(root.clone(), req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    bound
}
