package bot

import (
	"context"
	"errors"
	"time"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

// HumanLine is the handoff to people (package handoff). It alone knows
// whether a texter is waiting for a person or talking with one: a
// responder's TAKE, PASS and CLOSE change only the line, and the texter's
// session follows at their next message, when the engine hears the line
// first (Session.LineKnows). It does a message's step once.
type HumanLine interface {
	// Hear finds where the line has the texter and does for message id
	// what h plans for that presence, in one step. It refuses, with
	// ErrStale, plans made on a session older than the last message it
	// heard of from the texter, unless h is over just that; the same
	// message heard again is never refused, and answers as the first time.
	Hear(ctx context.Context, texter Texter, id string, h Hearing) (Heard, error)
	// Handoff acts on r.
	Handoff(ctx context.Context, r HandoffRequest) error
}

// Presence is where the human line has a texter.
type Presence uint8

// Presences, as the human line finds them.
const (
	Away   Presence = iota // no handoff, or none since their last message
	Closed                 // their handoff was closed since their last message
	Queued                 // a person was asked for; nobody holds it
	Held                   // a responder holds the conversation
	presences
)

var presenceNames = [presences]string{"away", "closed", "queued", "held"}

func (p Presence) String() string {
	if p < presences {
		return presenceNames[p]
	}
	return "unknown"
}

// Hearing is what the human line is asked before a message from a texter
// it may hold, planned on one version of their session.
type Hearing struct {
	Since time.Time // when the texter's last message came
	Turns int       // how many messages the session had answered
	// Over, when set, is what a refusal (ErrStale) said the line had seen:
	// the session was read again since, and the hearing is taken as
	// current unless the line has heard of another message meanwhile.
	Over  *Seen
	Plans Plans
}

// Seen is the last message the human line heard of from a texter: its id,
// how many messages their session had answered with it, and when the
// line heard of it (by its own clock).
type Seen struct {
	ID    string    `json:"id"`
	Turns int       `json:"turns"`
	At    time.Time `json:"at"`
}

// Heard is what the human line found and did.
type Heard struct {
	Presence Presence
	Kept     bool // the message's words are in a transcript
	Seen     Seen // with ErrStale: what the line had heard of
}

// ErrStale is the human line's refusal of a hearing planned on a session
// older than the last message it heard from the texter: another process
// answered them meanwhile.
var ErrStale = errors.New("the human line heard from the texter since")

// Plans is what one message asks of the human line for each presence the
// line may find: nil for nothing.
type Plans [presences]*HandoffRequest

// HandoffKind is what a message asks of the human line.
type HandoffKind string

// Kinds of HandoffRequest.
const (
	HandoffOpen    HandoffKind = "open"    // a person is needed: open a handoff (or raise it) and keep the message
	HandoffMessage HandoffKind = "message" // a message during a handoff: keep it and relay it
	HandoffCall    HandoffKind = "call"    // the texter asked for a call
	HandoffLeave   HandoffKind = "leave"   // the texter opted out: the handoff ends
	HandoffAlert   HandoffKind = "alert"   // a crisis from an opted-out texter: responders only
	HandoffErase   HandoffKind = "erase"   // DELETE: the texter's transcripts and address go
	HandoffCancel  HandoffKind = "cancel"  // the texter stopped waiting (MENU, BACK, DELETE)
)

// HandoffRequest is one thing the human line must do for a message.
type HandoffRequest struct {
	Kind      HandoffKind
	Texter    Texter `json:"-"` // set from the message, never stored
	To        string // the line's number the texter wrote to
	MessageID string
	Text      string // normalised
	Lang      content.Lang
	Verdict   safety.Verdict
	Reason    string
	OffHours  bool // asked for outside HANDOFF_HOURS: recorded, shown when on duty
	Turns     int  // how many messages the texter's session has answered, this one included
}

// escalates reports whether a verdict calls the human line by itself:
// high or imminent severity (self-harm only when imminent), and the
// categories that always escalate (overdose, child abuse, a medical
// emergency, harm to others), unless the risk is only possible.
func escalates(v safety.Verdict) bool {
	if !v.Crisis() || v.Severity == safety.Possible {
		return false // a possible risk is asked about first; a YES escalates
	}
	switch v.Category {
	case safety.Overdose, safety.ChildAbuse, safety.MedicalEmergency, safety.HarmToOthers:
		return true
	case safety.SelfHarm:
		return v.Severity == safety.Imminent // means at hand, or hurt now
	}
	return v.Severity == safety.High || v.Severity == safety.Imminent
}

// sameStep reports whether r asks of the human line what o asks: the same
// kind, at the same risk. Ids, wording and language may differ.
func sameStep(r, o *HandoffRequest) bool {
	if r == nil || o == nil {
		return r == o
	}
	return r.Kind == o.Kind && r.OffHours == o.OffHours &&
		r.Verdict.Category == o.Verdict.Category && r.Verdict.Severity == o.Verdict.Severity
}
