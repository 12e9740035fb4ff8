package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/logtest"
	"github.com/textline/textline/bot/redisstore"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

func TestMain(m *testing.M) {
	testscript.Main(redistest.Guard(m), map[string]func(){"textline": main})
}

// server is a running `textline serve` or `textline dev`.
type server struct {
	env    map[string]string
	url    string
	logs   *logtest.Buffer
	cancel context.CancelFunc
	done   chan error
	// stop ends the program as a signal would, once, and returns what run
	// returned.
	stop func() error
}

// start runs the program as main does, on a free port (or on env's PORT
// when set), and waits until it answers /healthz.
func start(t *testing.T, env map[string]string, args ...string) *server {
	t.Helper()
	if env["PORT"] == "" {
		env["PORT"] = "0"
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{env: env, logs: &logtest.Buffer{}, cancel: cancel, done: make(chan error, 1)}
	s.stop = sync.OnceValue(func() error {
		cancel()
		return <-s.done
	})
	getenv := func(k string) string { return env[k] }
	go func() { s.done <- run(ctx, args, getenv, strings.NewReader(""), io.Discard, s.logs) }()
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("run: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for s.url == "" {
		for _, line := range strings.Split(s.logs.String(), "\n") {
			var l struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "listening" {
				s.url = "http://" + l.Addr
			}
		}
		select {
		case err := <-s.done:
			s.done <- nil // for the cleanup, which waits for run to end
			t.Fatalf("run ended before listening: %v\n%s", err, s.logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no listening line in 10s:\n%s", s.logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if r, err := http.Get(s.url + "/healthz"); err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", r, err)
	}
	return s
}

// signURL is the URL Twilio signs for a request to path: under the
// server's PUBLIC_URL, as Twilio calls it.
func (s *server) signURL(path string) string {
	if u := s.env["PUBLIC_URL"]; u != "" {
		return u + path
	}
	return s.url + path
}

// texter sends messages to a server as Twilio would.
type texter struct {
	t     *testing.T
	srv   *server
	from  string
	token string // signs requests when set
}

var sids struct {
	sync.Mutex
	n int
}

func newSid() string {
	sids.Lock()
	defer sids.Unlock()
	sids.n++
	return fmt.Sprintf("SM%032d", time.Now().UnixNano()+int64(sids.n))
}

// post sends one webhook and returns the status and the reply text.
func (tx *texter) post(form url.Values, signature string) (int, string) {
	tx.t.Helper()
	header := http.Header{}
	if signature != "" {
		header.Set("X-Twilio-Signature", signature)
	}
	return tx.postWith(form, header)
}

// postWith sends one webhook with header.
func (tx *texter) postWith(form url.Values, header http.Header) (int, string) {
	tx.t.Helper()
	req, err := http.NewRequest(http.MethodPost, tx.srv.url+"/twilio/sms", strings.NewReader(form.Encode()))
	if err != nil {
		tx.t.Fatal(err)
	}
	req.Header = header.Clone()
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tx.t.Fatal(err)
	}
	reply, err := twimlReply(resp)
	if err != nil {
		tx.t.Fatal(err)
	}
	return resp.StatusCode, reply
}

// twimlReply reads a webhook's answer: one message of TwiML, or none.
func twimlReply(resp *http.Response) (string, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("read the reply: %w", err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		return "", fmt.Errorf("Content-Type %q, want text/xml", ct)
	}
	var doc struct {
		XMLName  xml.Name `xml:"Response"`
		Messages []string `xml:"Message"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("reply is not TwiML: %w\n%s", err, body)
	}
	if len(doc.Messages) > 1 {
		return "", fmt.Errorf("%d messages in one reply; a reply is one message", len(doc.Messages))
	}
	return strings.Join(doc.Messages, ""), nil
}

func (tx *texter) form(body, sid string) url.Values { return smsForm(tx.from, body, sid) }

// smsForm is the form of Twilio's webhook for a message from `from`.
func smsForm(from, body, sid string) url.Values {
	return url.Values{
		"AccountSid": {"AC00000000000000000000000000000000"}, "ApiVersion": {"2010-04-01"},
		"MessageSid": {sid}, "SmsSid": {sid}, "From": {from}, "To": {"+15005550006"},
		"Body": {body}, "NumMedia": {"0"}, "NumSegments": {"1"}, "SmsStatus": {"received"},
	}
}

// send texts body and returns the reply; it fails the test on a non-200.
func (tx *texter) send(body string) string {
	tx.t.Helper()
	form := tx.form(body, newSid())
	sig := ""
	if tx.token != "" {
		sig = twiliotest.Sign(tx.token, tx.srv.signURL("/twilio/sms"), form)
	}
	status, reply := tx.post(form, sig)
	if status != http.StatusOK {
		tx.t.Fatalf("%q: status %d", body, status)
	}
	return reply
}

// newTexter returns a made-up texter of srv that signs with token (none:
// unsigned); what the line kept about them is deleted after the test.
func newTexter(t *testing.T, srv *server, token string) *texter {
	tx := &texter{t: t, srv: srv, from: fmt.Sprintf("+1555%07d", rand.IntN(10_000_000)), token: token}
	t.Cleanup(func() { forget(srv, tx.from) })
	return tx
}

// forget deletes every key of a texter from the server's Redis, if it is
// one that answers.
func forget(srv *server, number string) {
	u, err := url.Parse(srv.env["REDIS_URL"])
	if err != nil || u.Host == "" {
		return
	}
	q := u.Query() // the server may be down: give up soon
	q.Set("dial_timeout", "200ms")
	q.Set("read_timeout", "200ms")
	q.Set("max_retries", "-1")
	u.RawQuery = q.Encode()
	rdb, err := openRedis(u.String())
	if err != nil {
		return
	}
	defer rdb.Close()
	key := srv.env["TEXTLINE_HASH_KEY"]
	if key == "" {
		key = devHashKey
	}
	id := bot.NewPseudonymizer([]byte(key)).Texter(number).ID()
	redistest.DeleteMatching(context.Background(), rdb, redisstore.SessionKey(id)+"*") // best effort: the server may be down
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"copycontent": copyContent,
			"edit":        edit,
		},
	})
}

// copyContent writes the embedded content into a folder: copycontent DIR.
func copyContent(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: copycontent DIR")
	}
	ts.Check(os.CopyFS(ts.MkAbs(args[0]), contentFS("")))
}

// edit replaces text in a file: edit FILE OLD NEW, where \n in NEW is a
// newline.
func edit(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || neg {
		ts.Fatalf("usage: edit FILE OLD NEW")
	}
	file := ts.MkAbs(args[0])
	b, err := os.ReadFile(file)
	ts.Check(err)
	if !bytes.Contains(b, []byte(args[1])) {
		ts.Fatalf("%s does not contain %q", args[0], args[1])
	}
	ts.Check(os.Chmod(file, 0o644))
	ts.Check(os.WriteFile(file, bytes.Replace(b, []byte(args[1]), []byte(strings.ReplaceAll(args[2], `\n`, "\n")), 1), 0o644))
}
