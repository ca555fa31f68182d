package main

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// mod changes one certificate of the standard chain (and, for leaf mods, the host).
type mod struct {
	name string
	f    func(*Spec)
	host string
}

var day = 24 * time.Hour

var keys struct {
	root, root2, inter, inter1, leaf, rsa2048, rsa1024, rsa512, ed, p384 crypto.Signer
}

var limitKeys [101]crypto.Signer

func none(*Spec) {}

func leafMods() []mod {
	names := make([]string, 120)
	for i := range names {
		names[i] = fmt.Sprintf("n%d.test", i)
	}
	return []mod{
		{"ok", none, ""},
		{"expired", func(s *Spec) { s.NB, s.NA = now.Add(-30*day), now.Add(-day) }, ""},
		{"not_yet_valid", func(s *Spec) { s.NB, s.NA = now.Add(day), now.Add(30*day) }, ""},
		{"wrong_host", func(s *Spec) { s.DNS = []string{"other.test", "h2.test"} }, ""},
		{"cn_only", func(s *Spec) { s.DNS = nil }, ""},
		{"cn_only_other", func(s *Spec) { s.DNS, s.CN = nil, "other.test" }, ""},
		{"wildcard", func(s *Spec) { s.DNS = []string{"*.test"} }, ""},
		{"wildcard_deep", func(s *Spec) { s.DNS = []string{"*.h1.test"} }, ""},
		{"wildcard_partial", func(s *Spec) { s.DNS = []string{"h*.test"} }, ""},
		{"wildcard_mid", func(s *Spec) { s.DNS = []string{"h1.*"} }, ""},
		{"upper_san", func(s *Spec) { s.DNS = []string{"H1.TEST"} }, ""},
		{"eku_client", func(s *Spec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }, ""},
		{"eku_none", func(s *Spec) { s.EKU = nil }, ""},
		{"eku_any", func(s *Spec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageAny} }, ""},
		{"eku_unknown", func(s *Spec) { s.EKU, s.UnknownEKU = nil, []asn1.ObjectIdentifier{{1, 2, 3, 4}} }, ""},
		{"eku_both", func(s *Spec) {
			s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}
		}, ""},
		{"sha1", func(s *Spec) { s.Sig = "sha1" }, ""},
		{"md5", func(s *Spec) { s.Sig = "md5" }, ""},
		{"critical_ext", func(s *Spec) { s.Critical = true }, ""},
		{"ca_leaf", func(s *Spec) { s.CA = true }, ""},
		{"rsa512_key", func(s *Spec) { s.Key = keys.rsa512 }, ""},
		{"many_names", func(s *Spec) { s.DNS = names }, ""},
		{"ip_only_dns_host", func(s *Spec) { s.DNS, s.IPs = nil, []net.IP{net.ParseIP("10.0.0.1")} }, ""},
		{"no_aia", func(s *Spec) { s.AIA = nil }, ""},
		{"v1", func(s *Spec) { s.V1 = true }, ""},
		{"ip_host", func(s *Spec) { s.IPs = []net.IP{net.ParseIP("127.0.0.1")} }, "127.0.0.1"},
		{"ip_host_mismatch", func(s *Spec) { s.IPs = []net.IP{net.ParseIP("10.0.0.1"), net.ParseIP("::1")} }, "127.0.0.1"},
		{"ip_host_no_ip_sans", none, "127.0.0.1"},
		{"ipv6_host", func(s *Spec) { s.IPs = []net.IP{net.ParseIP("::1")} }, "::1"},
		{"ipv6_host_mismatch", func(s *Spec) { s.IPs = []net.IP{net.ParseIP("::2")} }, "::1"},
		{"ip_cn_only", func(s *Spec) { s.DNS, s.CN = nil, "127.0.0.1" }, "127.0.0.1"},
		{"trailing_dot_host", none, "h1.test."},
		{"upper_host", none, "H1.Test"},
		{"wildcard_bare_host", func(s *Spec) { s.DNS = []string{"*.test"} }, "test"},
		{"wildcard_two_labels", func(s *Spec) { s.DNS = []string{"*.test"} }, "a.b.test"},
		{"underscore", func(s *Spec) { s.DNS = []string{"h_1.test"} }, "h_1.test"},
		{"underscore_wildcard", func(s *Spec) { s.DNS = []string{"*.test"} }, "h_1.test"},
		{"literal_star_host", func(s *Spec) { s.DNS = []string{"*.test"} }, "*.test"},
		{"ip_in_dns_san", func(s *Spec) { s.DNS = []string{"127.0.0.1"} }, "127.0.0.1"},
		{"expires_now", func(s *Spec) { s.NA = now }, ""},
		{"two_sans", func(s *Spec) { s.DNS = []string{"h1.test", "bad.test"} }, ""},
		{"bad_san", func(s *Spec) { s.DNS = []string{"h1.test", "bad..test"} }, ""},
		{"san_trailing_dot", func(s *Spec) { s.DNS = []string{"h1.test."} }, ""},
		{"expired_1s", func(s *Spec) { s.NA = now.Add(-time.Second) }, ""},
		{"starts_now", func(s *Spec) { s.NB = now }, ""},
		{"starts_in_1s", func(s *Spec) { s.NB = now.Add(time.Second) }, ""},
		{"pss", func(s *Spec) { s.Alg = x509.SHA256WithRSAPSS }, ""},
		{"sha384", func(s *Spec) { s.Alg = x509.ECDSAWithSHA384 }, ""},
		{"sha512", func(s *Spec) { s.Alg = x509.ECDSAWithSHA512 }, ""},
		{"sha512_rsa", func(s *Spec) { s.Alg = x509.SHA512WithRSA }, ""},
		{"sha384_rsa", func(s *Spec) { s.Alg = x509.SHA384WithRSA }, ""},
		{"ed25519_key", func(s *Spec) { s.Key = keys.ed }, ""},
		{"many_ips", func(s *Spec) {
			s.IPs = nil
			for i := 0; i < 101; i++ {
				s.IPs = append(s.IPs, net.IPv4(10, 1, byte(i/250), byte(i%250+1)))
			}
		}, "127.0.0.1"},
		{"ipv4_mapped_host", func(s *Spec) { s.IPs = []net.IP{net.ParseIP("127.0.0.1")} }, "::ffff:127.0.0.1"},
		{"cn_only_ip_host_other", func(s *Spec) { s.DNS, s.CN = nil, "h1.test" }, "127.0.0.1"},
	}
}

func interMods() []mod {
	ip := func(s string) *net.IPNet { _, n, _ := net.ParseCIDR(s); return n }
	return []mod{
		{"ok", none, ""},
		{"expired", func(s *Spec) { s.NB, s.NA = now.Add(-30*day), now.Add(-day) }, ""},
		{"not_yet_valid", func(s *Spec) { s.NB, s.NA = now.Add(day), now.Add(30*day) }, ""},
		{"not_ca", func(s *Spec) { s.CA = false }, ""},
		{"no_bc", func(s *Spec) { s.CA, s.NoBC = false, true }, ""},
		{"v1", func(s *Spec) { s.V1 = true }, ""},
		{"ku_no_certsign", func(s *Spec) { s.KU = x509.KeyUsageDigitalSignature }, ""},
		{"ku_certsign", func(s *Spec) { s.KU = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature }, ""},
		{"eku_client", func(s *Spec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }, ""},
		{"eku_server", func(s *Spec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }, ""},
		{"eku_any", func(s *Spec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageAny} }, ""},
		{"sha1", func(s *Spec) { s.Sig = "sha1" }, ""},
		{"rsa", func(s *Spec) { s.Key = keys.rsa2048 }, ""},
		{"rsa1024", func(s *Spec) { s.Key = keys.rsa1024 }, ""},
		{"rsa512", func(s *Spec) { s.Key = keys.rsa512 }, ""},
		{"pathlen0", func(s *Spec) { s.PathLen = 0 }, ""},
		{"critical_ext", func(s *Spec) { s.Critical = true }, ""},
		{"nc_permit_ok", func(s *Spec) { s.PermDNS = []string{"test"} }, ""},
		{"nc_permit_other", func(s *Spec) { s.PermDNS = []string{"example.com"} }, ""},
		{"nc_permit_dot", func(s *Spec) { s.PermDNS = []string{".h1.test"} }, ""},
		{"nc_exclude", func(s *Spec) { s.ExclDNS = []string{"h1.test"} }, ""},
		{"nc_exclude_dot", func(s *Spec) { s.ExclDNS = []string{".test"} }, ""},
		{"nc_exclude_sub", func(s *Spec) { s.ExclDNS = []string{"a.test"} }, ""},
		{"nc_ip_permit", func(s *Spec) { s.PermIP = []*net.IPNet{ip("10.0.0.0/8")} }, ""},
		{"nc_ip_exclude", func(s *Spec) { s.ExclIP = []*net.IPNet{ip("127.0.0.0/8")} }, ""},
		{"no_cn", func(s *Spec) { s.CN = "" }, ""},
		{"san_in_ca", func(s *Spec) { s.DNS = []string{"ca.test"} }, ""},
		{"nc_exclude_bad", func(s *Spec) { s.ExclDNS = []string{"bad.test"} }, ""},
		{"ed25519", func(s *Spec) { s.Key = keys.ed }, ""},
		{"p384", func(s *Spec) { s.Key = keys.p384 }, ""},
		{"pathlen1", func(s *Spec) { s.PathLen = 1 }, ""},
		{"nc_permit_multi", func(s *Spec) { s.PermDNS = []string{"example.com", ".test", "h2.test"} }, ""},
		{"nc_exclude_upper", func(s *Spec) { s.ExclDNS = []string{"H1.Test"} }, ""},
	}
}

func rootMods() []mod {
	return []mod{
		{"ok", none, ""},
		{"expired", func(s *Spec) { s.NB, s.NA = now.Add(-30*day), now.Add(-day) }, ""},
		{"not_yet_valid", func(s *Spec) { s.NB, s.NA = now.Add(day), now.Add(30*day) }, ""},
		{"not_ca", func(s *Spec) { s.CA = false }, ""},
		{"not_ca_no_cn", func(s *Spec) { s.CA, s.CN = false, "" }, ""},
		{"not_ca_no_name", func(s *Spec) { s.CA, s.CN, s.O = false, "", "" }, ""},
		{"v1", func(s *Spec) { s.V1 = true }, ""},
		{"pathlen0", func(s *Spec) { s.PathLen = 0 }, ""},
		{"pathlen1", func(s *Spec) { s.PathLen = 1 }, ""},
		{"eku_client", func(s *Spec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }, ""},
		{"nc_exclude", func(s *Spec) { s.ExclDNS = []string{"h1.test"} }, ""},
		{"nc_permit_other", func(s *Spec) { s.PermDNS = []string{"example.com"} }, ""},
		{"critical_ext", func(s *Spec) { s.Critical = true }, ""},
		{"ku_no_certsign", func(s *Spec) { s.KU = x509.KeyUsageDigitalSignature }, ""},
		{"rsa", func(s *Spec) { s.Key = keys.rsa2048 }, ""},
		{"sha1_self", func(s *Spec) { s.Sig = "sha1" }, ""},
		{"ed25519", func(s *Spec) { s.Key = keys.ed }, ""},
		{"p384", func(s *Spec) { s.Key = keys.p384 }, ""},
		{"eku_server", func(s *Spec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }, ""},
		{"nc_exclude_ca", func(s *Spec) { s.ExclDNS = []string{"ca.test"} }, ""},
		{"nc_permit_test", func(s *Spec) { s.PermDNS = []string{"test"} }, ""},
	}
}

func rootSpec() Spec {
	return Spec{CN: "Oracle Root", O: "Oracle Trust", CA: true, PathLen: -1, Key: keys.root,
		NB: now.Add(-5 * 365 * day), NA: now.Add(5 * 365 * day)}
}

func interSpec() Spec {
	return Spec{CN: "Oracle Issuing CA", O: "Oracle Trust", CA: true, PathLen: -1, Key: keys.inter}
}

func leafSpec() Spec {
	return Spec{CN: "h1.test", DNS: []string{"h1.test"}, PathLen: -1, Key: keys.leaf,
		EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, AIA: []string{"http://ca.test/issuing.der"}}
}

func apply(base Spec, m mod) Spec {
	m.f(&base)
	return base
}

// structures: how the chain is assembled and which roots Go trusts.
var structures = []string{
	"std", "missing_inter", "untrusted_root", "impostor_root", "impostor_and_real",
	"root_sent", "root_sent_untrusted", "two_inter_upper", "two_inter_lower", "leaf_in_roots",
	"self_signed_ca_leaf", "self_signed_leaf", "dup_inter", "extra_cert", "cross_signed",
	"cross_signed_untrusted_only", "expired_then_valid_inter", "valid_then_expired_inter",
	"direct_root", "direct_untrusted", "sig_limit", "two_impostors", "tampered_sig",
}

func build(st string, lm, im, rm mod) Case {
	host := "h1.test"
	if lm.host != "" {
		host = lm.host
	}
	c := Case{Name: fmt.Sprintf("%s/leaf=%s/inter=%s/root=%s", st, lm.name, im.name, rm.name), Host: host, Time: now.Unix(), Roots: []string{}}
	root := issue(apply(rootSpec(), rm), nil)
	inter := issue(apply(interSpec(), im), root)
	leaf := issue(apply(leafSpec(), lm), inter)
	chain, roots := []*Node{leaf, inter}, []*Node{root}
	other := func(cn string, key crypto.Signer) *Node {
		s := rootSpec()
		s.CN, s.Key = cn, key
		return issue(s, nil)
	}
	switch st {
	case "std":
	case "missing_inter":
		chain = chain[:1]
	case "untrusted_root":
		roots = []*Node{other("Other Root", keys.root2)}
	case "impostor_root":
		roots = []*Node{other("Oracle Root", keys.root2)}
	case "impostor_and_real":
		roots = []*Node{other("Oracle Root", keys.root2), root}
	case "root_sent":
		chain = append(chain, root)
	case "root_sent_untrusted":
		chain, roots = append(chain, root), nil
	case "two_inter_upper", "two_inter_lower":
		upper, lower := apply(interSpec(), im), interSpec()
		if st == "two_inter_lower" {
			upper, lower = interSpec(), apply(interSpec(), im)
		}
		upper.CN, upper.Key = "Oracle Intermediate 1", keys.inter1
		i1 := issue(upper, root)
		i2 := issue(lower, i1)
		leaf = issue(apply(leafSpec(), lm), i2)
		chain = []*Node{leaf, i2, i1}
	case "leaf_in_roots", "self_signed_ca_leaf", "self_signed_leaf":
		s := apply(leafSpec(), lm)
		s.CA = st == "self_signed_ca_leaf"
		leaf = issue(s, nil)
		chain = []*Node{leaf}
		if st == "leaf_in_roots" {
			roots = []*Node{leaf}
		}
	case "dup_inter":
		chain = append(chain, inter)
	case "extra_cert":
		chain = []*Node{leaf, other("Unrelated CA", keys.root2), inter}
	case "cross_signed", "cross_signed_untrusted_only":
		r2 := other("Other Root", keys.root2)
		crossed := issue(apply(interSpec(), im), r2)
		chain = []*Node{leaf, crossed, inter}
		if st == "cross_signed_untrusted_only" {
			chain = []*Node{leaf, crossed}
		}
	case "expired_then_valid_inter", "valid_then_expired_inter":
		s := apply(interSpec(), im)
		s.NB, s.NA = now.Add(-30*day), now.Add(-day)
		expired := issue(s, root)
		chain = []*Node{leaf, expired, inter}
		if st == "valid_then_expired_inter" {
			chain = []*Node{leaf, inter, expired}
		}
	case "direct_root", "direct_untrusted":
		leaf = issue(apply(leafSpec(), lm), root)
		chain = []*Node{leaf}
		if st == "direct_untrusted" {
			roots = nil
		}
	case "tampered_sig":
		bad := &Node{DER: append([]byte{}, leaf.DER...)}
		bad.DER[len(bad.DER)-1] ^= 1 // the last byte of the signature
		chain = []*Node{bad, inter}
	case "sig_limit":
		chain = []*Node{leaf}
		for i := 0; i < 101; i++ {
			s := apply(interSpec(), im)
			s.Key = limitKeys[i]
			chain = append(chain, issue(s, root))
		}
	case "two_impostors":
		a, b := rootSpec(), rootSpec()
		a.Key, b.Key, b.O = keys.root2, keys.p384, "Second"
		roots = []*Node{issue(a, nil), issue(b, nil)}
	default:
		panic("unknown structure " + st)
	}
	for _, n := range chain {
		c.Chain = append(c.Chain, hex.EncodeToString(n.DER))
	}
	for _, n := range roots {
		c.Roots = append(c.Roots, hex.EncodeToString(n.DER))
	}
	return c
}

func pick(all []mod, names ...string) []mod {
	var out []mod
	for _, n := range names {
		for _, m := range all {
			if m.name == n {
				out = append(out, m)
			}
		}
	}
	if len(out) != len(names) {
		panic("unknown mod in " + strings.Join(names, ","))
	}
	return out
}

func gen(file string) error {
	keys.root, keys.root2, keys.inter, keys.inter1, keys.leaf = ecKey(), ecKey(), ecKey(), ecKey(), ecKey()
	keys.rsa2048, keys.rsa1024, keys.rsa512 = rsaKey(2048), rsaKey(1024), rsaKey(512)
	keys.ed, keys.p384 = ed25519Key(), p384Key()
	for i := range limitKeys {
		limitKeys[i] = ecKey()
	}
	L, I, R := leafMods(), interMods(), rootMods()
	ok := mod{"ok", none, ""}
	var cases []Case
	// Each defect alone.
	for _, m := range L {
		if m.name == "pss" || strings.HasSuffix(m.name, "_rsa") {
			continue // needs an RSA issuer: below
		}
		cases = append(cases, build("std", m, ok, ok))
	}
	for _, m := range I {
		cases = append(cases, build("std", ok, m, ok))
	}
	for _, m := range R {
		cases = append(cases, build("std", ok, ok, m))
	}
	for _, st := range structures[1:] {
		cases = append(cases, build(st, ok, ok, ok))
	}
	// Defects in combination.
	for _, l := range pick(L, "ok", "expired", "wrong_host", "cn_only", "eku_client", "sha1", "md5") {
		for _, i := range pick(I, "ok", "expired", "not_ca", "eku_client", "sha1", "rsa", "nc_exclude") {
			for _, r := range pick(R, "ok", "expired", "not_ca", "pathlen0") {
				if l.name == "ok" && i.name == "ok" || l.name == "ok" && r.name == "ok" || i.name == "ok" && r.name == "ok" {
					continue // already a single defect
				}
				cases = append(cases, build("std", l, i, r))
			}
		}
	}
	for _, st := range structures[1:] {
		for _, l := range pick(L, "expired", "wrong_host", "no_aia", "eku_client") {
			cases = append(cases, build(st, l, ok, ok))
		}
		for _, i := range pick(I, "expired", "not_ca", "pathlen0", "nc_exclude", "v1") {
			cases = append(cases, build(st, ok, i, ok))
		}
		for _, r := range pick(R, "expired", "pathlen0", "pathlen1") {
			cases = append(cases, build(st, ok, ok, r))
		}
	}
	for _, p := range [][2]string{{"ip_host", "nc_ip_exclude"}, {"ip_host", "nc_ip_permit"}, {"ip_host_mismatch", "nc_ip_permit"},
		{"wildcard", "nc_exclude_sub"}, {"wildcard", "nc_permit_ok"}, {"ip_in_dns_san", "nc_permit_ok"},
		{"wildcard", "nc_permit_dot"}, {"wildcard_deep", "nc_exclude"}, {"wildcard_deep", "nc_permit_dot"},
		{"two_sans", "nc_exclude_bad"}, {"bad_san", "nc_permit_ok"}, {"bad_san", "nc_exclude_bad"},
		{"upper_san", "nc_exclude"}, {"ip_host", "nc_permit_ok"}} {
		cases = append(cases, build("std", pick(L, p[0])[0], pick(I, p[1])[0], ok))
	}
	for _, p := range [][2]string{{"pss", "rsa"}, {"md5", "rsa"}, {"sha1", "rsa"}, {"sha384", "p384"}, {"pss", "rsa1024"},
		{"sha512_rsa", "rsa1024"}, {"sha384_rsa", "rsa"}, {"sha384_rsa", "rsa1024"}, {"ok", "rsa1024"}, {"ed25519_key", "ed25519"}, {"expired", "ed25519"}} {
		cases = append(cases, build("std", pick(L, p[0])[0], pick(I, p[1])[0], ok))
		cases = append(cases, build("tampered_sig", pick(L, p[0])[0], pick(I, p[1])[0], ok))
	}
	// Constraints on a root reach the intermediates' names too.
	for _, t := range [][3]string{{"ok", "san_in_ca", "nc_exclude_ca"}, {"ok", "san_in_ca", "nc_permit_test"},
		{"wildcard", "san_in_ca", "nc_permit_test"}, {"ok", "san_in_ca", "nc_exclude"}, {"two_sans", "nc_exclude_bad", "nc_permit_test"}} {
		cases = append(cases, build("std", pick(L, t[0])[0], pick(I, t[1])[0], pick(R, t[2])[0]))
		cases = append(cases, build("two_inter_lower", pick(L, t[0])[0], pick(I, t[1])[0], pick(R, t[2])[0]))
	}
	data, err := json.Marshal(cases)
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}
