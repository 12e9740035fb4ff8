// Command textline-load sends signed Twilio webhooks to a Textline on this
// machine from many made-up texters at once, and reports messages per
// second and latency percentiles. It is bounded: it stops after -n
// messages or -d, whichever comes first, and only talks to loopback
// addresses.
//
//	textline-load -url http://127.0.0.1:8080/twilio/sms -token $TWILIO_AUTH_TOKEN -c 64 -texters 5000 -n 200000
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
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
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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
	client := &http.Client{
		Timeout: o.timeout,
		Transport: &http.Transport{
			MaxIdleConns:        o.concurrency,
			MaxIdleConnsPerHost: o.concurrency,
			IdleConnTimeout:     30 * time.Second,
		},
	}
	run := time.Now().UnixNano()
	var next atomic.Int64
	var mu sync.Mutex
	res := &result{}
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < o.concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			// Worker w speaks for texters w, w+c, w+2c…: each texter sends its
			// next line only once its last one was answered, as a person would.
			var own []int
			for t := w; t < o.texters; t += o.concurrency {
				own = append(own, t)
			}
			if len(own) == 0 {
				own = []int{w % o.texters}
			}
			lat := make([]time.Duration, 0, o.messages/o.concurrency+1)
			failed, firstErr := 0, ""
			for i := 0; ctx.Err() == nil; i++ {
				n := next.Add(1)
				if n > int64(o.messages) {
					break
				}
				texter := own[i%len(own)]
				body := bodies[(i/len(own))%len(bodies)]
				from := fmt.Sprintf("+1555%07d", texter)
				sid := fmt.Sprintf("SMload%x%08d", run, n)
				began := time.Now()
				err := send(ctx, client, o, from, sid, body)
				if err != nil {
					failed++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				lat = append(lat, time.Since(began))
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.failed += failed
			if res.firstErr == "" {
				res.firstErr = firstErr
			}
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	res.took = time.Since(start)
	res.sent = len(res.latencies)
	if res.sent == 0 && res.failed > 0 {
		return nil, fmt.Errorf("every request failed, the first with: %s", res.firstErr)
	}
	return res, nil
}

func send(ctx context.Context, client *http.Client, o options, from, sid, body string) error {
	form := url.Values{
		"AccountSid": {"AC00000000000000000000000000000000"}, "MessageSid": {sid}, "SmsSid": {sid},
		"From": {from}, "To": {"+15005550006"}, "Body": {body}, "NumMedia": {"0"}, "NumSegments": {"1"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.target, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if o.token != "" {
		req.Header.Set("X-Twilio-Signature", sign(o.token, o.signURL, form))
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	if !strings.Contains(string(reply), "<Message>") {
		return fmt.Errorf("no message in the reply: %.200s", reply)
	}
	if strings.Contains(string(reply), "having trouble") {
		return errors.New("the line answered with its fallback")
	}
	return nil
}

// sign is Twilio's request signature (X-Twilio-Signature).
func sign(token, u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := hmac.New(sha1.New, []byte(token))
	io.WriteString(m, u)
	for _, k := range keys {
		io.WriteString(m, k+form.Get(k))
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
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
