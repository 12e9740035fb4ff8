//go:build unix

package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/textline/textline/bot/twilio/twiliotest"
	"github.com/textline/textline/content"
)

// chaosPublicURL is the chaos test's PUBLIC_URL: what Twilio signs.
const chaosPublicURL = "https://chaos.example.org"

// webhook sends texts to the line as Twilio does, signed for PUBLIC_URL.
type webhook struct {
	target  string
	client  *http.Client
	resent  atomic.Int64 // requests sent again while serve restarted
	slowest atomic.Int64 // the longest answer, in nanoseconds
	// restarting is set while serve stops and starts again.
	restarting atomic.Bool
}

func newWebhook(target string) *webhook {
	// A connection per request: none is left idle for a stopping server
	// to close under the next one.
	return &webhook{target: target, client: &http.Client{
		Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}
}

// text sends body from `from` and returns the reply; an answer other than
// 200 is an error. While serve restarts, a request that got no answer at
// all is sent again as it was, for up to 20 s, as a load balancer would:
// nothing listened, or the stopping server closed the connection without
// reading it, or read it after its shutdown began, which net/http answers
// by closing the connection. The line answers a MessageSid once, so a
// request sent again is never handled twice.
func (w *webhook) text(from, body string) (string, error) {
	reply, _, err := w.send(from, body)
	return reply, err
}

// send is text, and also returns the MessageSid.
func (w *webhook) send(from, body string) (reply, sid string, err error) {
	sid = newSid()
	reply, err = w.post(from, body, sid)
	return reply, sid, err
}

func (w *webhook) post(from, body, sid string) (string, error) {
	form := smsForm(from, body, sid)
	sig := twiliotest.Sign(testToken, chaosPublicURL+"/twilio/sms", form)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		req, err := http.NewRequest(http.MethodPost, w.target, strings.NewReader(form.Encode()))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sig)
		began := time.Now()
		resp, err := w.client.Do(req)
		if err != nil {
			unanswered := errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)
			if !w.restarting.Load() || !unanswered || time.Now().After(deadline) {
				return "", fmt.Errorf("%q from %s: %w", body, from, err)
			}
			w.resent.Add(1)
			continue
		}
		for took := int64(time.Since(began)); ; {
			old := w.slowest.Load()
			if took <= old || w.slowest.CompareAndSwap(old, took) {
				break
			}
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return "", fmt.Errorf("%q from %s answered %d", body, from, resp.StatusCode)
		}
		return twimlReply(resp)
	}
}

// lines are the texts of the content library that replies are read by.
type lines struct {
	welcome, asked, joined, alertsHead string
	fallbacks                          []string
	tips                               []string
}

func linesOf(t *testing.T) lines {
	t.Helper()
	lib, err := content.Load(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	en := content.English
	l := lines{
		welcome: lib.Text(en, "welcome"), asked: lib.Text(en, "handoff.asked"), joined: lib.Text(en, "handoff.joined"),
		alertsHead: lib.Text(en, "responder.alerts"),
		fallbacks:  []string{lib.Text(en, "fallback"), lib.Text(en, "crisis.fallback")},
	}
	for _, tip := range lib.Tips(en) {
		l.tips = append(l.tips, tip.Text)
	}
	for _, f := range l.fallbacks {
		if !strings.Contains(f, "988") {
			t.Fatalf("the fallback %q lacks 988", f)
		}
	}
	return l
}

func (l lines) fallback(reply string) bool { return slices.Contains(l.fallbacks, reply) }

// tip is the tip a reply shows, -1 for none.
func (l lines) tip(reply string) int {
	for i, tip := range l.tips {
		if reply == tip || strings.HasPrefix(reply, tip+"\n") {
			return i
		}
	}
	return -1
}

// Alerts on a responder's phone: one alone, or several in one message
// under a head, one a line.
var (
	alertOne  = regexp.MustCompile(`^Textline: ([A-Z0-9]+) needs a person \(([a-z_]+), ([a-z]+)\)`)
	alertLine = regexp.MustCompile(`^([A-Z0-9]+) \(([a-z_]+), ([a-z]+)\)$`)
)

// alerted is what a phone was told of one handle.
type alerted struct {
	category string
	times    int
	first    time.Time
}

// alertsTo reads the alerts among sent to phone, by handle.
func (l lines) alertsTo(sent []twiliotest.Sent, phone string) map[string]*alerted {
	out := map[string]*alerted{}
	note := func(handle, category string, at time.Time) {
		a := out[handle]
		if a == nil {
			a = &alerted{category: category, first: at}
			out[handle] = a
		}
		a.times++
	}
	for _, s := range sent {
		if s.To != phone {
			continue
		}
		if m := alertOne.FindStringSubmatch(s.Body); m != nil {
			note(m[1], m[2], s.At)
			continue
		}
		head, rest, _ := strings.Cut(s.Body, "\n")
		if head != l.alertsHead {
			continue
		}
		for _, line := range strings.Split(rest, "\n") {
			if m := alertLine.FindStringSubmatch(line); m != nil {
				note(m[1], m[2], s.At)
			}
		}
	}
	return out
}

// crisisHandles are the handles a phone was alerted to for a crisis, not
// a plain request for a person.
func crisisHandles(alerts map[string]*alerted) []string {
	var out []string
	for h, a := range alerts {
		if a.category != "request" {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out
}

// said is one numbered message of a held conversation, and whether the
// line answered it normally (not with the fallback).
type said struct {
	n      int
	normal bool
}

// relayed are the numbers of the messages that reached phone with prefix,
// in the order they came.
func relayed(sent []twiliotest.Sent, phone, prefix string) []int {
	var out []int
	for _, s := range sent {
		if rest, ok := strings.CutPrefix(s.Body, prefix); ok && s.To == phone {
			n, err := strconv.Atoi(rest)
			if err != nil {
				n = -1
			}
			out = append(out, n)
		}
	}
	return out
}

// missing are the messages answered normally that are not in got.
func missing(sent []said, got []int) []int {
	var out []int
	for _, s := range sent {
		if s.normal && !slices.Contains(got, s.n) {
			out = append(out, s.n)
		}
	}
	return out
}

// checkRelay checks what one side of a held conversation sent against
// what reached the other: each message answered normally arrived once;
// none, answered normally or not, arrived twice or after a later one.
func checkRelay(t *testing.T, what string, sent []said, got []int) {
	t.Helper()
	seen, last := map[int]bool{}, 0
	for _, n := range got {
		switch {
		case n < 1 || n > len(sent):
			t.Errorf("%s %d arrived, and was never sent", what, n)
		case seen[n]:
			t.Errorf("%s %d arrived twice (arrived in order %v)", what, n, got)
		case n < last:
			t.Errorf("%s %d arrived after %d (arrived in order %v)", what, n, last, got)
		}
		seen[n], last = true, max(last, n)
	}
	if lost := missing(sent, got); len(lost) > 0 {
		t.Errorf("%s %v were answered normally and never arrived (arrived in order %v)", what, lost, got)
	}
}
