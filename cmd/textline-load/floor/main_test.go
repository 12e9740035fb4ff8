package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/logtest"
	"github.com/textline/textline/bot/redisstore"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

const token = "floor-token"

// start runs the floor on a free port and returns its webhook's URL.
func start(t *testing.T, redisURL, hashKey string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &logtest.Buffer{}
	done := make(chan error, 1)
	args := []string{"-addr", "127.0.0.1:0", "-redis-url", redisURL, "-token", token,
		"-public-url", "https://line.example.org", "-hash-key", hashKey}
	go func() { done <- run(ctx, args, func(string) string { return "" }, out, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, u, ok := strings.Cut(out.String(), "listening on "); ok {
			return strings.TrimSpace(u)
		}
	}
	t.Fatal("the floor did not start")
	return ""
}

// The floor refuses what the webhook refuses, and answers a signed
// message with TwiML after storing the texter's session.
func TestFloor(t *testing.T) {
	hashKey := fmt.Sprintf("floor-%d", rand.Int64())
	redisURL := redistest.URL(t)
	target := start(t, redisURL, hashKey)
	from := fmt.Sprintf("+1555%07d", rand.IntN(10_000_000))
	form := func(from string) url.Values {
		return url.Values{"MessageSid": {fmt.Sprintf("SMfloor%d", rand.Int64())}, "From": {from}, "To": {"+15005550006"}, "Body": {"hi"}}
	}
	signed := "https://line.example.org/twilio/sms"
	for _, c := range []struct {
		name      string
		form      url.Values
		signedFor string
		signature string
		want      int
	}{
		{name: "missing signature", form: form(from), want: http.StatusForbidden},
		{name: "wrong signature", form: form(from), signature: "bm90IGEgc2lnbmF0dXJl", want: http.StatusForbidden},
		{name: "signed for another URL", form: form(from), signedFor: "https://other.example.org/twilio/sms", want: http.StatusForbidden},
		{name: "no sender", form: form(""), signedFor: signed, want: http.StatusBadRequest},
		{name: "a message", form: form(from), signedFor: signed, want: http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(c.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			sig := c.signature
			if c.signedFor != "" {
				sig = twiliotest.Sign(token, c.signedFor, c.form)
			}
			if sig != "" {
				req.Header.Set("X-Twilio-Signature", sig)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, c.want, body)
			}
			if c.want == http.StatusOK && !strings.Contains(string(body), "<Message>"+typicalReply[:20]) {
				t.Errorf("reply %s lacks the message", body)
			}
		})
	}
	o, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(o)
	defer rdb.Close()
	key := redisstore.SessionKey(bot.NewPseudonymizer([]byte(hashKey)).Texter(from).ID())
	defer redistest.DeleteMatching(context.Background(), rdb, key+"*")
	stored, err := rdb.Get(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("session of the texter: %v", err)
	}
	if f := strings.Split(stored, "|"); len(f) < 8 || f[7] != "1" {
		t.Errorf("session %q: want one turn", stored)
	}
}
