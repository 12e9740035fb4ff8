package bot

import (
	"time"

	"github.com/textline/textline/content"
)

// Session is what the line remembers about one texter between messages.
type Session struct {
	State      string       // a flows state; "" for a texter never seen
	Lang       content.Lang // the language the texter reads
	TipNext    int          // how many tips have been shown
	GroupKind  string       // the kind of group being looked for
	Category   string       // the crisis category of the last crisis
	OptedOut   bool         // STOP was sent; nothing goes out until START
	StopHinted bool         // the how-to-STOP hint was given
	Handoff    string       // "", HandoffWaiting or HandoffActive
	Turns      int          // messages handled
	LastSeen   time.Time    // when the last message arrived
}

// New reports whether the texter has never been seen (or was erased).
func (s Session) New() bool { return s.State == "" }
