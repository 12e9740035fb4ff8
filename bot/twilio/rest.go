package twilio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
	twapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// RESTConfig configures REST. AccountSID with APIKey/APISecret (an API key
// pair; APIKey may be empty to use AccountSID + auth token as the password).
type RESTConfig struct {
	AccountSID, APIKey, APISecret string
	// BaseURL is where the API is: "" means Twilio's
	// (https://api.twilio.com); tests point it at a local fake. It must be
	// an http(s) URL without a path.
	BaseURL string
	// Timeout bounds each request; 0 means 10 seconds.
	Timeout time.Duration
}

// REST sends messages and starts calls through twilio-go's REST client.
//
// twilio-go's requests take no context: REST gives each request its own
// HTTP client, whose transport carries ctx, so cancelling ctx stops a
// request on its way, and Timeout bounds it. That transport also reads
// the Retry-After of a 429, which twilio-go drops. REST is safe for
// concurrent use.
type REST struct {
	account string
	client  client.Client // each request's copy gets its own HTTP client
	base    *url.URL
	timeout time.Duration
}

// twilio-go refuses credentials with anything but letters and digits.
var alphanumeric = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// NewREST returns a REST client for c.
func NewREST(c RESTConfig) (*REST, error) {
	user, pass := c.APIKey, c.APISecret
	if user == "" {
		user = c.AccountSID
	}
	if c.AccountSID == "" || pass == "" {
		return nil, errors.New("twilio rest: account sid and secret are required")
	}
	if !alphanumeric.MatchString(user) || !alphanumeric.MatchString(pass) {
		return nil, errors.New("twilio rest: account sid, api key and secret must be letters and digits")
	}
	base, err := parseBaseURL(c.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("twilio rest: %w", err)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	r := &REST{account: c.AccountSID, client: client.Client{Credentials: client.NewCredentials(user, pass)}, base: base, timeout: timeout}
	r.client.SetAccountSid(c.AccountSID)
	return r, nil
}

// api is the service for one request made under ctx, and what its
// answer said about waiting. It is the service
// twilio.NewRestClientWithParams builds as its Api, without the root
// package, which needs a JWT module this one lacks.
func (r *REST) api(ctx context.Context) (*twapi.ApiService, *answer) {
	a := &answer{}
	cl := r.client
	cl.HTTPClient = &http.Client{
		Transport:     &carry{ctx: ctx, answer: a},
		Timeout:       r.timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return twapi.NewApiServiceWithClient(&baseClient{Client: &cl, base: r.base}), a
}

// answer is what a request's answer said beyond its body.
type answer struct {
	retryAfter time.Duration
}

// carry sends a request under ctx, and notes a 429's Retry-After.
type carry struct {
	ctx    context.Context
	answer *answer
}

func (c *carry) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req.WithContext(c.ctx))
	if err == nil && res.StatusCode == http.StatusTooManyRequests {
		c.answer.retryAfter = parseRetryAfter(res.Header.Get("Retry-After"), time.Now())
	}
	return res, err
}

// maxRetryAfter bounds a wait the provider asks for: a mistaken header
// must not stop the line's messages for hours.
const maxRetryAfter = 5 * time.Minute

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
// It is 0 when there is none or it cannot be read.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil {
		return time.Duration(min(max(n, 0), int(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter)
	}
	return 0
}

// parseBaseURL checks s is an http(s) URL without a path; "" gives nil.
func parseBaseURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("base url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
		return nil, fmt.Errorf("base url %q: want http(s)://host[:port] without a path", s)
	}
	return u, nil
}

// baseClient is twilio-go's client with every request sent to base, when
// set, instead of the host twilio-go names.
type baseClient struct {
	*client.Client
	base *url.URL
}

var _ client.BaseClient = (*baseClient)(nil)

func (c *baseClient) SendRequest(method, rawURL string, data url.Values, headers map[string]any, body ...byte) (*http.Response, error) {
	if c.base != nil {
		u, err := url.Parse(rawURL)
		if err != nil {
			return nil, fmt.Errorf("parse request url: %w", err)
		}
		u.Scheme, u.Host = c.base.Scheme, c.base.Host
		rawURL = u.String()
	}
	return c.Client.SendRequest(method, rawURL, data, headers, body...)
}

// SendSMS sends body to `to` from `from`: an E.164 number, or a Messaging
// Service SID ("MG…"). Twilio posts the message's progress to callback
// when it is not empty. It returns the message SID; errors are *SendError.
func (r *REST) SendSMS(ctx context.Context, to, from, body, callback string) (string, error) {
	p := (&twapi.CreateMessageParams{}).SetPathAccountSid(r.account).SetTo(to).SetBody(body)
	if strings.HasPrefix(from, "MG") {
		p.SetMessagingServiceSid(from)
	} else {
		p.SetFrom(from)
	}
	if callback != "" {
		p.SetStatusCallback(callback)
	}
	api, a := r.api(ctx)
	return send(ctx, "create message", a, func() (*string, error) {
		m, err := api.CreateMessage(p)
		if err != nil {
			return nil, err
		}
		return m.Sid, nil
	})
}

// Call starts a call to `to` from `from` that runs twiml, inline TwiML.
// Twilio posts the call's progress to callback when it is not empty. It
// returns the call SID; errors are *SendError.
func (r *REST) Call(ctx context.Context, to, from, twiml, callback string) (string, error) {
	p := (&twapi.CreateCallParams{}).SetPathAccountSid(r.account).SetTo(to).SetFrom(from).SetTwiml(twiml)
	if callback != "" {
		p.SetStatusCallback(callback)
	}
	api, a := r.api(ctx)
	return send(ctx, "create call", a, func() (*string, error) {
		c, err := api.CreateCall(p)
		if err != nil {
			return nil, err
		}
		return c.Sid, nil
	})
}

// send runs create unless ctx has ended, and turns what it returns into
// a SID or a *SendError.
func send(ctx context.Context, op string, a *answer, create func() (*string, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", &SendError{Err: fmt.Errorf("%s: not sent: %w", op, err)}
	}
	sid, err := create()
	var rest *client.TwilioRestError
	switch {
	case errors.As(err, &rest):
		return "", &SendError{Status: rest.Status, Code: rest.Code, Wait: a.retryAfter, Err: fmt.Errorf("%s: %w", op, err)}
	case err != nil:
		return "", &SendError{Err: fmt.Errorf("%s: %w", op, err)}
	case sid == nil || *sid == "":
		return "", &SendError{Err: fmt.Errorf("%s: answer without a sid", op)}
	}
	return *sid, nil
}

// SendError is why a message or call did not go out. Its Error holds only
// the status, Twilio's error code and a short reason; Err, which may hold
// what Twilio said (phone numbers included), is for errors.As and
// errors.Is, never for logs.
type SendError struct {
	Status int           // the HTTP status Twilio answered with; 0 when there was no readable answer
	Code   int           // Twilio's error code, such as 21610 (unsubscribed recipient)
	Wait   time.Duration // the Retry-After of a 429; 0 when it gave none
	Err    error         // the cause
}

func (e *SendError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("twilio: status %d, error code %d", e.Status, e.Code)
	}
	var netErr net.Error
	switch {
	case errors.As(e.Err, &netErr):
		return "twilio: no answer"
	case errors.Is(e.Err, context.Canceled), errors.Is(e.Err, context.DeadlineExceeded):
		return "twilio: not sent: context ended"
	}
	return "twilio: unreadable answer"
}

func (e *SendError) Unwrap() error { return e.Err }

// Temporary reports whether trying again later may succeed: after 429,
// 5xx, network errors and unreadable answers. Other 4xx answers, such as
// 21610 (unsubscribed recipient) or 21211 (invalid number), are final.
//
// A request that timed out, or whose answer was unreadable, may still
// have been carried out, so trying again may send twice.
func (e *SendError) Temporary() bool {
	return e.Status == 0 || e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// RateLimited reports a 429: the account, not this message, must slow
// down.
func (e *SendError) RateLimited() bool { return e.Status == http.StatusTooManyRequests }

// RetryAfter is how long Twilio asked the account to wait; 0 when it did
// not say.
func (e *SendError) RetryAfter() time.Duration { return e.Wait }
