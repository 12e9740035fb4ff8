package twilio_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/twilio"
	"github.com/textline/textline/bot/twilio/twiliotest"
)

// replyEngine answers every message with the same text, as most of the
// line's answers are texts of its content.
type replyEngine struct{}

func (replyEngine) Handle(context.Context, bot.Inbound) (bot.Reply, error) {
	return bot.Reply{Text: "Reply MORE for another tip, MENU for other options, or DONE when you are finished."}, nil
}

func (replyEngine) Fallback(bool) bot.Reply { return bot.Reply{Text: fallbackText} }

// BenchmarkHandler is the adapter's own share of a message: reading the
// form, the signature, decoding, the deadline around the engine, the log
// line and the TwiML, with an engine that does nothing.
func BenchmarkHandler(b *testing.B) {
	v := twilio.NewVerifier(testToken)
	v.PublicURL = publicURL
	h := twilio.NewHandler(replyEngine{}, v, bot.NewPseudonymizer(pseudoKey))
	h.Log = slog.New(slog.NewJSONHandler(io.Discard, nil))
	form := message()
	body := []byte(form.Encode())
	req := httptest.NewRequest(http.MethodPost, webhookPath, nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twiliotest.Sign(testToken, publicURL+webhookPath, form))
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		req.Body = io.NopCloser(bytes.NewReader(body))
		w.status = 0
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
