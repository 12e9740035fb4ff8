package twilio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
)

// StatusSink records what Twilio says about a message or call Textline
// sent.
type StatusSink interface {
	// Status records s; an error that wraps ErrUnknownRef says no retry
	// could help.
	Status(ctx context.Context, s Status) error
}

// ErrUnknownRef: a status names nothing Textline could have sent. The
// callback answers 400, so that Twilio does not try again.
var ErrUnknownRef = errors.New("twilio: status for nothing Textline sent")

// Status is one report from Twilio on a message or call.
type Status struct {
	Ref       string // the "o" query parameter Textline put on the callback URL
	SID       string // MessageSid or CallSid
	Status    string // MessageStatus or CallStatus: "delivered", "failed", "completed"…
	ErrorCode int    // Twilio's ErrorCode; 0 when there is none
}

// StatusHandler is the status callback, POST /twilio/status.
type StatusHandler struct {
	verify *Verifier
	sink   StatusSink
	// Log gets a line for each request refused or not recorded, without
	// numbers; nil means slog.Default().
	Log *slog.Logger
}

// NewStatus returns the callback: verify checks each request's signature,
// sink records the reports.
func NewStatus(verify *Verifier, sink StatusSink) *StatusHandler {
	return &StatusHandler{verify: verify, sink: sink}
}

// ServeHTTP answers 204 once the sink has the report, 400 when it names
// nothing Textline sent, and 500 when the sink fails, so that Twilio
// tries again.
func (h *StatusHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Verify.
	form, status, err := SignedForm(w, r, h.verify)
	if status == http.StatusMethodNotAllowed {
		w.WriteHeader(status)
		return
	}
	if err != nil {
		h.refuse(w, r, status, err)
		return
	}
	// Decode.
	s, err := decodeStatus(r.URL.Query().Get("o"), form)
	if err != nil {
		h.refuse(w, r, http.StatusBadRequest, err)
		return
	}
	// Delegate.
	if err := h.sink.Status(r.Context(), s); errors.Is(err, ErrUnknownRef) {
		h.refuse(w, r, http.StatusBadRequest, err)
		return
	} else if err != nil {
		h.log().LogAttrs(r.Context(), slog.LevelError, "status not recorded",
			slog.String("ref", s.Ref), slog.String("sid", s.SID), slog.String("status", s.Status), slog.Any("error", err))
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	// Write.
	w.WriteHeader(http.StatusNoContent)
}

func decodeStatus(ref string, form Form) (Status, error) {
	s := Status{Ref: ref, SID: form.Get("MessageSid"), Status: form.Get("MessageStatus")}
	if s.SID == "" {
		s.SID = form.Get("CallSid")
	}
	if s.Status == "" {
		s.Status = form.Get("CallStatus")
	}
	if s.Ref == "" || s.SID == "" {
		return s, errors.New("missing o, or MessageSid and CallSid")
	}
	if code := form.Get("ErrorCode"); code != "" {
		n, err := strconv.Atoi(code)
		if err != nil {
			return s, fmt.Errorf("bad ErrorCode: %w", err)
		}
		s.ErrorCode = n
	}
	return s, nil
}

// refuse answers a request that records nothing, and says why in the log.
func (h *StatusHandler) refuse(w http.ResponseWriter, r *http.Request, status int, err error) {
	h.log().LogAttrs(r.Context(), slog.LevelWarn, "status callback refused", slog.Int("status", status), slog.Any("error", err))
	w.WriteHeader(status)
}

func (h *StatusHandler) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}
