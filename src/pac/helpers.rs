//! The standard PAC helper functions (Netscape's 1996 definition, as browsers and WinINET
//! implement them, plus Microsoft's IPv6 `*Ex` variants), as plain functions: the engine
//! ([`super::engine`]) converts JavaScript arguments and calls these. Nothing here does I/O:
//! names are resolved by the caller, the time is given.

use std::net::{IpAddr, Ipv4Addr};

/// A calendar date and time of day (the PAC's `weekdayRange` / `dateRange` / `timeRange`
/// read it in local time, or in GMT when their last argument is `"GMT"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CivilTime {
    pub year: i32,
    /// 1 = January.
    pub month: u8,
    pub day: u8,
    /// 0 = Sunday, as JavaScript's `getDay()`.
    pub weekday: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

/// "Now" for a PAC evaluation, in both zones the helpers accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PacClock {
    pub local: CivilTime,
    pub utc: CivilTime,
}

impl CivilTime {
    /// The UTC calendar time `secs` seconds after the Unix epoch (Howard Hinnant's
    /// days-from-civil inverse).
    pub fn from_unix(secs: i64) -> CivilTime {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        CivilTime {
            year,
            month,
            day,
            // 1970-01-01 was a Thursday.
            weekday: (days + 4).rem_euclid(7) as u8,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
        }
    }
}

/// An argument of a date/time helper, as the script passed it.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Num(f64),
    Str(String),
}

/// `shExpMatch(str, shexp)`: a shell glob over the whole string, `*` any run of characters,
/// `?` one character; every other character is itself (case-sensitive, as in browsers).
pub fn sh_exp_match(s: &str, pattern: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    let (mut i, mut j) = (0, 0);
    // The last `*` seen and the position in `s` it is retried from: linear backtracking.
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if j < p.len() && (p[j] == '?' || p[j] == s[i]) {
            i += 1;
            j += 1;
        } else if j < p.len() && p[j] == '*' {
            star = Some((j, i));
            j += 1;
        } else if let Some((sj, si)) = star {
            j = sj + 1;
            i = si + 1;
            star = Some((sj, si + 1));
        } else {
            return false;
        }
    }
    p[j..].iter().all(|&c| c == '*')
}

/// `isPlainHostName(host)`: no dot in the name.
pub fn is_plain_host_name(host: &str) -> bool {
    !host.contains('.')
}

/// `dnsDomainIs(host, domain)`: the host ends with the domain (a plain suffix test, as
/// browsers do: `dnsDomainIs("xcorp.example", "corp.example")` is true).
pub fn dns_domain_is(host: &str, domain: &str) -> bool {
    host.ends_with(domain)
}

/// `localHostOrDomainIs(host, hostdom)`: the same name, or `host` is the first label(s) of
/// `hostdom` (`www` matches `www.corp.example`).
pub fn local_host_or_domain_is(host: &str, hostdom: &str) -> bool {
    host == hostdom || hostdom.starts_with(&format!("{host}."))
}

/// `dnsDomainLevels(host)`: the number of dots.
pub fn dns_domain_levels(host: &str) -> usize {
    host.matches('.').count()
}

/// `isInNet(ip, pattern, mask)` once the host is an IPv4 address: `ip & mask == pattern &
/// mask`. A pattern or mask that is not a dotted IPv4 address never matches.
pub fn is_in_net(ip: Ipv4Addr, pattern: &str, mask: &str) -> bool {
    match (
        pattern.trim().parse::<Ipv4Addr>(),
        mask.trim().parse::<Ipv4Addr>(),
    ) {
        (Ok(p), Ok(m)) => u32::from(ip) & u32::from(m) == u32::from(p) & u32::from(m),
        _ => false,
    }
}

/// `isInNetEx(ip, "prefix/len")`: IPv4 or IPv6 prefix match; a bad prefix never matches.
pub fn is_in_net_ex(ip: IpAddr, prefix: &str) -> bool {
    prefix
        .trim()
        .parse::<ipnet::IpNet>()
        .is_ok_and(|net| net.contains(&ip))
}

/// `sortIpAddressList("a;b;c")`: IPv6 before IPv4, each in ascending order; None when an
/// entry is not an address.
pub fn sort_ip_address_list(list: &str) -> Option<String> {
    let mut ips = list
        .split(';')
        .map(|s| s.trim().parse::<IpAddr>().ok())
        .collect::<Option<Vec<_>>>()?;
    ips.sort_by_key(|ip| (ip.is_ipv4(), *ip));
    Some(
        ips.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(";"),
    )
}

const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// The arguments without a trailing `"GMT"`, and the time they are about.
fn zone<'a>(args: &'a [Arg], clock: &PacClock) -> (&'a [Arg], CivilTime) {
    match args.last() {
        Some(Arg::Str(s)) if s.eq_ignore_ascii_case("GMT") => (&args[..args.len() - 1], clock.utc),
        _ => (args, clock.local),
    }
}

/// `lo <= x <= hi`, wrapping around when `lo > hi` (FRI..MON, NOV..FEB).
fn in_wrapping<T: PartialOrd>(x: T, lo: T, hi: T) -> bool {
    if lo <= hi {
        lo <= x && x <= hi
    } else {
        x >= lo || x <= hi
    }
}

/// `weekdayRange(wd1 [, wd2] [, "GMT"])`: today is wd1, or within wd1..wd2 (wrapping).
pub fn weekday_range(args: &[Arg], clock: &PacClock) -> bool {
    let (args, now) = zone(args, clock);
    let day = |a: &Arg| match a {
        Arg::Str(s) => DAYS.iter().position(|d| d.eq_ignore_ascii_case(s)),
        Arg::Num(_) => None,
    };
    let today = usize::from(now.weekday);
    match args {
        [a] => day(a) == Some(today),
        [a, b] => match (day(a), day(b)) {
            (Some(a), Some(b)) => in_wrapping(today, a, b),
            _ => false,
        },
        _ => false,
    }
}

/// One `dateRange` argument: a day of the month, a month name, or a year.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DatePart {
    Day(u32),
    Month(u32),
    Year(i32),
}

fn date_part(a: &Arg) -> Option<DatePart> {
    let n = match a {
        Arg::Str(s) => {
            if let Some(m) = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(s.trim())) {
                return Some(DatePart::Month(m as u32 + 1));
            }
            s.trim().parse::<f64>().ok()?
        }
        Arg::Num(n) => *n,
    };
    if n.fract() != 0.0 || n < 1.0 {
        None
    } else if n <= 31.0 {
        Some(DatePart::Day(n as u32))
    } else if n <= 9999.0 {
        Some(DatePart::Year(n as i32))
    } else {
        None
    }
}

/// `dateRange(...)`: one day / month / year, or a range of days, months, years, day-month,
/// month-year or day-month-year pairs (inclusive; day and month ranges wrap around).
pub fn date_range(args: &[Arg], clock: &PacClock) -> bool {
    use DatePart::*;
    let (args, now) = zone(args, clock);
    let Some(parts) = args.iter().map(date_part).collect::<Option<Vec<_>>>() else {
        return false;
    };
    let (d, m, y) = (u32::from(now.day), u32::from(now.month), now.year);
    match parts.as_slice() {
        [Day(a)] => d == *a,
        [Month(a)] => m == *a,
        [Year(a)] => y == *a,
        [Day(a), Day(b)] => in_wrapping(d, *a, *b),
        [Month(a), Month(b)] => in_wrapping(m, *a, *b),
        [Year(a), Year(b)] => *a <= y && y <= *b,
        [Day(d1), Month(m1), Day(d2), Month(m2)] => in_wrapping((m, d), (*m1, *d1), (*m2, *d2)),
        [Month(m1), Year(y1), Month(m2), Year(y2)] => (*y1, *m1) <= (y, m) && (y, m) <= (*y2, *m2),
        [Day(d1), Month(m1), Year(y1), Day(d2), Month(m2), Year(y2)] => {
            (*y1, *m1, *d1) <= (y, m, d) && (y, m, d) <= (*y2, *m2, *d2)
        }
        _ => false,
    }
}

/// `timeRange(...)`: one hour, or from h1[:m1[:s1]] up to h2[:m2[:s2]]. With hours or
/// minutes the end is exclusive (`timeRange(9, 17)` is 9:00 to 16:59), with seconds it is
/// inclusive; a range whose start is after its end wraps past midnight.
pub fn time_range(args: &[Arg], clock: &PacClock) -> bool {
    let (args, now) = zone(args, clock);
    let Some(n) = args
        .iter()
        .map(|a| match a {
            Arg::Num(n) => Some(*n),
            Arg::Str(s) => s.trim().parse::<f64>().ok(),
        })
        .map(|n| n.filter(|n| n.fract() == 0.0 && (0.0..=60.0).contains(n)))
        .map(|n| n.map(|n| n as u32))
        .collect::<Option<Vec<u32>>>()
    else {
        return false;
    };
    let (h, mi, s) = (
        u32::from(now.hour),
        u32::from(now.minute),
        u32::from(now.second),
    );
    let half_open = |x: u32, lo: u32, hi: u32| {
        if lo <= hi {
            lo <= x && x < hi
        } else {
            x >= lo || x < hi
        }
    };
    match n.as_slice() {
        [a] => h == *a,
        [a, b] => half_open(h, *a, *b),
        [h1, m1, h2, m2] => half_open(h * 60 + mi, h1 * 60 + m1, h2 * 60 + m2),
        [h1, m1, s1, h2, m2, s2] => in_wrapping(
            h * 3600 + mi * 60 + s,
            h1 * 3600 + m1 * 60 + s1,
            h2 * 3600 + m2 * 60 + s2,
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(year: i32, month: u8, day: u8, weekday: u8, hour: u8, minute: u8) -> PacClock {
        let t = CivilTime {
            year,
            month,
            day,
            weekday,
            hour,
            minute,
            second: 30,
        };
        PacClock { local: t, utc: t }
    }

    fn s(x: &str) -> Arg {
        Arg::Str(x.into())
    }

    #[test]
    fn globs_match_the_whole_string() {
        assert!(sh_exp_match("proxy.golang.org", "*.golang.org"));
        assert!(sh_exp_match("a.b.corp.example", "*.corp.*"));
        assert!(sh_exp_match("10.1.2.3", "10.*"));
        assert!(sh_exp_match("host1", "host?"));
        assert!(!sh_exp_match("golang.org", "*.golang.org"));
        assert!(!sh_exp_match("proxy.golang.org.evil", "*.golang.org"));
        assert!(!sh_exp_match("Proxy.golang.org", "proxy.*"));
        assert!(sh_exp_match("", "*"));
        assert!(!sh_exp_match("x", ""));
        // A dot is a dot, not "any character".
        assert!(!sh_exp_match("proxyXgolang.org", "proxy.golang.org"));
    }

    #[test]
    fn host_name_helpers() {
        assert!(is_plain_host_name("intranet"));
        assert!(!is_plain_host_name("intranet.corp"));
        assert!(dns_domain_is("git.corp.example", ".corp.example"));
        assert!(!dns_domain_is("github.com", ".corp.example"));
        assert!(local_host_or_domain_is("www", "www.corp.example"));
        assert!(local_host_or_domain_is(
            "www.corp.example",
            "www.corp.example"
        ));
        assert!(!local_host_or_domain_is(
            "www.other.example",
            "www.corp.example"
        ));
        assert_eq!(dns_domain_levels("proxy.golang.org"), 2);
        assert_eq!(dns_domain_levels("intranet"), 0);
    }

    #[test]
    fn networks() {
        let ip = Ipv4Addr::new(10, 20, 30, 40);
        assert!(is_in_net(ip, "10.0.0.0", "255.0.0.0"));
        assert!(!is_in_net(ip, "192.168.0.0", "255.255.0.0"));
        assert!(!is_in_net(ip, "10.0.0.0", "not a mask"));
        assert!(is_in_net_ex("fd00::1".parse().unwrap(), "fd00::/8"));
        assert!(is_in_net_ex("10.1.1.1".parse().unwrap(), "10.0.0.0/8"));
        assert!(!is_in_net_ex("10.1.1.1".parse().unwrap(), "10.0.0.0"));
        assert_eq!(
            sort_ip_address_list("10.0.0.2;::1;10.0.0.1").as_deref(),
            Some("::1;10.0.0.1;10.0.0.2")
        );
        assert_eq!(sort_ip_address_list("10.0.0.2;x"), None);
    }

    #[test]
    fn weekdays_wrap_and_read_gmt() {
        let wed = clock(2026, 12, 2, 3, 10, 0);
        assert!(weekday_range(&[s("MON"), s("FRI")], &wed));
        assert!(weekday_range(&[s("WED")], &wed));
        assert!(!weekday_range(&[s("SAT"), s("SUN")], &wed));
        assert!(weekday_range(&[s("FRI"), s("WED")], &wed));
        assert!(!weekday_range(&[s("XYZ")], &wed));
        let mut split = wed;
        split.utc.weekday = 4;
        assert!(weekday_range(&[s("THU"), s("GMT")], &split));
        assert!(!weekday_range(&[s("THU")], &split));
    }

    #[test]
    fn dates_in_every_form() {
        let c = clock(2026, 12, 2, 3, 10, 0);
        let n = |x: f64| Arg::Num(x);
        assert!(date_range(&[n(2.0)], &c));
        assert!(date_range(&[s("DEC")], &c));
        assert!(date_range(&[n(2026.0)], &c));
        assert!(date_range(&[n(1.0), n(15.0)], &c));
        assert!(date_range(&[s("NOV"), s("FEB")], &c));
        assert!(!date_range(&[s("MAR"), s("OCT")], &c));
        assert!(date_range(&[n(2025.0), n(2027.0)], &c));
        assert!(date_range(&[n(1.0), s("DEC"), n(24.0), s("DEC")], &c));
        assert!(date_range(&[s("OCT"), n(2026.0), s("JAN"), n(2027.0)], &c));
        assert!(date_range(
            &[n(1.0), s("DEC"), n(2026.0), n(2.0), s("DEC"), n(2026.0)],
            &c
        ));
        assert!(!date_range(&[n(0.5)], &c));
        assert!(!date_range(&[n(1.0), n(2.0), n(3.0)], &c));
    }

    #[test]
    fn times_half_open_and_wrapping() {
        let c = clock(2026, 12, 2, 3, 16, 59);
        let n = |x: f64| Arg::Num(x);
        assert!(time_range(&[n(16.0)], &c));
        assert!(time_range(&[n(9.0), n(17.0)], &c));
        assert!(!time_range(&[n(17.0), n(18.0)], &c));
        assert!(time_range(&[n(22.0), n(17.0)], &c));
        assert!(time_range(&[n(16.0), n(30.0), n(17.0), n(0.0)], &c));
        assert!(time_range(
            &[n(16.0), n(59.0), n(30.0), n(16.0), n(59.0), n(30.0)],
            &c
        ));
        assert!(!time_range(&[s("noon")], &c));
    }

    #[test]
    fn civil_time_from_unix() {
        let t = CivilTime::from_unix(0);
        assert_eq!((t.year, t.month, t.day, t.weekday), (1970, 1, 1, 4));
        // 2026-12-01T14:15:00Z, a Tuesday.
        let t = CivilTime::from_unix(1_796_134_500);
        assert_eq!(
            (t.year, t.month, t.day, t.weekday, t.hour, t.minute),
            (2026, 12, 1, 2, 14, 15)
        );
        let t = CivilTime::from_unix(951_782_400); // 2000-02-29
        assert_eq!((t.year, t.month, t.day), (2000, 2, 29));
    }
}
