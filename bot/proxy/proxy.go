// Package proxy decides what the line believes of the reverse proxies in
// front of it (TRUSTED_PROXIES): a request's forwarded headers count only
// when its immediate peer is one of them. It gives the client's address
// (X-Forwarded-For, read from the right) and tells whether a request's
// X-Forwarded-Proto and X-Forwarded-Host may be believed.
package proxy

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Trusted is a set of proxies, by address and range. The zero value
// trusts none.
type Trusted struct {
	prefixes []netip.Prefix
}

// ParseTrusted reads a comma-separated list of IP addresses and CIDR
// ranges ("10.0.0.7, 10.1.0.0/16, fd00::/8"). The list must name at
// least one proxy, and no range may take in every address.
func ParseTrusted(list string) (Trusted, error) {
	var t Trusted
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := parsePrefix(item)
		if err != nil {
			return Trusted{}, err
		}
		t.prefixes = append(t.prefixes, p)
	}
	if len(t.prefixes) == 0 {
		return Trusted{}, errors.New("no proxy addresses")
	}
	return t, nil
}

// parsePrefix reads one address (a range of one) or CIDR range.
func parsePrefix(s string) (netip.Prefix, error) {
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR range such as 10.0.0.0/8", s)
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR range such as 10.0.0.0/8", s)
		}
		a = a.WithZone("")
		p = netip.PrefixFrom(a, a.BitLen())
	}
	switch {
	case p.Addr().Is4In6():
		return netip.Prefix{}, fmt.Errorf("%q: write IPv4 addresses as IPv4", s)
	case p.Bits() == 0:
		return netip.Prefix{}, fmt.Errorf("%q takes in every address: name the proxies", s)
	}
	return p.Masked(), nil
}

// String lists the set as ParseTrusted reads it.
func (t Trusted) String() string {
	s := make([]string, len(t.prefixes))
	for i, p := range t.prefixes {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// contains reports whether a is a trusted proxy.
func (t Trusted) contains(a netip.Addr) bool {
	for _, p := range t.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Forwarded reports whether r came straight from a trusted proxy, so
// that the headers the proxy set may be believed.
func (t Trusted) Forwarded(r *http.Request) bool {
	return t.contains(peer(r))
}

// Client is the address r came from: its peer's, unless the peer is a
// trusted proxy. Then it is the last address in X-Forwarded-For that is
// not a trusted proxy: each proxy appends the address it was reached
// from, so what lies left of that address is anyone's to write. An entry
// that is not an address stops the walk at the last address known. The
// zero Addr when r's peer is not an IP address.
func (t Trusted) Client(r *http.Request) netip.Addr {
	client := peer(r)
	if !t.contains(client) {
		return client
	}
	forwarded := r.Header.Values("X-Forwarded-For")
	for i := len(forwarded) - 1; i >= 0; i-- {
		hops := strings.Split(forwarded[i], ",")
		for j := len(hops) - 1; j >= 0; j-- {
			a, ok := parseAddr(hops[j])
			if !ok {
				return client
			}
			client = a
			if !t.contains(a) {
				return a
			}
		}
	}
	return client
}

// peer is the address of r's immediate peer, the zero Addr when
// RemoteAddr holds none.
func peer(r *http.Request) netip.Addr {
	a, _ := parseAddr(r.RemoteAddr)
	return a
}

// parseAddr reads an IP address, with or without a port (RemoteAddr has
// one; some proxies write one in X-Forwarded-For), as one that compares
// with the trusted ranges: IPv4 as IPv4, with no zone.
func parseAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone(""), true
}
