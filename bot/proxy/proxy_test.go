package proxy_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/textline/textline/bot/proxy"
)

func TestParseTrusted(t *testing.T) {
	for _, tt := range []struct {
		list string
		want string // String() of the set; "" when the list is refused
	}{
		// Refused first.
		{"", ""},
		{" , ,", ""},
		{"proxy.internal", ""},
		{"10.0.0.0/33", ""},
		{"10.0.0.1-10.0.0.9", ""},
		{"10.0.0.7, nope", ""},
		{"0.0.0.0/0", ""},
		{"::/0", ""},
		{"::ffff:10.0.0.1", ""},
		{"::ffff:10.0.0.0/104", ""},

		{"10.0.0.7", "10.0.0.7/32"},
		{" 10.0.0.0/8 , fd00::/8 ,", "10.0.0.0/8, fd00::/8"},
		{"10.1.2.3/8", "10.0.0.0/8"},
		{"fe80::1%eth0", "fe80::1/128"},
	} {
		got, err := proxy.ParseTrusted(tt.list)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("ParseTrusted(%q) = %s, want an error", tt.list, got)
		case tt.want != "" && err != nil:
			t.Errorf("ParseTrusted(%q): %v", tt.list, err)
		case got.String() != tt.want:
			t.Errorf("ParseTrusted(%q) = %s, want %s", tt.list, got, tt.want)
		}
	}
}

// trusted are the proxies of these tests: one address and two ranges.
func trusted(t testing.TB) proxy.Trusted {
	p, err := proxy.ParseTrusted("192.0.2.7, 10.0.0.0/8, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func request(remote string, forwardedFor ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/console/login", nil)
	r.RemoteAddr = remote
	for _, v := range forwardedFor {
		r.Header.Add("X-Forwarded-For", v)
	}
	return r
}

func TestClient(t *testing.T) {
	for _, tt := range []struct {
		name         string
		remote       string
		forwardedFor []string
		want         string // "invalid IP" for none
	}{
		// Hostile first.
		{"forged by a peer that is no proxy", "198.51.100.9:5000", []string{"203.0.113.5"}, "198.51.100.9"},
		{"forged as a trusted proxy by a peer that is no proxy", "198.51.100.9:5000", []string{"10.0.0.3"}, "198.51.100.9"},
		{"forged entries left of the client", "10.0.0.2:5000", []string{"1.1.1.1, 10.0.0.9, 203.0.113.5"}, "203.0.113.5"},
		{"forged header line before the proxy's", "10.0.0.2:5000", []string{"1.1.1.1", "203.0.113.5"}, "203.0.113.5"},
		{"unreadable entry from the proxy", "10.0.0.2:5000", []string{"203.0.113.5, unknown"}, "10.0.0.2"},
		{"unreadable entry past a proxy", "10.0.0.2:5000", []string{"203.0.113.5, unknown, 10.0.0.3"}, "10.0.0.3"},
		{"empty entry from the proxy", "10.0.0.2:5000", []string{"203.0.113.5,"}, "10.0.0.2"},
		{"empty header", "10.0.0.2:5000", []string{""}, "10.0.0.2"},
		{"peer with no address", "@", []string{"203.0.113.5"}, "invalid IP"},

		{"no proxy", "198.51.100.9:5000", nil, "198.51.100.9"},
		{"proxy without the header", "10.0.0.2:5000", nil, "10.0.0.2"},
		{"one proxy", "10.0.0.2:5000", []string{"203.0.113.5"}, "203.0.113.5"},
		{"two proxies", "192.0.2.7:5000", []string{"203.0.113.5, 10.0.0.3"}, "203.0.113.5"},
		{"two proxies, one header line each", "192.0.2.7:5000", []string{"203.0.113.5", "10.0.0.3"}, "203.0.113.5"},
		{"only proxies: the farthest", "10.0.0.2:5000", []string{"10.0.0.4, 192.0.2.7"}, "10.0.0.4"},
		{"entries with ports", "10.0.0.2:5000", []string{"203.0.113.5:4711, [fd00::3]:443"}, "203.0.113.5"},
		{"IPv6", "[fd00::2]:5000", []string{"2001:db8::5, fd00::3"}, "2001:db8::5"},
		{"IPv4 written as IPv6", "[::ffff:10.0.0.2]:5000", []string{"::ffff:203.0.113.5"}, "203.0.113.5"},
		{"zone", "[fd00::2%eth0]:5000", []string{"fe80::5%eth0"}, "fe80::5"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := trusted(t).Client(request(tt.remote, tt.forwardedFor...)); got.String() != tt.want {
				t.Errorf("Client = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestForwarded(t *testing.T) {
	for _, tt := range []struct {
		remote string
		t      proxy.Trusted
		want   bool
	}{
		{"198.51.100.9:5000", trusted(t), false},
		{"10.0.0.2:5000", proxy.Trusted{}, false},
		{"@", trusted(t), false},
		{"", trusted(t), false},

		{"10.0.0.2:5000", trusted(t), true},
		{"192.0.2.7:5000", trusted(t), true},
		{"[fd00::2]:5000", trusted(t), true},
		{"[::ffff:10.0.0.2]:5000", trusted(t), true},
	} {
		if got := tt.t.Forwarded(request(tt.remote)); got != tt.want {
			t.Errorf("Forwarded from %q with proxies %q = %v, want %v", tt.remote, tt.t, got, tt.want)
		}
	}
}

// The zero set trusts none.
func TestZeroTrustsNone(t *testing.T) {
	r := request("10.0.0.2:5000", "203.0.113.5")
	if got, want := (proxy.Trusted{}).Client(r), netip.MustParseAddr("10.0.0.2"); got != want {
		t.Errorf("Client = %s, want the peer %s", got, want)
	}
}
