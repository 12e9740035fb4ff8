//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

const (
	// crisisText escalates by itself: the human line must hear of it.
	crisisText = "i want to kill myself tonight"
	// redisStall is how long Redis is frozen.
	redisStall = 3 * time.Second
	// alertBound is the acceptance bound: a crisis answered while Redis
	// stalled reaches every responder's phone within it of Redis running
	// again.
	alertBound = 5 * time.Second
	walkers    = 20
	// chaosHashKey pseudonymises numbers in the logs.
	chaosHashKey = "chaos"
)

var chaosResponders = []string{"+15550009101", "+15550009102", "+15550009103"}

func chaosTexter(i int) string { return fmt.Sprintf("+1555020%04d", i) }

// chaos is the chaos test's view of the line: its Redis, its serve
// processes, its webhook, the phones the fake Twilio sent to, and the
// texts replies are read by.
type chaos struct {
	t       *testing.T
	rds     *redisServer
	env     map[string]string
	servers []*server // the one running last
	hook    *webhook
	api     *twiliotest.Fake
	say     lines
}

// TestChaos puts the line under load from 30 texters while its Redis
// stalls for 3 s, is killed and started again on its files, and serve
// itself is stopped and started again; then it checks that no crisis was
// lost or alerted twice, that no texter moved a step they were not told
// of, and that no relayed message was lost, repeated or reordered
// (docs/ARCHITECTURE.md, "Failures").
func TestChaos(t *testing.T) {
	began := time.Now()
	c := newChaos(t)
	person, staff := chaosTexter(0), chaosResponders[0]
	handle := c.hold(person, staff)
	calm, stalled, down := c.crisisTexters(1, "redis up"), c.crisisTexters(4, "redis stalled"), c.crisisTexters(7, "redis down")
	crises := slices.Concat(calm, stalled, down)
	for _, ct := range crises {
		c.welcome(ct.from)
	}
	l := c.load(person, staff)
	defer l.end()

	time.Sleep(time.Second)
	c.crisis(calm)()
	time.Sleep(time.Second)

	// (a) Redis stalls; crisis texts come in meanwhile.
	faults := []fault{{"froze", c.rds.freeze()}}
	answered := c.crisis(stalled)
	time.Sleep(redisStall)
	resumed := c.rds.thaw()
	answered()
	c.fellBack(stalled)
	time.Sleep(2 * time.Second)

	// (b) Redis is killed; crisis texts come in while it is down; it
	// starts again on its files.
	faults = append(faults, fault{"was killed", c.rds.crash()})
	c.crisis(down)()
	c.fellBack(down)
	time.Sleep(500 * time.Millisecond)
	c.rds.start()

	// (c) serve stops and starts again. bot.Later keeps what it has still
	// to tell the human line in memory, and a restart loses it (a limit
	// the architecture states): the restart comes once the crises so far
	// were told.
	if !c.told(len(crises), 20*time.Second) {
		t.Errorf("20s after Redis came back, not every responder was told of %d crises", len(crises))
	}
	time.Sleep(time.Second)
	c.restart()
	time.Sleep(2 * time.Second)
	l.end()
	t.Logf("faults done after %v; Redis ran again %v after the start", time.Since(began), resumed.Sub(began))

	c.checkCrises(crises, stalled, resumed)
	c.checkRelays(handle, person, staff, l.fromTexter, l.fromStaff)
	c.checkSkips(l.walks, faults, c.rds.client())
	c.report(l.walks, crises, l.fromTexter, l.fromStaff)
	for i, s := range c.servers {
		if logs := s.logs.String(); strings.Contains(logs, "human line never told") {
			t.Errorf("serve %d gave up telling the human line:\n%s", i+1, notable(logs))
		}
	}
	t.Logf("the whole run took %v", time.Since(began))
}

// newChaos starts a Redis of the test's own, the fake Twilio, and serve
// with three responders' phones. When the test ends, what they logged
// and kept is written to its artifacts (kept with -artifacts -outputdir
// DIR).
func newChaos(t *testing.T) *chaos {
	api := twiliotest.New(fakeAccount, fakeKey, fakeSecret)
	t.Cleanup(api.Close)
	c := &chaos{t: t, rds: startRedis(t), api: api, say: linesOf(t)}
	c.env = map[string]string{
		"TWILIO_AUTH_TOKEN": testToken, "REDIS_URL": c.rds.URL(), "TEXTLINE_HASH_KEY": chaosHashKey,
		"PUBLIC_URL":         chaosPublicURL,
		"TWILIO_ACCOUNT_SID": fakeAccount, "TWILIO_API_KEY": fakeKey, "TWILIO_API_SECRET": fakeSecret,
		"TWILIO_API_URL": api.URL(), "HANDOFF_PHONES": strings.Join(chaosResponders, ","), "HANDOFF_REMIND": "1h",
	}
	c.servers = []*server{start(t, c.env, "serve")}
	c.hook = newWebhook(c.servers[0].url + "/twilio/sms")
	t.Cleanup(c.keep)
	return c
}

// keep writes what the run logged and kept to the test's artifacts.
func (c *chaos) keep() {
	dir := c.t.ArtifactDir()
	for i, s := range c.servers {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("serve%d.log", i+1)), []byte(s.logs.String()), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "redis.log"), []byte(c.rds.out.String()), 0o644)
	os.CopyFS(filepath.Join(dir, "redis"), os.DirFS(c.rds.dir)) // its append-only files: every write, in order
	if b, err := json.MarshalIndent(c.api.Sent(), "", "  "); err == nil {
		os.WriteFile(filepath.Join(dir, "sent.json"), b, 0o644) // what the fake Twilio took
	}
	if c.t.Failed() {
		for i, s := range c.servers {
			c.t.Logf("serve %d logged, warnings and errors:\n%s", i+1, notable(s.logs.String()))
		}
		c.t.Logf("the whole logs are in %s", dir)
	}
}

// restart stops serve and starts it again on the same port, as a deploy
// does; texters' requests meanwhile are sent again (webhook.text).
func (c *chaos) restart() {
	c.hook.restarting.Store(true)
	defer c.hook.restarting.Store(false)
	last := c.servers[len(c.servers)-1]
	if err := last.stop(); err != nil {
		c.t.Errorf("serve stopped with %v", err)
	}
	env := maps.Clone(c.env)
	u, _ := url.Parse(last.url)
	env["PORT"] = u.Port()
	c.servers = append(c.servers, start(c.t, env, "serve"))
}

// load is the texters' traffic: 20 walking the tips, and both sides of a
// held conversation.
type load struct {
	walks                 []walked
	fromTexter, fromStaff []said
	end                   func() // stops them, and waits
}

func (c *chaos) load(person, staff string) *load {
	l := &load{walks: make([]walked, walkers)}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	l.end = sync.OnceFunc(func() { close(stop); wg.Wait() })
	for i := range l.walks {
		wg.Go(func() { l.walks[i] = c.walk(chaosTexter(10+i), stop) })
	}
	// Numbered "n38", not "38": a bare 22, 38 or 45 reads as a caliber to
	// the triage, and a possible risk is answered as one.
	wg.Go(func() { l.fromTexter = c.converse(person, "texter line n%d", stop) })
	wg.Go(func() { l.fromStaff = c.converse(staff, "responder line n%d", stop) })
	return l
}

// pseudonym is how the logs name a texter.
func (c *chaos) pseudonym(from string) string {
	return bot.NewPseudonymizer([]byte(chaosHashKey)).Texter(from).ID()
}

// welcome has a new texter say HI until the line welcomes them.
func (c *chaos) welcome(from string) {
	c.t.Helper()
	for range 3 {
		reply, err := c.hook.text(from, "hi")
		switch {
		case err != nil:
			c.t.Fatal(err)
		case strings.HasPrefix(reply, c.say.welcome):
			return
		case !c.say.fallback(reply):
			c.t.Fatalf("%s: HI answered %q, want the welcome", from, reply)
		}
	}
	c.t.Fatalf("%s: HI answered with the fallback three times, with Redis up", from)
}

// hold has a texter ask for a person and a responder take them, and
// returns the handle.
func (c *chaos) hold(texter, responder string) string {
	c.t.Helper()
	c.welcome(texter)
	if reply, err := c.hook.text(texter, "PERSON"); err != nil || !strings.HasPrefix(reply, c.say.asked) {
		c.t.Fatalf("PERSON answered %q, %v; want %q", reply, err, c.say.asked)
	}
	var handle string
	if !c.await(10*time.Second, func(sent []twiliotest.Sent) bool {
		for h, a := range c.say.alertsTo(sent, responder) {
			if a.category == "request" {
				handle = h
			}
		}
		return handle != ""
	}) {
		c.t.Fatalf("no alert of the request for a person on %s in 10s: %+v", responder, c.api.Sent())
	}
	if reply, err := c.hook.text(responder, "TAKE "+handle); err != nil || !strings.HasPrefix(reply, "You have "+handle+" ") {
		c.t.Fatalf("TAKE %s answered %q, %v", handle, reply, err)
	}
	if !c.await(10*time.Second, func(sent []twiliotest.Sent) bool {
		return slices.ContainsFunc(sent, func(s twiliotest.Sent) bool { return s.To == texter && s.Body == c.say.joined })
	}) {
		c.t.Fatalf("the texter was not told in 10s that a person joined: %+v", c.api.Sent())
	}
	return handle
}

// converse has one side of the held conversation send numbered words
// until stop. The line relays them and answers nothing, or, when it
// fails, answers the fallback.
func (c *chaos) converse(from, words string, stop <-chan struct{}) []said {
	var out []said
	for n := 1; !stopped(stop); n++ {
		body := fmt.Sprintf(words, n)
		reply, err := c.hook.text(from, body)
		switch {
		case err != nil:
			c.t.Errorf("held conversation: %v", err)
			return out
		case reply == "" || c.say.fallback(reply):
			out = append(out, said{n: n, normal: reply == ""})
		default:
			c.t.Errorf("held conversation: %q answered %q; want nothing, or the fallback", body, reply)
			return out
		}
		pace(stop)
	}
	return out
}

// await polls what the fake Twilio accepted until ok, for at most
// within; it reports whether ok came.
func (c *chaos) await(within time.Duration, ok func([]twiliotest.Sent) bool) bool {
	for deadline := time.Now().Add(within); ; time.Sleep(20 * time.Millisecond) {
		if ok(c.api.Sent()) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// notable are the warnings and errors of a server's log.
func notable(logs string) string {
	var out []string
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"msg":"redis"`) {
			continue // go-redis's own lines: one per failed dial
		}
		if strings.Contains(line, `"level":"WARN"`) || strings.Contains(line, `"level":"ERROR"`) {
			out = append(out, line)
		}
	}
	if len(out) > 300 {
		out = append([]string{fmt.Sprintf("(%d lines before)", len(out)-300)}, out[len(out)-300:]...)
	}
	return strings.Join(out, "\n")
}
