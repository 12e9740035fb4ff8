package bot

import (
	"context"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

// HumanLine is the handoff to people (package handoff). The engine tells it
// what a committed message asks for; it is never told twice about one
// message.
type HumanLine interface {
	// Handoff acts on r. It reports whether the texter has an open handoff
	// afterwards.
	Handoff(ctx context.Context, r HandoffRequest) (open bool, err error)
}

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
