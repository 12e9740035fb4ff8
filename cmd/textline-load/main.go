// Command textline-load sends signed Twilio webhooks to a Textline on this
// machine from many made-up texters at once, and reports messages per
// second and latency percentiles. It is bounded: it stops after -n
// messages or -d, whichever comes first, and only talks to loopback
// addresses.
//
//	textline-load -url http://127.0.0.1:8080/twilio/sms -token $TWILIO_AUTH_TOKEN -c 64 -texters 5000 -n 200000
//
// Its figures mean most beside those of the floor (./floor): a server that
// does only what any webhook must (read the form, check the signature,
// commit the session through the line's store, answer with TwiML) and
// none of the bot's work. Run the two alternately on the same Redis, as
// other work on the machine moves every figure, and compare pairs run
// close together:
//
//	PUBLIC_URL=http://127.0.0.1:8080 textline serve &
//	floor -addr 127.0.0.1:8090 -public-url http://127.0.0.1:8090 &
//	textline-load -url http://127.0.0.1:8090/twilio/sms -c 32 -d 20s   # floor
//	textline-load -url http://127.0.0.1:8080/twilio/sms -c 32 -d 20s   # serve
//	(and again, in turn)
//
// With PUBLIC_URL set, the server checks signatures made for it: give
// -sign-url when it differs from -url.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/textline/textline/bot/twilio/twiliotest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "textline-load:", err)
			os.Exit(1)
		}
	}
}

type options struct {
	target      string
	signURL     string
	token       string
	concurrency int
	texters     int
	messages    int
	duration    time.Duration
	timeout     time.Duration
}

// bodies is what each made-up texter says, in turn: a walk through the
// menu, tips, groups and feedback that never opts out.
var bodies = []string{"hi", "1", "more", "more", "done", "yes", "2", "1", "60614", "1", "menu", "3", "2", "menu", "5", "4", "menu"}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o := options{}
	fs := flag.NewFlagSet("textline-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.target, "url", "http://127.0.0.1:8080/twilio/sms", "the webhook to load (loopback only)")
	fs.StringVar(&o.signURL, "sign-url", "", "the URL to sign for, when the server has PUBLIC_URL set (default: -url)")
	fs.StringVar(&o.token, "token", getenv("TWILIO_AUTH_TOKEN"), "auth token to sign with; empty sends unsigned requests, for textline dev ($TWILIO_AUTH_TOKEN)")
	fs.IntVar(&o.concurrency, "c", 64, "requests in flight at once")
	fs.IntVar(&o.texters, "texters", 5000, "how many made-up texters send")
	fs.IntVar(&o.messages, "n", 100000, "stop after this many messages")
	fs.DurationVar(&o.duration, "d", time.Minute, "stop after this long")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Second, "give up on one request after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.signURL == "" {
		o.signURL = o.target
	}
	if err := checkLocal(o.target); err != nil {
		return err
	}
	if o.concurrency < 1 || o.texters < 1 || o.messages < 1 {
		return errors.New("-c, -texters and -n must be at least 1")
	}
	r, err := load(ctx, o)
	if err != nil {
		return err
	}
	r.print(stdout, o)
	return nil
}

// checkLocal refuses targets that are not on this machine.
func checkLocal(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-url %s: only loopback addresses (127.0.0.1, ::1, localhost) are loaded", target)
}

type result struct {
	sent, failed int
	took         time.Duration
	latencies    []time.Duration
	firstErr     string
}

func load(ctx context.Context, o options) (*result, error) {
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	target, err := url.Parse(o.target)
	if err != nil {
		return nil, err
	}
	run := time.Now().UnixNano()
	ld := &loader{o: o, target: target, run: run, prefix: 200 + int(run%800)}
	res := &result{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < o.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat, failed, firstErr := ld.work(ctx, w)
			mu.Lock()
			defer mu.Unlock()
			res.latencies = append(res.latencies, lat...)
			res.failed += failed
			if res.firstErr == "" {
				res.firstErr = firstErr
			}
		}()
	}
	wg.Wait()
	res.took = time.Since(start)
	res.sent = len(res.latencies)
	if res.sent == 0 && res.failed > 0 {
		return nil, fmt.Errorf("every request failed, the first with: %s", res.firstErr)
	}
	return res, nil
}

// loader is one run: what the workers share.
type loader struct {
	o      options
	target *url.URL
	run    int64 // makes message ids unique to the run
	prefix int   // each run texts from numbers of its own, so it never
	// meets the sessions an earlier run left mid-conversation
	next atomic.Int64 // messages handed out
}

// work is worker w. It speaks for texters w, w+c, w+2c…: each texter sends
// its next line only once its last one was answered, as a person would.
func (ld *loader) work(ctx context.Context, w int) (lat []time.Duration, failed int, firstErr string) {
	o := ld.o
	var own []int
	for t := w; t < o.texters; t += o.concurrency {
		own = append(own, t)
	}
	if len(own) == 0 {
		own = []int{w % o.texters}
	}
	lat = make([]time.Duration, 0, o.messages/o.concurrency+1)
	c := &conn{target: ld.target, timeout: o.timeout}
	defer c.close()
	for i := 0; ctx.Err() == nil; i++ {
		n := ld.next.Add(1)
		if n > int64(o.messages) {
			break
		}
		from := fmt.Sprintf("+1%03d%07d", ld.prefix, own[i%len(own)])
		sid := fmt.Sprintf("SMload%x%08d", ld.run, n)
		began := time.Now()
		if err := c.send(o, from, sid, bodies[(i/len(own))%len(bodies)]); err != nil {
			failed++
			if firstErr == "" {
				firstErr = err.Error()
			}
			continue
		}
		lat = append(lat, time.Since(began))
	}
	return lat, failed, firstErr
}

// conn is one keep-alive HTTP/1.1 connection that sends webhooks and
// reads their answers, with as little work on this side as it can, so the
// figures measure the server rather than the client.
type conn struct {
	target  *url.URL
	timeout time.Duration
	c       net.Conn
	r       *bufio.Reader
	req     []byte
}

func (c *conn) send(o options, from, sid, body string) error {
	form := url.Values{
		"AccountSid": {"AC00000000000000000000000000000000"}, "MessageSid": {sid}, "SmsSid": {sid},
		"From": {from}, "To": {"+15005550006"}, "Body": {body}, "NumMedia": {"0"}, "NumSegments": {"1"},
	}
	payload := form.Encode()
	c.req = append(c.req[:0], "POST "+c.target.RequestURI()+" HTTP/1.1\r\nHost: "+c.target.Host+
		"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "+strconv.Itoa(len(payload))+"\r\n"...)
	if o.token != "" {
		c.req = append(c.req, "X-Twilio-Signature: "+twiliotest.Sign(o.token, o.signURL, form)+"\r\n"...)
	}
	c.req = append(c.req, "\r\n"+payload...)
	if c.c == nil {
		nc, err := net.DialTimeout("tcp", c.target.Host, c.timeout)
		if err != nil {
			return err
		}
		c.c, c.r = nc, bufio.NewReaderSize(nc, 4096)
	}
	c.c.SetDeadline(time.Now().Add(c.timeout))
	status, reply, err := c.roundTrip()
	if err != nil {
		c.close() // start the next request on a fresh connection
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("status %d", status)
	}
	if !bytes.Contains(reply, []byte("<Message>")) {
		return fmt.Errorf("no message in the reply: %.200s", reply)
	}
	if bytes.Contains(reply, []byte("having trouble")) {
		return errors.New("the line answered with its fallback")
	}
	return nil
}

// roundTrip writes c.req and reads one response with a Content-Length.
func (c *conn) roundTrip() (status int, body []byte, err error) {
	if _, err := c.c.Write(c.req); err != nil {
		return 0, nil, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	if len(line) < 12 {
		return 0, nil, fmt.Errorf("bad status line %q", line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, nil, fmt.Errorf("bad status line %q", line)
	}
	length := -1
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		if k, v, ok := bytes.Cut(h, []byte(":")); ok && strings.EqualFold(string(k), "Content-Length") {
			length, _ = strconv.Atoi(strings.TrimSpace(string(v)))
		}
	}
	if length < 0 {
		return 0, nil, errors.New("response without Content-Length")
	}
	body = make([]byte, length)
	_, err = io.ReadFull(c.r, body)
	return status, body, err
}

func (c *conn) close() {
	if c.c != nil {
		c.c.Close()
		c.c = nil
	}
}

func (r *result) print(w io.Writer, o options) {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
	}
	fmt.Fprintf(w, "messages   %d answered, %d failed, in %s\n", r.sent, r.failed, r.took.Round(time.Millisecond))
	fmt.Fprintf(w, "texters    %d, %d requests in flight\n", o.texters, o.concurrency)
	fmt.Fprintf(w, "rate       %.0f messages/s\n", float64(r.sent)/r.took.Seconds())
	fmt.Fprintf(w, "latency    p50 %s  p90 %s  p99 %s  max %s\n",
		pct(0.50).Round(10*time.Microsecond), pct(0.90).Round(10*time.Microsecond),
		pct(0.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond))
	if r.failed > 0 {
		fmt.Fprintf(w, "first error: %s\n", r.firstErr)
	}
}
