package main

import (
	"context"
	"fmt"
	"io"
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

// serveEnv is what serve needs, on the Redis at redisURL, with a hash key
// of the test's own, so that no test meets another's sessions on a shared
// Redis.
func serveEnv(t *testing.T, redisURL string) map[string]string {
	return map[string]string{
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
			"another token":      twiliotest.Sign("not-the-token", srv.url+"/twilio/sms", forged),
			"another URL signed": twiliotest.Sign(testToken, "https://evil.example/twilio/sms", forged),
		} {
			if status, reply := tx.post(forged, sig); status != http.StatusForbidden || reply != "" {
				t.Errorf("%s: status %d, reply %q; want 403 and nothing", name, status, reply)
			}
		}
		// Still at the menu: "1" picks tips, as if the forgeries never came.
		form := tx.form("1", newSid())
		sig := twiliotest.Sign(testToken, srv.url+"/twilio/sms", form)
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
		env["PUBLIC_URL"] = "https://line.example.org"
		srv := start(t, env, "serve")
		tx := newTexter(t, srv, "")
		form := tx.form("hi", newSid())
		// Signed for the public URL with the secondary token: accepted.
		if status, _ := tx.post(form, twiliotest.Sign("next-token", "https://line.example.org/twilio/sms", form)); status != 200 {
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
		req.Header.Set("X-Twilio-Signature", twiliotest.Sign(testToken, srv.url+"/twilio/sms", form))
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
		_, reply := tx.post(form, twiliotest.Sign(testToken, srv.url+"/twilio/sms", form))
		if !strings.Contains(reply, "only read text") {
			t.Errorf("media-only message got %q", reply)
		}
	})
}
