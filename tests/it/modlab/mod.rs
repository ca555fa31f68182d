//! modlab: loopback fixtures for the Go module protocol, reusable by any integration test
//! (and by a later network-namespace lab).
//!
//! - [`ModuleStore`]: the modules under `fixtures/modules` (`<path>@<version>/<files>`),
//!   with zips built in Go's module zip layout and their `h1:` hashes.
//! - [`SumDb`]: a checksum database over the store: a transparency log (tlog), a tree note
//!   signed with a fresh Ed25519 test key, `/lookup/M@V` and `/tile/8/...`.
//! - [`LabServer`]: one plain-HTTP server on a loopback address that serves, at its root,
//!   the GOPROXY protocol, the checksum database (`/lookup`, `/tile`), the same database
//!   proxied under `/sumdb/<name>/` (with `/supported`), and `?go-get=1` pages; with
//!   [`Fault`]s per path (404/410/403/5xx, HTML portal, slow, bad `.info`, not-a-zip,
//!   tampered note, connection reset).
//!
//! Real Go accepts it: `GOPROXY=http://127.0.0.1:PORT`,
//! `GOSUMDB="<verifier key> http://127.0.0.1:PORT"` (see tests/it/modfetch.rs).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gomod_diag::simulate::proto::{dirhash, note, tlog};
use gomod_diag::vocab::module as escape;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// One module version from the fixture tree.
#[derive(Debug, Clone)]
pub struct FixtureModule {
    pub path: String,
    pub version: String,
    pub go_mod: Vec<u8>,
    pub zip: Vec<u8>,
    /// `h1:` of the zip contents and of go.mod, as go.sum would record them.
    pub h1: String,
    pub go_mod_h1: String,
}

/// The fixture modules, by path then version.
#[derive(Debug, Clone, Default)]
pub struct ModuleStore {
    pub modules: BTreeMap<String, BTreeMap<String, FixtureModule>>,
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/modules")
}

fn collect_files(dir: &Path, rel: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().to_string();
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if e.path().is_dir() {
            collect_files(&e.path(), &r, out);
        } else {
            out.push((r, std::fs::read(e.path()).unwrap()));
        }
    }
}

impl ModuleStore {
    /// Loads every `<path>@<version>` directory under `root`.
    pub fn load(root: &Path) -> ModuleStore {
        let mut store = ModuleStore::default();
        let mut stack = vec![(root.to_path_buf(), String::new())];
        while let Some((dir, rel)) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                if !e.path().is_dir() {
                    continue;
                }
                let name = e.file_name().to_string_lossy().to_string();
                let r = if rel.is_empty() {
                    name.clone()
                } else {
                    format!("{rel}/{name}")
                };
                match r.split_once('@') {
                    Some((path, version)) => {
                        let mut files = vec![];
                        collect_files(&e.path(), "", &mut files);
                        store.add(path, version, &files);
                    }
                    None => stack.push((e.path(), r)),
                }
            }
        }
        store
    }

    pub fn fixtures() -> ModuleStore {
        ModuleStore::load(&fixtures_dir())
    }

    /// Adds a module version from (relative name, contents) pairs.
    pub fn add(&mut self, path: &str, version: &str, files: &[(String, Vec<u8>)]) {
        let prefix = format!("{path}@{version}/");
        let named: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(n, d)| (format!("{prefix}{n}"), d.clone()))
            .collect();
        let mut cursor = std::io::Cursor::new(Vec::new());
        {
            let mut zw = zip::ZipWriter::new(&mut cursor);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (n, d) in &named {
                zw.start_file(n.as_str(), opts).unwrap();
                zw.write_all(d).unwrap();
            }
            zw.finish().unwrap();
        }
        let go_mod = files
            .iter()
            .find(|(n, _)| n == "go.mod")
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| format!("module {path}\n").into_bytes());
        let m = FixtureModule {
            path: path.into(),
            version: version.into(),
            h1: dirhash::hash1(&named).unwrap(),
            go_mod_h1: dirhash::hash_go_mod(&go_mod),
            go_mod,
            zip: cursor.into_inner(),
        };
        self.modules
            .entry(path.into())
            .or_default()
            .insert(version.into(), m);
    }

    pub fn get(&self, path: &str, version: &str) -> Option<&FixtureModule> {
        self.modules.get(path)?.get(version)
    }
}

/// A checksum database over a module store.
pub struct SumDb {
    pub name: String,
    pub signer: note::Signer,
    pub log: tlog::MemoryLog,
    /// `path@version` → record id.
    pub index: BTreeMap<String, i64>,
}

impl SumDb {
    pub fn new(name: &str, store: &ModuleStore) -> SumDb {
        let mut db = SumDb {
            name: name.into(),
            signer: note::Signer::generate(name).unwrap(),
            log: tlog::MemoryLog::default(),
            index: BTreeMap::new(),
        };
        for versions in store.modules.values() {
            for m in versions.values() {
                db.add_record(&m.path, &m.version, &m.h1, &m.go_mod_h1);
            }
        }
        db
    }

    /// Records hashes for a module (also wrong ones, for mismatch tests).
    pub fn add_record(&mut self, path: &str, version: &str, h1: &str, go_mod_h1: &str) {
        let text = format!("{path} {version} {h1}\n{path} {version}/go.mod {go_mod_h1}\n");
        let id = self.log.append(&text);
        self.index.insert(format!("{path}@{version}"), id);
    }

    /// The verifier key for GOSUMDB.
    pub fn verifier_key(&self) -> String {
        self.signer.verifier_key()
    }

    pub fn signed_tree(&self) -> String {
        self.signer
            .sign_note(&tlog::format_tree(&self.log.tree()))
            .unwrap()
    }

    /// The `/lookup` body for `path@version`.
    pub fn lookup(&self, path: &str, version: &str) -> Option<String> {
        let id = *self.index.get(&format!("{path}@{version}"))?;
        Some(format!(
            "{id}\n{}\n{}",
            self.log.record(id)?,
            self.signed_tree()
        ))
    }
}

/// What a server does instead of (or before) the normal answer for matching requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer with this status, content type and body.
    Status(u16, &'static str, String),
    /// A 200 HTML login page (captive portal).
    Html,
    /// Wait, then answer normally.
    Slow(Duration),
    /// `.info` with another version.
    WrongVersionInfo,
    /// A 200 body that is not a zip.
    NotZip,
    /// `/lookup`: change the signed tree note's text after signing.
    TamperNote,
    /// `.zip`: a valid zip with one more file than the module has (its hash no longer
    /// matches the checksum database's record).
    TamperZip,
    /// Close the connection without answering.
    Reset,
    /// 401 with `WWW-Authenticate: Basic` (a private git host over https).
    AuthRequired,
    /// 401 unless the request carries `Authorization: Basic base64(user:pass)` (a private
    /// module proxy: Artifactory, Nexus, Athens behind auth); then served normally.
    Basic(&'static str, &'static str),
}

impl Fault {
    pub fn not_found() -> Fault {
        Fault::Status(404, "text/plain; charset=utf-8", "not found\n".into())
    }
    pub fn status(code: u16) -> Fault {
        Fault::Status(code, "text/plain; charset=utf-8", String::new())
    }
}

/// Shared, mutable lab state (faults can change while a server runs).
pub struct LabState {
    pub store: ModuleStore,
    pub sumdb: Option<SumDb>,
    /// (substring of path+query, fault): first match wins.
    pub faults: Vec<(String, Fault)>,
    /// `?go-get=1` pages: import-path prefix → go-import meta content.
    pub go_get: BTreeMap<String, String>,
    /// Every request path seen (for asserting what a client asked).
    pub requests: Vec<String>,
}

pub struct LabServer {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<LabState>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LabServer {
    /// Starts on `ip:0` (127.0.0.x) in its own thread and runtime.
    pub fn start(ip: &str, store: ModuleStore, sumdb: Option<SumDb>) -> LabServer {
        let state = Arc::new(Mutex::new(LabState {
            store,
            sumdb,
            faults: vec![],
            go_get: BTreeMap::new(),
            requests: vec![],
        }));
        let std_listener = std::net::TcpListener::bind(format!("{ip}:0")).unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        let st = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                loop {
                    tokio::select! {
                        _ = &mut rx => break,
                        acc = listener.accept() => {
                            let Ok((stream, _)) = acc else { continue };
                            let st = st.clone();
                            tokio::spawn(async move {
                                let svc = service_fn(move |req| handle(st.clone(), req));
                                let _ = hyper::server::conn::http1::Builder::new()
                                    .serve_connection(TokioIo::new(stream), svc)
                                    .await;
                            });
                        }
                    }
                }
            });
        });
        LabServer {
            addr,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn fault(&self, path_contains: &str, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .push((path_contains.into(), fault));
    }

    pub fn clear_faults(&self) {
        self.state.lock().unwrap().faults.clear();
    }

    pub fn go_get(&self, prefix: &str, content: &str) {
        self.state
            .lock()
            .unwrap()
            .go_get
            .insert(prefix.into(), content.into());
    }

    pub fn requests(&self) -> Vec<String> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The verifier key of this server's checksum database.
    pub fn sumdb_key(&self) -> String {
        self.state
            .lock()
            .unwrap()
            .sumdb
            .as_ref()
            .map(SumDb::verifier_key)
            .unwrap_or_default()
    }
}

impl Drop for LabServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

type Resp = Response<Full<Bytes>>;

fn reply(code: u16, ct: &str, body: impl Into<Bytes>) -> Resp {
    Response::builder()
        .status(code)
        .header("Content-Type", ct)
        .body(Full::new(body.into()))
        .unwrap()
}

fn text(code: u16, body: &str) -> Resp {
    reply(code, "text/plain; charset=utf-8", body.to_string())
}

const PORTAL: &str = "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Log in to continue</form></body></html>";

async fn handle(
    state: Arc<Mutex<LabState>>,
    req: Request<hyper::body::Incoming>,
) -> Result<Resp, std::io::Error> {
    let full = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let fault = {
        let mut s = state.lock().unwrap();
        s.requests.push(full.clone());
        s.faults
            .iter()
            .find(|(p, _)| full.contains(p.as_str()))
            .map(|(_, f)| f.clone())
    };
    let fault = match fault {
        Some(Fault::Basic(user, pass)) => {
            use base64::Engine;
            let want = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
            );
            let got = req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok());
            (got != Some(want.as_str())).then_some(Fault::AuthRequired)
        }
        f => f,
    };
    let mut tamper = false;
    let mut wrong_version = false;
    let mut not_zip = false;
    let mut tamper_zip = false;
    match fault {
        Some(Fault::Status(code, ct, body)) => return Ok(reply(code, ct, body)),
        Some(Fault::Html) => return Ok(reply(200, "text/html; charset=utf-8", PORTAL)),
        Some(Fault::AuthRequired) => {
            let mut r = text(401, "authentication required\n");
            r.headers_mut().insert(
                "WWW-Authenticate",
                hyper::header::HeaderValue::from_static("Basic realm=\"modlab\""),
            );
            return Ok(r);
        }
        Some(Fault::Reset) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "reset",
            ))
        }
        Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
        Some(Fault::TamperNote) => tamper = true,
        Some(Fault::WrongVersionInfo) => wrong_version = true,
        Some(Fault::NotZip) => not_zip = true,
        Some(Fault::TamperZip) => tamper_zip = true,
        Some(Fault::Basic(..)) => unreachable!("resolved above"),
        None => {}
    }
    let s = state.lock().unwrap();
    // Go writes `!` as `%21` (net/url path escaping): decode before routing.
    let decoded = percent_decode(req.uri().path());
    let path = decoded.as_str();
    if req.uri().query() == Some("go-get=1") {
        let import = format!(
            "{}{}",
            req.uri().authority().map(|a| a.as_str()).unwrap_or(""),
            path
        );
        let hit = s.go_get.iter().find(|(p, _)| {
            import.ends_with(p.as_str()) || path.trim_start_matches('/').starts_with(p.as_str())
        });
        return Ok(match hit {
            Some((_, content)) => reply(
                200,
                "text/html; charset=utf-8",
                format!("<!DOCTYPE html><html><head><meta name=\"go-import\" content=\"{content}\"></head><body>go get</body></html>"),
            ),
            None => reply(200, "text/html; charset=utf-8", "<html><head></head><body>nothing here</body></html>"),
        });
    }
    // The checksum database, proxied (`/sumdb/<name>/...`) or at the root.
    let db_path = match (&s.sumdb, path.strip_prefix("/sumdb/")) {
        (Some(db), Some(rest)) => match rest.strip_prefix(&format!("{}/", db.name)) {
            Some(r) => Some(format!("/{r}")),
            None => return Ok(text(404, "unknown checksum database\n")),
        },
        (None, Some(_)) => return Ok(text(404, "no checksum database here\n")),
        _ if path.starts_with("/lookup/") || path.starts_with("/tile/") || path == "/latest" => {
            Some(path.to_string())
        }
        _ => None,
    };
    if let Some(p) = db_path {
        let Some(db) = &s.sumdb else {
            return Ok(text(404, "not found\n"));
        };
        if p == "/supported" {
            return Ok(text(200, ""));
        }
        if p == "/latest" {
            return Ok(text(200, &db.signed_tree()));
        }
        if let Some(mv) = p.strip_prefix("/lookup/") {
            let Some((ep, ev)) = mv.rsplit_once('@') else {
                return Ok(text(400, "bad lookup\n"));
            };
            let (Some(mp), Some(v)) = (escape::unescape(ep), escape::unescape(ev)) else {
                return Ok(text(400, "bad escaping\n"));
            };
            return Ok(match db.lookup(&mp, &v) {
                Some(body) if tamper => {
                    // Change the tree size in the signed text: the signature no longer verifies.
                    let t = body.replacen("go.sum database tree\n", "go.sum database tree\n9", 1);
                    text(200, &t)
                }
                Some(body) => text(200, &body),
                None => text(
                    404,
                    &format!("not found: {mp}@{v}: no such module in the fixture database\n"),
                ),
            });
        }
        if let Some(tile) = tlog::Tile::parse_path(&p) {
            return Ok(match db.log.tile_data(&tile) {
                Some(d) => reply(200, "application/octet-stream", d),
                None => text(404, "no such tile\n"),
            });
        }
        return Ok(text(404, "not found\n"));
    }
    // The GOPROXY protocol.
    let p = path.trim_start_matches('/');
    if let Some(ep) = p.strip_suffix("/@latest") {
        let Some(mp) = escape::unescape(ep) else {
            return Ok(text(400, "bad escaping\n"));
        };
        return Ok(
            match s.store.modules.get(&mp).and_then(|v| v.keys().last()) {
                Some(v) => reply(200, "application/json", info_json(v)),
                None => text(404, "not found\n"),
            },
        );
    }
    let Some((ep, file)) = p.split_once("/@v/") else {
        return Ok(text(404, "not found\n"));
    };
    let Some(mp) = escape::unescape(ep) else {
        return Ok(text(400, "bad escaping\n"));
    };
    let Some(versions) = s.store.modules.get(&mp) else {
        return Ok(text(
            404,
            &format!("not found: module {mp}: no such module in the fixture proxy\n"),
        ));
    };
    if file == "list" {
        let list: String = versions.keys().map(|v| format!("{v}\n")).collect();
        return Ok(text(200, &list));
    }
    let Some((ev, ext)) = file.rsplit_once('.') else {
        return Ok(text(404, "not found\n"));
    };
    let Some(v) = escape::unescape(ev) else {
        return Ok(text(400, "bad escaping\n"));
    };
    let Some(m) = versions.get(&v) else {
        return Ok(text(
            404,
            &format!("not found: {mp}@{v}: invalid version: unknown revision {v}\n"),
        ));
    };
    Ok(match ext {
        "info" if wrong_version => reply(200, "application/json", info_json("v9.9.9")),
        "info" => reply(200, "application/json", info_json(&m.version)),
        "mod" => text(200, &String::from_utf8_lossy(&m.go_mod)),
        "zip" if not_zip => reply(200, "application/zip", "this is not a zip file"),
        "zip" if tamper_zip => reply(
            200,
            "application/zip",
            tampered(&m.zip, &format!("{}@{}/", m.path, m.version)),
        ),
        "zip" => reply(200, "application/zip", m.zip.clone()),
        _ => text(404, "not found\n"),
    })
}

/// `zip` with an extra file under `prefix`.
fn tampered(zip: &[u8], prefix: &str) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut cursor = std::io::Cursor::new(Vec::new());
    {
        let mut zw = zip::ZipWriter::new(&mut cursor);
        for i in 0..src.len() {
            zw.raw_copy_file(src.by_index_raw(i).unwrap()).unwrap();
        }
        zw.start_file(
            format!("{prefix}evil.go"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        zw.write_all(b"package hello\n\nfunc init() { println(\"owned\") }\n")
            .unwrap();
        zw.finish().unwrap();
    }
    cursor.into_inner()
}

/// Decodes `%XX` escapes in a URL path.
pub fn percent_decode(p: &str) -> String {
    let b = p.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&p[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn info_json(v: &str) -> String {
    format!("{{\"Version\":\"{v}\",\"Time\":\"2024-01-02T03:04:05Z\"}}")
}
