package bot

import (
	"time"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// Session is what the line remembers about one texter between messages.
type Session struct {
	Flow       flows.Position    // where the texter is; only flows moves it
	Lang       content.Lang      // the language the texter reads
	TipNext    int               // how many tips have been shown
	GroupKind  content.GroupKind // the kind of group being looked for
	Category   safety.Category   // the crisis category of the last crisis
	Severity   safety.Severity   // the most severe a crisis of theirs was
	StopHinted bool              // the how-to-STOP hint was given
	AskedLater bool              // asked for a person off hours: a responder may take it
	Missed     bool              // the last message was not understood
	Turns      int               // messages handled
	LastSeen   time.Time         // when the last message arrived
}

// keepCrisis remembers a crisis answered: its category, for the texts
// that follow, and the most severe it was.
func (s *Session) keepCrisis(v safety.Verdict) {
	s.Category = v.Category
	if s.Severity == "" || !s.Severity.AtLeast(v.Severity) {
		s.Severity = v.Severity
	}
}

// crisis is the texter's crisis as kept: a handoff opened again for it
// keeps the most severe it was.
func (s Session) crisis() safety.Verdict {
	if s.Severity == "" {
		return safety.Verdict{}
	}
	return safety.Verdict{Category: s.Category, Severity: s.Severity}
}

// New reports whether the texter has never been seen (or was erased).
func (s Session) New() bool { return s.Flow.New() }

// OptedOut reports whether the texter sent STOP: nothing goes to them
// until START.
func (s Session) OptedOut() bool { return s.Flow.State() == flows.OptedOut }

// WithLine reports whether the texter was waiting for a person or talking
// with one at their last message: their words go to the human line, not
// to the bot's steps.
func (s Session) WithLine() bool {
	st := s.Flow.State()
	return st == flows.Waiting || st == flows.WithPerson
}

// LineKnows reports whether the human line may hold the texter now: it
// did at their last message, or they asked for a person off hours. Their
// next message hears the line first (HumanLine.Hear).
func (s Session) LineKnows() bool { return s.WithLine() || s.AskedLater }

// Follow moves the texter to where the human line has them (heard before
// this message): with a person once taken, waiting once passed back, back
// to the menu once closed or gone. The line owns that fact; the session
// follows it only here.
func (s *Session) Follow(p Presence, lineOn bool) {
	st := s.Flow.State()
	switch {
	case p == Held && st != flows.WithPerson:
		s.Flow.Fire(flows.EvTaken, lineOn)
	case p == Queued && st == flows.WithPerson:
		s.Flow.Fire(flows.EvPassed, lineOn)
	case p == Closed && s.WithLine(), p == Away && st == flows.WithPerson:
		// Away and waiting is a handoff that never opened: waiting
		// opens it again.
		s.Flow.Fire(flows.EvClosed, lineOn)
	}
	if p == Away || p == Closed {
		s.AskedLater = false
	}
}
