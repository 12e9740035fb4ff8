package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

const testToken = "test-auth-token"

// testPublicURL is the address Twilio calls the line at in tests.
const testPublicURL = "https://line.example.org"

// serveEnv is what serve needs, on the Redis at redisURL, with a hash key
// of the test's own, so that no test meets another's sessions on a shared
// serve checks signatures against PUBLIC_URL, or, only when the operator
// says so, against what the proxies they name forward; without either it
// does not start, and says what to set.
func TestServeNeedsPublicURL(t *testing.T) {
	const proxies = "10.0.0.7, 10.1.0.0/16"
	for _, tc := range []struct {
		name    string
		env     map[string]string // over serveEnv, without its PUBLIC_URL
		args    []string
		refusal string // what the error says; "" when serve starts
	}{
		{"no PUBLIC_URL", nil, nil, "serve needs PUBLIC_URL, the https:// base URL Twilio calls, or else TRUST_FORWARDED=true with TRUSTED_PROXIES"},
		{"TRUST_FORWARDED without TRUSTED_PROXIES", map[string]string{"TRUST_FORWARDED": "true"}, nil, "TRUST_FORWARDED=true needs TRUSTED_PROXIES"},
		{"-trust-forwarded without proxies", nil, []string{"-trust-forwarded"}, "TRUST_FORWARDED=true needs TRUSTED_PROXIES"},
		{"TRUST_FORWARDED with an empty list", map[string]string{"TRUST_FORWARDED": "true", "TRUSTED_PROXIES": " , "}, nil, "TRUSTED_PROXIES: no proxy addresses"},
		{"TRUSTED_PROXIES without TRUST_FORWARDED", map[string]string{"TRUSTED_PROXIES": proxies}, nil, "TRUSTED_PROXIES is set without TRUST_FORWARDED=true"},
		{"TRUSTED_PROXIES with TRUST_FORWARDED=false", map[string]string{"TRUST_FORWARDED": "false", "TRUSTED_PROXIES": proxies}, nil, "TRUSTED_PROXIES is set without TRUST_FORWARDED=true"},
		{"TRUST_FORWARDED neither true nor false", map[string]string{"TRUST_FORWARDED": "yes please", "TRUSTED_PROXIES": proxies}, nil, `TRUST_FORWARDED="yes please": not true or false`},
		{"a proxy that is no address", map[string]string{"TRUST_FORWARDED": "true", "TRUSTED_PROXIES": "10.0.0.7, proxy.internal"}, nil, `TRUSTED_PROXIES: "proxy.internal" is not an IP address`},
		{"every address a proxy", map[string]string{"TRUST_FORWARDED": "true", "TRUSTED_PROXIES": "0.0.0.0/0"}, nil, `TRUSTED_PROXIES: "0.0.0.0/0" takes in every address`},
		{"PUBLIC_URL without a scheme", map[string]string{"PUBLIC_URL": "line.example.org"}, nil, `PUBLIC_URL "line.example.org": want the base URL Twilio calls`},
		{"PUBLIC_URL with a query", map[string]string{"PUBLIC_URL": "https://line.example.org/?x=1"}, nil, `PUBLIC_URL "https://line.example.org/?x=1": want the base URL`},

		{"PUBLIC_URL", map[string]string{"PUBLIC_URL": testPublicURL}, nil, ""},
		{"-public-url", nil, []string{"-public-url", testPublicURL}, ""},
		{"trusted proxies", map[string]string{"TRUST_FORWARDED": "true", "TRUSTED_PROXIES": proxies}, nil, ""},
		{"trusted proxies by flag", nil, []string{"-trust-forwarded", "-trusted-proxies", proxies}, ""},
		{"PUBLIC_URL and trusted proxies", map[string]string{"PUBLIC_URL": testPublicURL, "TRUST_FORWARDED": "1", "TRUSTED_PROXIES": proxies}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := serveEnv(t, redistest.URL(t))
			delete(env, "PUBLIC_URL")
			maps.Copy(env, tc.env)
			args := append([]string{"serve"}, tc.args...)
			if tc.refusal == "" {
				start(t, env, args...)
				return
			}
			// A serve that starts anyway stops at once, and returns nil.
			env["PORT"] = "0"
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			err := run(ctx, args, func(k string) string { return env[k] }, nil, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("serve started")
			}
			if msg := err.Error(); !strings.Contains(msg, tc.refusal) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line saying %q", msg, tc.refusal)
			}
		})
	}
}

// A signature Twilio made for another app on the same account, sent with
// that app's host in X-Forwarded-Host, is refused unless the request
// comes straight from a proxy the operator trusts. The test's requests
// Redis.
func serveEnv(t *testing.T, redisURL string) map[string]string {
	return map[string]string{
		"PUBLIC_URL":        testPublicURL,
		"TWILIO_AUTH_TOKEN": testToken,
		"REDIS_URL":         redisURL,
		"TEXTLINE_HASH_KEY": fmt.Sprintf("test-%d", rand.Int64()),
	}
}

func TestServeRefusesWithoutSecrets(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		missing string
	}{
		{"nothing set", map[string]string{}, "TWILIO_AUTH_TOKEN, REDIS_URL, TEXTLINE_HASH_KEY"},
		{"no token", map[string]string{"REDIS_URL": "redis://x", "TEXTLINE_HASH_KEY": "k"}, "TWILIO_AUTH_TOKEN"},
		{"no redis", map[string]string{"TWILIO_AUTH_TOKEN": "t", "TEXTLINE_HASH_KEY": "k"}, "REDIS_URL"},
		{"no hash key", map[string]string{"TWILIO_AUTH_TOKEN": "t", "REDIS_URL": "redis://x"}, "TEXTLINE_HASH_KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), []string{"serve"}, func(k string) string { return tc.env[k] }, nil, nil, nil)
			if err == nil {
				t.Fatal("serve started without its secrets")
			}
			msg := err.Error()
			if !strings.Contains(msg, "serve needs "+tc.missing+" ") || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line naming %s", msg, tc.missing)
			}
		})
	}
}

func TestSignedWebhook(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		srv := start(t, serveEnv(t, redisURL), "serve")
		tx := newTexter(t, srv, testToken)
		if got := tx.send("hi"); !strings.Contains(got, "1 Coping tips") {
			t.Fatalf("welcome = %q", got)
		}

		// Forged requests get 403 and change nothing.
		forged := tx.form("2", newSid())
		for name, sig := range map[string]string{
			"no signature":       "",
			"wrong signature":    "AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
			"another token":      twiliotest.Sign("not-the-token", srv.signURL("/twilio/sms"), forged),
			"another URL signed": twiliotest.Sign(testToken, "https://evil.example/twilio/sms", forged),
		} {
			if status, reply := tx.post(forged, sig); status != http.StatusForbidden || reply != "" {
				t.Errorf("%s: status %d, reply %q; want 403 and nothing", name, status, reply)
			}
		}
		// Still at the menu: "1" picks tips, as if the forgeries never came.
		form := tx.form("1", newSid())
		sig := twiliotest.Sign(testToken, srv.signURL("/twilio/sms"), form)
		status, first := tx.post(form, sig)
		if status != 200 || !strings.Contains(first, "Reply MORE") {
			t.Fatalf("after forgeries, 1 got %d %q; want a tip", status, first)
		}
		// Twilio retries the same MessageSid: the same reply, the state moves once.
		_, again := tx.post(form, sig)
		if again != first {
			t.Errorf("retry got %q, first reply was %q", again, first)
		}
		if next := tx.send("more"); next == first {
			t.Errorf("MORE after a retried message repeated the tip: the retry moved the conversation")
		}
	})
}

func TestSecondaryTokenAndPublicURL(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		env := serveEnv(t, redisURL)
		env["TWILIO_AUTH_TOKEN_SECONDARY"] = "next-token"
		srv := start(t, env, "serve")
		tx := newTexter(t, srv, "")
		form := tx.form("hi", newSid())
		// Signed for the public URL with the secondary token: accepted.
		if status, _ := tx.post(form, twiliotest.Sign("next-token", testPublicURL+"/twilio/sms", form)); status != 200 {
			t.Errorf("secondary token: status %d", status)
		}
		// Signed for the address it was reached at instead: refused.
		form = tx.form("hi", newSid())
		if status, _ := tx.post(form, twiliotest.Sign(testToken, srv.url+"/twilio/sms", form)); status != http.StatusForbidden {
			t.Errorf("signature for the internal URL: status %d, want 403", status)
		}
	})
}

func TestDevNeedsNoAccounts(t *testing.T) {
	srv := start(t, map[string]string{}, "dev")
	if !strings.HasPrefix(srv.url, "http://127.0.0.1:") {
		t.Errorf("dev listens on %s, want loopback only", srv.url)
	}
	tx := newTexter(t, srv, "")
	if got := tx.send("hola"); !strings.Contains(got, "Consejos") {
		t.Errorf("dev: hola got %q", got)
	}
}

// The logs of a whole conversation carry the pseudonym, never the number
// or what was written.
func TestLogsCarryNoNumberOrBody(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		env := serveEnv(t, redisURL)
		env["LOG_LEVEL"] = "debug"
		srv := start(t, env, "serve")
		tx := newTexter(t, srv, testToken)
		number := tx.from
		bodies := []string{"hello zebra", "1", "more", "done", "yes", "2", "1", "60614", "1", "menu", "3", "2", "menu", "4", "1",
			"menu", "5", "3", "help", "espanol", "1", "stop texting me", "i want to kill myself", "no", "si", "delete", "delete",
			"hi quokka", "stop", "i want to end my life platypus", "start"}
		for _, b := range bodies {
			tx.send(b)
		}
		// A failing request is logged too: a forged one.
		tx.post(tx.form("forged walrus", newSid()), "bad")
		logs := srv.logs.String()
		pseudonym := bot.NewPseudonymizer([]byte(env["TEXTLINE_HASH_KEY"])).Texter(number).ID()
		if !strings.Contains(logs, pseudonym) {
			t.Errorf("the logs never name the texter's pseudonym %s:\n%s", pseudonym, logs)
		}
		for _, secret := range []string{number, number[1:], number[2:], "zebra", "quokka", "platypus", "walrus", "kill myself", "texting me"} {
			if strings.Contains(logs, secret) {
				t.Errorf("the logs carry %q:\n%s", secret, logs)
			}
		}
	})
}

// With Redis gone or wedged, a text still gets a reply with crisis lines
// inside 3 seconds, and /readyz says 503.
func TestRedisFailure(t *testing.T) {
	for name, redisURL := range map[string]string{
		"stopped":         "redis://" + redistest.Closed(t),
		"silent":          "redis://" + redistest.Silent(t),
		"cluster stopped": "redis://" + redistest.Closed(t) + "?addr=" + redistest.Closed(t),
		"cluster silent":  "redis://" + redistest.Silent(t) + "?addr=" + redistest.Silent(t),
	} {
		t.Run(name, func(t *testing.T) {
			srv := start(t, serveEnv(t, redisURL), "serve")
			tx := newTexter(t, srv, testToken)
			for _, body := range []string{"hi", "i want to kill myself"} {
				began := time.Now()
				reply := tx.send(body)
				if took := time.Since(began); took > 3*time.Second {
					t.Errorf("%q answered in %s, over 3s", body, took)
				}
				for _, want := range []string{"988", "741741"} {
					if !strings.Contains(reply, want) {
						t.Errorf("%q got %q, without %s", body, reply, want)
					}
				}
			}
			// The log tells which failed message was a crisis, without
			// its words.
			if logs := srv.logs.String(); !strings.Contains(logs, `"category":"suicide_risk"`) || strings.Contains(logs, "kill myself") {
				t.Errorf("the failure of a crisis is not logged with its category, or with its words:\n%s", logs)
			}
			r, err := http.Get(srv.url + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("/readyz = %d, want 503", r.StatusCode)
			}
		})
	}
	t.Run("ready when redis answers", func(t *testing.T) {
		redistest.Each(t, func(t *testing.T, redisURL string) {
			srv := start(t, serveEnv(t, redisURL), "serve")
			r, err := http.Get(srv.url + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode != 200 {
				t.Errorf("/readyz = %d, want 200", r.StatusCode)
			}
		})
	})
}

// Shutdown waits for a request in flight: a message waiting on a wedged
// Redis still gets its reply after the signal.
func TestGracefulShutdown(t *testing.T) {
	addr, accepted := redistest.Wedged(t)
	srv := start(t, serveEnv(t, "redis://"+addr), "serve")
	// Startup's own connections (reading console accounts) do not count.
	for len(accepted) > 0 {
		<-accepted
	}
	tx := newTexter(t, srv, testToken)
	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		form := tx.form("hi", newSid())
		req, _ := http.NewRequest(http.MethodPost, srv.url+"/twilio/sms", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", twiliotest.Sign(testToken, srv.signURL("/twilio/sms"), form))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(b), err}
	}()
	select {
	case <-accepted: // the request is waiting on Redis
	case <-time.After(5 * time.Second):
		t.Fatal("the request never reached Redis")
	}
	srv.cancel()
	select {
	case res := <-got:
		if res.err != nil || res.status != 200 || !strings.Contains(res.body, "988") {
			t.Errorf("request in flight at shutdown: %d %q %v", res.status, res.body, res.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request in flight got no answer")
	}
	if _, err := http.Get(srv.url + "/healthz"); err == nil {
		t.Error("still serving after shutdown")
	}
}

// /metrics counts webhooks by outcome, with no number or text in it.
func TestMetrics(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		srv := start(t, serveEnv(t, redisURL), "serve")
		tx := newTexter(t, srv, testToken)
		number := tx.from
		tx.send("hi there otter")
		tx.send("stop")
		tx.post(tx.form("forged", newSid()), "bad")
		r, err := http.Get(srv.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		got := string(b)
		for _, want := range []string{
			`textline_webhooks_total{outcome="replied"} 1`,
			`textline_webhooks_total{outcome="silent"} 1`,
			`textline_webhooks_total{outcome="forbidden"} 1`,
			"textline_webhook_seconds_count 2",
			"go_goroutines",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		for _, secret := range []string{number[2:], "otter"} {
			if strings.Contains(got, secret) {
				t.Errorf("/metrics carries %q", secret)
			}
		}
	})
}

func TestMediaOnly(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		srv := start(t, serveEnv(t, redisURL), "serve")
		tx := newTexter(t, srv, testToken)
		tx.send("hi")
		form := tx.form("", newSid())
		form.Set("NumMedia", "1")
		form.Set("MediaUrl0", "https://api.twilio.com/media/ME1")
		form.Set("MediaContentType0", "image/jpeg")
		_, reply := tx.post(form, twiliotest.Sign(testToken, srv.signURL("/twilio/sms"), form))
		if !strings.Contains(reply, "only read text") {
			t.Errorf("media-only message got %q", reply)
		}
	})
}
