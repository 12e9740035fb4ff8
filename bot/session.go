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
	StopHinted bool              // the how-to-STOP hint was given
	Turns      int               // messages handled
	LastSeen   time.Time         // when the last message arrived
}

// New reports whether the texter has never been seen (or was erased).
func (s Session) New() bool { return s.Flow.New() }

// OptedOut reports whether the texter sent STOP: nothing goes to them
// until START.
func (s Session) OptedOut() bool { return s.Flow.State() == flows.OptedOut }

// WithLine reports whether the texter is waiting for a person or talking
// with one: their words go to the human line, not to the bot's steps.
func (s Session) WithLine() bool {
	st := s.Flow.State()
	return st == flows.Waiting || st == flows.WithPerson
}
