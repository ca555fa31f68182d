//! WPAD by DNS: where the OS looks for its PAC script when it "detects settings
//! automatically" and names no URL. For each of the machine's DNS domains, from the longest,
//! `http://wpad.<domain>/wpad.dat`, dropping one label at a time but never down to a
//! single label (`wpad.com` belongs to whoever registers it: the classic WPAD hijack).
//! DHCP's option 252 is not visible to an unprivileged process and is not tried.

/// At most this many candidate URLs are tried, in order.
pub const MAX_CANDIDATES: usize = 6;

/// The candidate URLs for `domains` (search domains, `USERDNSDOMAIN`), each once.
pub fn candidates(domains: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in domains {
        let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
        let labels: Vec<&str> = d.split('.').collect();
        let valid = labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if !valid || d.len() > 240 {
            continue;
        }
        for start in 0..labels.len().saturating_sub(1) {
            let url = format!("http://wpad.{}/wpad.dat", labels[start..].join("."));
            if !out.contains(&url) {
                out.push(url);
            }
        }
    }
    out.truncate(MAX_CANDIDATES);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn devolves_to_two_labels_never_one() {
        assert_eq!(
            candidates(&s(&["eng.emea.corp.example."])),
            s(&[
                "http://wpad.eng.emea.corp.example/wpad.dat",
                "http://wpad.emea.corp.example/wpad.dat",
                "http://wpad.corp.example/wpad.dat",
            ])
        );
        assert!(candidates(&s(&["example", "local."])).is_empty());
    }

    #[test]
    fn each_once_bounded_and_only_host_names() {
        let got = candidates(&s(&["A.Corp.Example", "corp.example", "b.corp.example"]));
        assert_eq!(
            got,
            s(&[
                "http://wpad.a.corp.example/wpad.dat",
                "http://wpad.corp.example/wpad.dat",
                "http://wpad.b.corp.example/wpad.dat",
            ])
        );
        assert!(candidates(&s(&["evil.example/x?", "a..b", "-"])).is_empty());
        let many = candidates(&s(&["a.b.c.d.e.f.g.h.example"]));
        assert_eq!(many.len(), MAX_CANDIDATES);
    }
}
