//! Module hashes (golang.org/x/mod/sumdb/dirhash, Hash1): SHA-256 over the lines
//! `<hex sha256 of file>  <name>\n` for the files sorted by name, written `h1:<base64>`.

use aws_lc_rs::digest::{digest, SHA256};
use base64::Engine;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// h1 over named files (names as they appear in the module zip: `<module>@<version>/...`).
pub fn hash1(files: &[(String, Vec<u8>)]) -> Result<String, String> {
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut summary = String::new();
    for (name, data) in sorted {
        if name.contains('\n') {
            return Err("dirhash: filenames with newlines are not supported".into());
        }
        summary.push_str(&hex(digest(&SHA256, data).as_ref()));
        summary.push_str("  ");
        summary.push_str(name);
        summary.push('\n');
    }
    Ok(format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest(&SHA256, summary.as_bytes()))
    ))
}

/// h1 of a module zip (dirhash.HashZip) read from memory, each file hashed as it is
/// inflated so no file is held whole. Errors when the bytes are not a readable zip, or
/// inflate past `max_unzipped` bytes (a zip bomb; Go's own limit is 500 MiB).
pub fn hash_zip(body: &[u8], max_unzipped: u64) -> Result<String, String> {
    use std::io::Read;
    let mut z =
        zip::ZipArchive::new(std::io::Cursor::new(body)).map_err(|e| format!("zip: {e}"))?;
    let mut lines: Vec<(String, String)> = Vec::with_capacity(z.len());
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 << 10];
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(|e| format!("zip: {e}"))?;
        let name = f.name().map_err(|e| format!("zip: {e}"))?.to_string();
        if name.contains('\n') {
            return Err("dirhash: filenames with newlines are not supported".into());
        }
        let mut ctx = aws_lc_rs::digest::Context::new(&SHA256);
        loop {
            let n = f.read(&mut buf).map_err(|e| format!("zip: {e}"))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > max_unzipped {
                return Err(format!("zip: inflates past {max_unzipped} bytes"));
            }
            ctx.update(&buf[..n]);
        }
        lines.push((name, hex(ctx.finish().as_ref())));
    }
    lines.sort();
    let summary: String = lines
        .iter()
        .map(|(name, sum)| format!("{sum}  {name}\n"))
        .collect();
    Ok(format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest(&SHA256, summary.as_bytes()))
    ))
}

/// The `/go.mod` hash: Hash1 over the single file named `go.mod`.
pub fn hash_go_mod(go_mod: &[u8]) -> String {
    hash1(&[("go.mod".to_string(), go_mod.to_vec())]).expect("fixed name has no newline")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_a_zip_like_go() {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        w.start_file("example.com/m@v1.2.3/m.go", o).unwrap();
        w.write_all(b"package m\n").unwrap();
        w.start_file("example.com/m@v1.2.3/go.mod", o).unwrap();
        w.write_all(b"module example.com/m\n\ngo 1.21\n").unwrap();
        let zip = w.finish().unwrap().into_inner();
        // The same files' h1 as observed with go 1.27 (see hashes_match_go).
        assert_eq!(
            hash_zip(&zip, 1 << 20).unwrap(),
            "h1:CXGiIalcC8b5E7RQI+sUdbIEb5/3nDWFUtXN7Ipj5LU="
        );
        assert!(hash_zip(&zip, 10).unwrap_err().contains("inflates past"));
        assert!(hash_zip(b"PK\x03\x04 not a zip", 1 << 20).is_err());
    }

    #[test]
    fn hashes_match_go() {
        // Observed with go 1.27 (`go mod download -json`: GoModSum and Sum) for a module
        // example.com/m@v1.2.3 holding exactly these two files.
        let go_mod = b"module example.com/m\n\ngo 1.21\n";
        assert_eq!(
            hash_go_mod(go_mod),
            "h1:ONeDgCa5UF/jJRjGzpOKmUiezgFEk4IPFZ96frvroW0="
        );
        let files = vec![
            (
                "example.com/m@v1.2.3/m.go".to_string(),
                b"package m\n".to_vec(),
            ),
            ("example.com/m@v1.2.3/go.mod".to_string(), go_mod.to_vec()),
        ];
        assert_eq!(
            hash1(&files).unwrap(),
            "h1:CXGiIalcC8b5E7RQI+sUdbIEb5/3nDWFUtXN7Ipj5LU="
        );
    }

    #[test]
    fn order_independent() {
        let a = ("m@v1/a".to_string(), b"1".to_vec());
        let b = ("m@v1/b".to_string(), b"2".to_vec());
        assert_eq!(
            hash1(&[a.clone(), b.clone()]).unwrap(),
            hash1(&[b, a]).unwrap()
        );
        assert!(hash1(&[("a\nb".into(), vec![])]).is_err());
    }
}
