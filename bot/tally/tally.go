// Package tally names what the line counts for its reports, and holds a
// day of counts as the console reads them. The engine and the human line
// count; bot/redisstore keeps the counts; the console draws them.
package tally

import (
	"time"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/flows"
)

// Name is a counter's name.
type Name string

// Counters with fixed names.
const (
	ConversationStart Name = "conversation.start" // a first message, or the first after a long time away
	PersonAsked       Name = "handoff.requested"  // a texter asked for a person
	HandoffOpened     Name = "handoff.opened"     // the human line opened a handoff
)

// MenuPick counts a pick from the menu, by the state it led to.
func MenuPick(to flows.State) Name { return Name("menu." + string(to)) }

// Feedback counts an answer to "did this help?".
func Feedback(answer flows.Event) Name { return Name("feedback." + string(answer)) }

// Crisis counts a crisis answered, by category.
func Crisis(c safety.Category) Name { return Name("crisis." + string(c)) }

// Possible counts a possible risk asked about, by category.
func Possible(c safety.Category) Name { return Name("possible." + string(c)) }

// TakeWait counts a handoff taken, by the band of its wait (WaitBands).
func TakeWait(band string) Name { return Name("take.wait." + band) }

// WaitBands are the bands of time to TAKE, shortest first.
var WaitBands = []struct {
	Name string
	Upto time.Duration
}{
	{"1m", time.Minute}, {"3m", 3 * time.Minute}, {"10m", 10 * time.Minute},
	{"30m", 30 * time.Minute}, {"longer", 1<<63 - 1},
}

// WaitBand is the band a wait falls in.
func WaitBand(d time.Duration) string {
	for _, b := range WaitBands {
		if d < b.Upto {
			return b.Name
		}
	}
	return WaitBands[len(WaitBands)-1].Name
}

// Day is one day's counts.
type Day struct {
	Date   time.Time // midnight UTC
	Counts map[Name]int64
}
