package twilio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/textline/textline/bot"
)

// MaxRequestBytes bounds a webhook body. Twilio's form for a 1,600
// character message with its other fields is far smaller.
const MaxRequestBytes = 64 << 10

// Handler is the inbound-message webhook, POST /twilio/sms.
type Handler struct {
	engine  bot.Handler
	pseudo  *bot.Pseudonymizer
	verify  *Verifier
	workers *workers
	// Timeout bounds the engine's answer; past it the fallback is sent.
	// Zero means 2 seconds, inside Twilio's wait and the line's 3.
	Timeout time.Duration
	// Log gets one line per message, with the pseudonym only; nil means
	// slog.Default().
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Observer, when set, is told the outcome of every request.
	Observer Observer
}

// NewHandler returns the webhook for engine: verify checks each request's
// signature (Unverified() only for textline dev), pseudo turns numbers
// into pseudonyms.
func NewHandler(engine bot.Handler, verify *Verifier, pseudo *bot.Pseudonymizer) *Handler {
	return &Handler{engine: engine, verify: verify, pseudo: pseudo, workers: newWorkers(workerIdle)}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			h.log().LogAttrs(r.Context(), slog.LevelError, "webhook panic", slog.String("panic", fmt.Sprint(p)))
			h.observe(FellBack, 0)
			write(w, http.StatusOK, h.engine.Fallback(false).Text)
		}
	}()
	// Verify.
	form, status, err := SignedForm(w, r, h.verify)
	if status == http.StatusMethodNotAllowed {
		write(w, status, "")
		return
	}
	if err != nil {
		h.refuse(w, r, status, err)
		return
	}
	// Decode.
	in, err := h.decode(form)
	if err != nil {
		h.refuse(w, r, http.StatusBadRequest, err)
		return
	}
	// Delegate.
	reply := h.delegate(r.Context(), in)
	// Write.
	write(w, http.StatusOK, reply.Text)
}

// Result is how a webhook went, as told to the Observer.
type Result string

// Results of a webhook.
const (
	Replied    Result = "replied"
	Silent     Result = "silent"   // nothing to send: the texter opted out
	FellBack   Result = "fallback" // the line failed; the fallback, or its own reply, went out
	Forbidden  Result = "forbidden"
	BadRequest Result = "bad_request"
	TooLarge   Result = "too_large"
)

// Observer is told how each webhook went; metrics implement it.
type Observer interface {
	Observe(r Result, took time.Duration)
}

var refusals = map[int]Result{
	http.StatusForbidden:             Forbidden,
	http.StatusBadRequest:            BadRequest,
	http.StatusRequestEntityTooLarge: TooLarge,
}

// refuse answers a request that changes nothing, and says why in the log.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, status int, err error) {
	h.log().LogAttrs(r.Context(), slog.LevelWarn, "webhook refused", slog.Int("status", status), slog.Any("error", err))
	h.observe(refusals[status], 0)
	write(w, status, "")
}

func (h *Handler) observe(r Result, took time.Duration) {
	if h.Observer != nil {
		h.Observer.Observe(r, took)
	}
}

// delegate asks the engine, and answers with the fallback when it fails,
// panics or takes longer than the timeout.
func (h *Handler) delegate(ctx context.Context, in bot.Inbound) bot.Reply {
	start := time.Now()
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	// The engine gets the timeout; the wait below allows it a moment more to
	// give its own fallback, which knows whether the text was a crisis.
	engineCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan result, 1)
	h.workers.run(func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{h.engine.Fallback(false), fmt.Errorf("engine panic: %v", p)}
			}
		}()
		reply, err := h.engine.Handle(engineCtx, in)
		done <- result{reply, err}
	})
	var res result
	select {
	case res = <-done:
	case <-engineCtx.Done():
		// The engine's time is up (or the request's): it may still give
		// its own fallback until the wait's end.
		res = h.await(done, start.Add(timeout+timeout/4))
	}
	if res.err != nil && res.reply.Text == "" {
		res.reply = h.engine.Fallback(false)
	}
	took := time.Since(start)
	var kept [7]slog.Attr // the most a line below has, so that they need no heap
	attrs := append(kept[:0],
		slog.String("texter", in.From.ID()), slog.String("message", in.ID),
		slog.Duration("took", took), slog.Bool("replied", res.reply.Text != ""),
	)
	var failed *bot.Failure
	if errors.As(res.err, &failed) {
		attrs = append(attrs, slog.String("category", string(failed.Verdict.Category)), slog.String("severity", string(failed.Verdict.Severity)))
	}
	switch {
	case res.err != nil:
		h.log().LogAttrs(ctx, slog.LevelError, "message failed", append(attrs, slog.Any("error", res.err))...)
		h.observe(FellBack, took)
	case res.reply.Text == "":
		h.log().LogAttrs(ctx, slog.LevelInfo, "message", attrs...)
		h.observe(Silent, took)
	default:
		h.log().LogAttrs(ctx, slog.LevelInfo, "message", attrs...)
		h.observe(Replied, took)
	}
	return res.reply
}

// result is the engine's answer.
type result struct {
	reply bot.Reply
	err   error
}

// await waits for the engine's answer until the wait's end, and answers
// regardless then.
func (h *Handler) await(done <-chan result, end time.Time) result {
	wait := time.NewTimer(time.Until(end))
	defer wait.Stop()
	select {
	case res := <-done:
		return res
	case <-wait.C:
		return result{h.engine.Fallback(false), errors.New("engine: no answer in time")}
	}
}

func (h *Handler) decode(form Form) (bot.Inbound, error) {
	in := bot.Inbound{
		ID:   form.Get("MessageSid"),
		To:   form.Get("To"),
		Body: form.Get("Body"),
		At:   h.now(),
	}
	if in.ID == "" {
		in.ID = form.Get("SmsSid")
	}
	from := form.Get("From")
	if in.ID == "" || from == "" {
		return in, errors.New("missing MessageSid or From")
	}
	in.From = h.pseudo.Texter(from)
	if n := form.Get("NumMedia"); n != "" {
		in.NumMedia, _ = strconv.Atoi(n)
	}
	return in, nil
}

func (h *Handler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// SignedForm reads a webhook's form and checks its signature. When it
// cannot, it returns the status to answer (405, with Allow set, 413, 400
// or 403) and why.
func SignedForm(w http.ResponseWriter, r *http.Request, verify *Verifier) (Form, int, error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, http.StatusMethodNotAllowed, errors.New("not a POST")
	}
	form, err := readForm(w, r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, err
		}
		return nil, http.StatusBadRequest, err
	}
	if !verify.Verify(r, form) {
		return nil, http.StatusForbidden, errors.New("bad signature")
	}
	return form, http.StatusOK, nil
}

// textXML is the Content-Type of every answer, shared: the header is
// only ever set whole.
var textXML = []string{"text/xml"}

func write(w http.ResponseWriter, status int, text string) {
	w.Header()["Content-Type"] = textXML
	w.WriteHeader(status)
	io.WriteString(w, Reply(text))
}
