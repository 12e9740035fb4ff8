package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/textline/textline/bot/redisstore/redistest"
)

// TestResponderCommand adds, lists and removes console responders.
func TestResponderCommand(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		env, _ := handoffEnv(t, redisURL)
		getenv := func(k string) string { return env[k] }
		cmd := func(stdin string, args ...string) (string, error) {
			var out, errb bytes.Buffer
			err := run(context.Background(), append([]string{"responder"}, args...), getenv, strings.NewReader(stdin), &out, &errb)
			return out.String() + errb.String(), err
		}
		if out, err := cmd("correct horse battery\n", "add", "sam"); err != nil || !strings.Contains(out, "added sam") {
			t.Fatalf("add: %q, %v", out, err)
		}
		if out, err := cmd("short\n", "add", "alex"); err == nil {
			t.Errorf("a short password was taken: %q", out)
		}
		if out, _ := cmd("", "list"); out != "sam\n" {
			t.Errorf("list: %q", out)
		}
		if _, err := cmd("", "remove", "sam"); err != nil {
			t.Fatal(err)
		}
		if out, _ := cmd("", "list"); out != "" {
			t.Errorf("list after remove: %q", out)
		}
		if _, err := cmd("", "frobnicate"); err == nil {
			t.Error("an unknown verb was taken")
		}
	})
}

// TestServeConsole: with a console responder and no phones, a request for
// a person reaches the console; the responder signs in, takes it, answers
// (the texter gets it by SMS), and closes it. It runs dev, whose cookies
// are not Secure, so a plain-HTTP test client keeps them.
func TestServeConsole(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		env, api := handoffEnv(t, redisURL)
		var out bytes.Buffer
		if err := run(context.Background(), []string{"responder", "add", "sam"}, func(k string) string { return env[k] },
			strings.NewReader("correct horse battery\n"), &out, &out); err != nil {
			t.Fatal(err)
		}
		srv := start(t, env, "dev")
		tx := newTexter(t, srv, testToken)
		if reply := tx.send("i want to talk to a real person"); !strings.Contains(reply, "988") || !strings.Contains(reply, "person") {
			t.Fatalf("request answered %q", reply)
		}

		jar, _ := cookiejar.New(nil)
		web := &http.Client{Jar: jar}
		page := func(resp *http.Response, err error) string {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d\n%s", resp.Request.URL, resp.StatusCode, b)
			}
			return string(b)
		}
		token := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
		login := page(web.Get(srv.url + "/console/login"))
		queue := page(web.PostForm(srv.url+"/console/login", url.Values{
			"csrf": {token.FindStringSubmatch(login)[1]}, "name": {"sam"}, "password": {"correct horse battery"},
		}))
		m := regexp.MustCompile(`href="/console/c/([A-Z0-9]+)"`).FindStringSubmatch(queue)
		if m == nil {
			t.Fatalf("queue shows no conversation:\n%s", queue)
		}
		handle, csrf := m[1], token.FindStringSubmatch(queue)[1]
		conv := page(web.PostForm(srv.url+"/console/c/"+handle+"/take", url.Values{"csrf": {csrf}}))
		if !strings.Contains(conv, "You hold this conversation") || !strings.Contains(conv, "i want to talk to a real person") {
			t.Fatalf("after TAKE:\n%s", conv)
		}
		joined := api.Wait(t, 1, 5*time.Second)[0]
		if joined.To != tx.from || !strings.Contains(joined.Body, "joined") {
			t.Fatalf("texter got %+v", joined)
		}
		page(web.PostForm(srv.url+"/console/c/"+handle+"/say", url.Values{"csrf": {csrf}, "text": {"Hi, I'm Sam. I'm here."}}))
		if got := api.Wait(t, 2, 5*time.Second)[1]; got.To != tx.from || got.Body != "Hi, I'm Sam. I'm here." {
			t.Fatalf("texter got %+v", got)
		}
		if reply := tx.send("thank you"); reply != "" {
			t.Errorf("texter's words got a bot reply %q", reply)
		}
		if conv := page(web.Get(srv.url + "/console/c/" + handle)); !strings.Contains(conv, "thank you") {
			t.Errorf("the console does not show the texter's answer")
		}
		page(web.PostForm(srv.url+"/console/c/"+handle+"/close", url.Values{"csrf": {csrf}}))
		if got := api.Wait(t, 3, 5*time.Second)[2]; !strings.Contains(got.Body, "1 Coping tips") {
			t.Fatalf("texter got %+v, want the closing message", got)
		}
	})
}

// TestServeHumanLineNeedsStaff: serve offers a person only when someone
// can answer: a console responder (or a phone) at start.
func TestServeHumanLineNeedsStaff(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		env, _ := handoffEnv(t, redisURL)
		off := start(t, env, "serve")
		if reply := newTexter(t, off, testToken).send("PERSON"); strings.Contains(reply, "asking a person") {
			t.Errorf("nobody to answer, yet: %q", reply)
		}
		off.cancel()
		<-off.done
		off.done <- nil // for its cleanup
		var out bytes.Buffer
		if err := run(context.Background(), []string{"responder", "add", "sam"}, func(k string) string { return env[k] },
			strings.NewReader("correct horse battery\n"), &out, &out); err != nil {
			t.Fatal(err)
		}
		on := start(t, env, "serve")
		if reply := newTexter(t, on, testToken).send("PERSON"); !strings.Contains(reply, "asking a person") {
			t.Errorf("with a console responder: %q", reply)
		}
	})
}

// TestShutdownWithConsoleOpen: an open console's event stream does not
// hold up a graceful shutdown.
func TestShutdownWithConsoleOpen(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		env, _ := handoffEnv(t, redisURL)
		var out bytes.Buffer
		if err := run(context.Background(), []string{"responder", "add", "sam"}, func(k string) string { return env[k] },
			strings.NewReader("correct horse battery\n"), &out, &out); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		srv := start(t, env, "dev")
		jar, _ := cookiejar.New(nil)
		web := &http.Client{Jar: jar}
		resp, err := web.Get(srv.url + "/console/login")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(b))[1]
		if resp, err = web.PostForm(srv.url+"/console/login", url.Values{"csrf": {csrf}, "name": {"sam"}, "password": {"correct horse battery"}}); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.url+"/console/events", nil)
		stream, err := web.Do(req)
		if err != nil || stream.StatusCode != 200 {
			t.Fatalf("event stream: %v %v", stream, err)
		}
		defer stream.Body.Close()
		srv.cancel()
		select {
		case err := <-srv.done:
			if err != nil {
				t.Errorf("shutdown with a console open: %v", err)
			}
			srv.done <- nil // for the cleanup
		case <-time.After(10 * time.Second):
			t.Fatal("an open event stream held up the shutdown")
		}
	})
}
