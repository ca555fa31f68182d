// Command x509_oracle is the judge of the x509 differential test (tests/it/x509_oracle.rs).
//
//	x509_oracle gen FILE    writes generated chains (each defect alone and in combination)
//	x509_oracle judge FILE  prints crypto/x509's verdict on each, as crypto/tls gives it
//
// gen is only test data (run with GODEBUG=rsa1024min=0 so that it can make small RSA keys);
// judge is the oracle: Certificate.Verify with the options crypto/tls's client passes.
// Standard library only.
package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"
)

// Case is one chain as a server sends it, the roots Go trusts, the host and the time.
type Case struct {
	Name  string   `json:"name"`
	Host  string   `json:"host"`
	Time  int64    `json:"time"`
	Chain []string `json:"chain"` // hex DER, leaf first
	Roots []string `json:"roots"`
}

// Verdict is what Go's TLS client reports.
type Verdict struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Class string `json:"class"`
	Text  string `json:"text"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: x509_oracle gen|judge FILE")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2])
	case "judge":
		err = judge(os.Args[2])
	default:
		err = fmt.Errorf("unknown mode %q (want gen or judge)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "x509_oracle:", err)
		os.Exit(1)
	}
}

// ------------------------------------------------------------------ judge

func judge(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var cases []Case
	if err := json.Unmarshal(data, &cases); err != nil {
		return err
	}
	out := make([]Verdict, 0, len(cases))
	for _, c := range cases {
		out = append(out, verdict(c))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}

func parseAll(hexes []string) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for _, h := range hexes {
		der, err := hex.DecodeString(h)
		if err != nil {
			return nil, err
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	return certs, nil
}

func verdict(c Case) Verdict {
	v := Verdict{Name: c.Name}
	certs, err := parseAll(c.Chain)
	if err != nil {
		v.Class, v.Text = "certificate_invalid", "tls: failed to parse certificate from server: "+err.Error()
		return v
	}
	roots := x509.NewCertPool()
	var rootCerts []*x509.Certificate
	for _, h := range c.Roots {
		if rc, err := parseAll([]string{h}); err == nil {
			roots.AddCert(rc[0])
			rootCerts = append(rootCerts, rc[0])
		}
	}
	// What crypto/tls's verifyServerCertificate passes.
	opts := x509.VerifyOptions{
		Roots:         roots,
		CurrentTime:   time.Unix(c.Time, 0).UTC(),
		DNSName:       c.Host,
		Intermediates: x509.NewCertPool(),
	}
	for _, ic := range certs[1:] {
		opts.Intermediates.AddCert(ic)
	}
	_, err = certs[0].Verify(opts)
	if err == nil {
		v.OK, v.Class = true, "ok"
		return v
	}
	v.Text = "tls: failed to verify certificate: " + err.Error()
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua):
		v.Class = "untrusted"
		if incomplete(certs, rootCerts) {
			v.Class = "incomplete_chain"
		}
	case errors.As(err, &he):
		v.Class = "hostname_mismatch"
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		v.Class = "expired"
		if opts.CurrentTime.Before(ci.Cert.NotBefore) {
			v.Class = "not_yet_valid"
		}
	default:
		// Every other crypto/x509 rejection: key usage, name constraints, a non-CA or v1
		// intermediate, path length, critical extensions (tls.certificate_invalid).
		v.Class = "certificate_invalid"
	}
	return v
}

// incomplete is the tool's documented rule for tls.incomplete_chain, restated: the leaf
// names where its issuer is published, is not self-issued, and neither the chain nor the
// roots hold a certificate of its issuer's name.
func incomplete(chain, roots []*x509.Certificate) bool {
	leaf := chain[0]
	if len(leaf.IssuingCertificateURL) == 0 || bytes.Equal(leaf.RawIssuer, leaf.RawSubject) {
		return false
	}
	for _, c := range append(append([]*x509.Certificate{}, chain[1:]...), roots...) {
		if bytes.Equal(c.RawSubject, leaf.RawIssuer) {
			return false
		}
	}
	return true
}

// ------------------------------------------------------------------ gen

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Spec describes one certificate to issue.
type Spec struct {
	CN, O      string
	CA, NoBC   bool
	PathLen    int // -1: none
	NB, NA     time.Time
	DNS        []string
	IPs        []net.IP
	EKU        []x509.ExtKeyUsage
	UnknownEKU []asn1.ObjectIdentifier
	KU         x509.KeyUsage
	PermDNS    []string
	ExclDNS    []string
	PermIP     []*net.IPNet
	ExclIP     []*net.IPNet
	AIA        []string
	Critical   bool                    // an extension Go does not know, marked critical
	Sig        string                  // "" (key's default), "sha1", "md5"
	Alg        x509.SignatureAlgorithm // for CreateCertificate (PSS, SHA-384, ...)
	V1         bool
	Key        crypto.Signer
}

// Node is an issued certificate and its key.
type Node struct {
	DER  []byte
	Cert *x509.Certificate
	Key  crypto.Signer
}

var serial int64 = 1000

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func issue(s Spec, parent *Node) *Node {
	serial++
	if s.NB.IsZero() {
		s.NB = now.Add(-365 * 24 * time.Hour)
	}
	if s.NA.IsZero() {
		s.NA = now.Add(365 * 24 * time.Hour)
	}
	t := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: s.CN},
		NotBefore:             s.NB,
		NotAfter:              s.NA,
		IsCA:                  s.CA,
		BasicConstraintsValid: !s.NoBC,
		DNSNames:              s.DNS,
		IPAddresses:           s.IPs,
		ExtKeyUsage:           s.EKU,
		UnknownExtKeyUsage:    s.UnknownEKU,
		KeyUsage:              s.KU,
		PermittedDNSDomains:   s.PermDNS,
		ExcludedDNSDomains:    s.ExclDNS,
		PermittedIPRanges:     s.PermIP,
		ExcludedIPRanges:      s.ExclIP,
		IssuingCertificateURL: s.AIA,
		SignatureAlgorithm:    s.Alg,
	}
	if s.O != "" {
		t.Subject.Organization = []string{s.O}
	}
	if s.PathLen >= 0 && s.CA {
		t.MaxPathLen = s.PathLen
		t.MaxPathLenZero = s.PathLen == 0
	} else {
		t.MaxPathLen = -1
	}
	if s.Critical {
		t.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}}}
	}
	parentCert, parentKey := t, s.Key
	if parent != nil {
		parentCert, parentKey = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, t, parentCert, s.Key.Public(), parentKey)
	must(err)
	if s.Sig != "" || s.V1 {
		der = resign(der, parentKey, s.Sig, s.V1)
	}
	c, err := x509.ParseCertificate(der)
	must(err)
	return &Node{DER: der, Cert: c, Key: s.Key}
}

// resign rebuilds a certificate with another signature algorithm (SHA-1, MD5, which
// CreateCertificate refuses or cannot make) and/or as version 1 (no version, no extensions).
func resign(der []byte, key crypto.Signer, sig string, v1 bool) []byte {
	var cert struct {
		TBS asn1.RawValue
		Alg asn1.RawValue
		Sig asn1.BitString
	}
	_, err := asn1.Unmarshal(der, &cert)
	must(err)
	var fields []asn1.RawValue
	rest := cert.TBS.Bytes
	for len(rest) > 0 {
		var f asn1.RawValue
		rest, err = asn1.Unmarshal(rest, &f)
		must(err)
		fields = append(fields, f)
	}
	var h crypto.Hash
	var oid asn1.ObjectIdentifier
	_, isRSA := key.(*rsa.PrivateKey)
	switch {
	case sig == "md5":
		h, oid = crypto.MD5, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 4}
	case sig == "sha1" && isRSA:
		h, oid = crypto.SHA1, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	case sig == "sha1":
		h, oid = crypto.SHA1, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}
	case isRSA:
		h, oid = crypto.SHA256, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	default:
		h, oid = crypto.SHA256, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	}
	alg := pkix.AlgorithmIdentifier{Algorithm: oid}
	if isRSA {
		alg.Parameters = asn1.NullRawValue
	}
	algDER, err := asn1.Marshal(alg)
	must(err)
	// The signature AlgorithmIdentifier follows the serial (and the [0] version, if any).
	sigIdx := 1
	if fields[0].Class == asn1.ClassContextSpecific {
		sigIdx = 2
	}
	var body []byte
	for i, f := range fields {
		switch {
		case v1 && f.Class == asn1.ClassContextSpecific:
			continue // [0] version, [3] extensions
		case i == sigIdx:
			body = append(body, algDER...)
		default:
			body = append(body, f.FullBytes...)
		}
	}
	tbs, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
	must(err)
	var digest []byte
	switch h {
	case crypto.MD5:
		d := md5.Sum(tbs)
		digest = d[:]
	case crypto.SHA1:
		d := sha1.Sum(tbs)
		digest = d[:]
	default:
		d := sha256.Sum256(tbs)
		digest = d[:]
	}
	var signature []byte
	if k, ok := key.(*rsa.PrivateKey); ok {
		signature, err = rsa.SignPKCS1v15(rand.Reader, k, h, digest)
	} else {
		signature, err = key.Sign(rand.Reader, digest, h)
	}
	must(err)
	out, err := asn1.Marshal(struct {
		TBS asn1.RawValue
		Alg asn1.RawValue
		Sig asn1.BitString
	}{asn1.RawValue{FullBytes: tbs}, asn1.RawValue{FullBytes: algDER}, asn1.BitString{Bytes: signature, BitLength: 8 * len(signature)}})
	must(err)
	return out
}

func ecKey() crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	return k
}

func ed25519Key() crypto.Signer {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	must(err)
	return k
}

func p384Key() crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	must(err)
	return k
}

func rsaKey(bits int) crypto.Signer {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	must(err)
	return k
}
