package proxy_test

import (
	"net/netip"
	"strings"
	"testing"
)

// FuzzClient walks X-Forwarded-For as anyone may write it. The client is
// the peer or an address of the header; it does not depend on how the
// header is split into lines; and once it is an address that is not a
// trusted proxy, nothing written left of the header changes it.
func FuzzClient(f *testing.F) {
	for _, s := range []string{
		"", " ", ",", ",,,", "203.0.113.5", "203.0.113.5, 10.0.0.2", "1.1.1.1, 203.0.113.5, 10.0.0.3",
		"unknown, 10.0.0.1", "203.0.113.5, unknown", "10.0.0.4, 192.0.2.7", "[2001:db8::1]:8080, fd00::3",
		"::ffff:10.0.0.1", "1.2.3.4:80", "fe80::1%eth0", "fe80::1%", "[::1]", "1.2.3.4\x00", "\u00a0203.0.113.5",
		"0x7f.1", "01.02.03.04", "203.0.113.5;for=1", "\"[2001:db8::1]\"",
	} {
		f.Add(s, "198.51.100.1", true)
		f.Add(s, s, false)
	}
	f.Fuzz(func(t *testing.T, header, forged string, fromProxy bool) {
		proxies := trusted(t)
		remote := "198.51.100.9:5000"
		if fromProxy {
			remote = "10.0.0.2:5000"
		}
		got := proxies.Client(request(remote, header))
		if !got.IsValid() {
			t.Fatalf("Client(%q) is no address", header)
		}
		if !fromProxy {
			if got.String() != "198.51.100.9" {
				t.Fatalf("Client(%q) from a peer that is no proxy = %s, want the peer", header, got)
			}
			return
		}
		if !inHeader(got, header) && got.String() != "10.0.0.2" {
			t.Fatalf("Client(%q) = %s: neither the peer nor in the header", header, got)
		}
		if lines := proxies.Client(request(remote, strings.Split(header, ",")...)); lines != got {
			t.Fatalf("Client(%q) = %s, but %s with one line an entry", header, got, lines)
		}
		if proxies.Forwarded(request(got.String() + ":1")) {
			return // a proxy: the walk went through the whole header
		}
		for _, r := range []struct {
			how   string
			lines []string
		}{
			{"in the line", []string{forged + "," + header}},
			{"in a line before", []string{forged, header}},
		} {
			if after := proxies.Client(request(remote, r.lines...)); after != got {
				t.Fatalf("Client(%q) = %s, but %s with %q written before it %s", header, got, after, forged, r.how)
			}
		}
	})
}

// inHeader reports whether a is one of the header's entries.
func inHeader(a netip.Addr, header string) bool {
	for _, hop := range strings.Split(header, ",") {
		hop = strings.TrimSpace(hop)
		if b, err := netip.ParseAddr(hop); err == nil && b.Unmap().WithZone("") == a {
			return true
		}
		if ap, err := netip.ParseAddrPort(hop); err == nil && ap.Addr().Unmap().WithZone("") == a {
			return true
		}
	}
	return false
}
