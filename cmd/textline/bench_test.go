package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/redisstore"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

// conversationBodies is what load texters say, round and round: the menu,
// tips, groups and feedback.
var conversationBodies = []string{"hi", "1", "more", "more", "done", "yes", "2", "1", "60614", "menu", "3", "2", "menu"}

// benchLine wires the real service against Redis, as serve does, with
// the pseudonyms of hashKey.
func benchLine(tb testing.TB, rdb redis.UniversalClient, hashKey string) http.Handler {
	tb.Helper()
	ld, err := loadContent("")
	if err != nil {
		tb.Fatal(err)
	}
	c := &config{AuthToken: testToken, HashKey: hashKey, SessionIdle: 24 * time.Hour, PublicURL: "https://line.example.org",
		HandoffPhones: []string{"+15550009001"}}
	l, err := newLine(c, ld, rdb, discardLogger(), false, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return l.handler
}

func signedRequest(from, sid, body string) *http.Request {
	form := url.Values{"MessageSid": {sid}, "From": {from}, "To": {"+15005550006"}, "Body": {body}, "NumMedia": {"0"}}
	req := httptest.NewRequest(http.MethodPost, "/twilio/sms", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twiliotest.Sign(testToken, "https://line.example.org/twilio/sms", form))
	return req
}

// BenchmarkWebhook is the whole webhook path against Redis (REDIS_URL):
// signature, form, engine, store, TwiML; many texters in parallel. The
// requests are signed before the clock starts, so that the figures are
// the server's own.
func BenchmarkWebhook(b *testing.B) {
	rdb, err := openRedis(redistest.URL(b)) // with serve's options
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rdb.Close() })
	hashKey := fmt.Sprintf("bench-%d", rand.Int64())
	h := benchLine(b, rdb, hashKey)
	run := time.Now().UnixNano()
	reqs := make([]benchRequest, b.N)
	for n := range reqs {
		texter := n % 1000
		form := url.Values{"MessageSid": {fmt.Sprintf("SMb%d-%d", run, n)}, "From": {fmt.Sprintf("+1555%07d", texter)},
			"To": {"+15005550006"}, "Body": {conversationBodies[(n/1000)%len(conversationBodies)]}, "NumMedia": {"0"}}
		reqs[n] = benchRequest{body: []byte(form.Encode()), sig: twiliotest.Sign(testToken, "https://line.example.org/twilio/sms", form)}
	}
	b.Cleanup(func() { forgetBench(b, rdb, hashKey, run, len(reqs)) })
	target, _ := url.Parse("/twilio/sms")
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32) // requests wait on Redis; keep the cores busy meanwhile
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &benchWriter{header: http.Header{}}
		for pb.Next() {
			r := reqs[next.Add(1)-1]
			req := &http.Request{Method: http.MethodPost, URL: target, RequestURI: "/twilio/sms", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Host: "127.0.0.1", ContentLength: int64(len(r.body)), Body: io.NopCloser(bytes.NewReader(r.body)),
				Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Twilio-Signature": {r.sig}}}
			w.reset()
			h.ServeHTTP(w, req)
			if w.status != 200 || !bytes.Contains(w.body, []byte("<Message>")) {
				b.Fatalf("status %d: %s", w.status, w.body)
			}
		}
	})
}

// forgetBench deletes what n messages of the benchmark's run stored: each
// texter's session and index of replies, and every reply.
func forgetBench(tb testing.TB, rdb redis.UniversalClient, hashKey string, run int64, n int) {
	pseudo := bot.NewPseudonymizer([]byte(hashKey))
	var keys []string
	for texter := range min(n, 1000) {
		session := redisstore.SessionKey(pseudo.Texter(fmt.Sprintf("+1555%07d", texter)).ID())
		keys = append(keys, session, session+":m")
	}
	for m := range n {
		session := redisstore.SessionKey(pseudo.Texter(fmt.Sprintf("+1555%07d", m%1000)).ID())
		keys = append(keys, fmt.Sprintf("%s:m:SMb%d-%d", session, run, m))
	}
	for len(keys) > 0 {
		batch := keys[:min(len(keys), 1000)]
		keys = keys[len(batch):]
		if err := rdb.Unlink(context.Background(), batch...).Err(); err != nil {
			tb.Errorf("clean up: %v", err)
			return
		}
	}
}

// benchRequest is one signed webhook, ready to send.
type benchRequest struct {
	body []byte
	sig  string
}

// benchWriter is a ResponseWriter that keeps its buffers between
// requests, as a connection of the server does.
type benchWriter struct {
	header http.Header
	status int
	body   []byte
}

func (w *benchWriter) reset() {
	clear(w.header)
	w.status, w.body = 0, w.body[:0]
}

func (w *benchWriter) Header() http.Header { return w.header }
func (w *benchWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *benchWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

func (w *benchWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body = append(w.body, p...)
	return len(p), nil
}

// Every message of a whole conversation costs at most two round trips to
// Redis through the real webhook (docs/ARCHITECTURE.md, "Limits").
func TestRoundTripsPerMessage(t *testing.T) {
	rdb := redistest.Client(t)
	counter := &redistest.RoundTrips{}
	h := benchLine(t, rdb, fmt.Sprintf("bench-%d", rand.Int64()))
	// Load the scripts once, as the first messages of a process do.
	warm := fmt.Sprintf("+1555%07d", (time.Now().UnixNano()+1)%10_000_000)
	for i, body := range []string{"hi", "i want to kill myself", "stop"} {
		h.ServeHTTP(httptest.NewRecorder(), signedRequest(warm, fmt.Sprintf("SMwarm%d-%d", time.Now().UnixNano(), i), body))
	}
	h.ServeHTTP(httptest.NewRecorder(), signedRequest("+15550009001", fmt.Sprintf("SMwarm%d", time.Now().UnixNano()), "TAKE Z9"))
	rdb.AddHook(counter)
	from := fmt.Sprintf("+1555%07d", time.Now().UnixNano()%10_000_000)
	bodies := append([]string{"hello"}, conversationBodies...)
	bodies = append(bodies, "5", "2", "done", "no", "help", "espanol", "1", "i want to kill myself", "si", "stop", "hi", "start", "delete", "delete",
		"person", "hello?", "staff:LIST", "staff:TAKE Z9", "staff:PASS", "stop")
	for i, body := range bodies {
		sender := from
		if s, ok := strings.CutPrefix(body, "staff:"); ok { // a responder's text
			sender, body = "+15550009001", s
		}
		before := counter.Load()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signedRequest(sender, fmt.Sprintf("SMrt%d-%d", time.Now().UnixNano(), i), body))
		if w.Code != 200 {
			t.Fatalf("%q: status %d", body, w.Code)
		}
		if n := counter.Load() - before; n > 2 {
			t.Errorf("%q cost %d round trips, over 2", body, n)
		}
	}
}
