package flows

import (
	"strconv"
	"strings"
)

// Words is what Parse needs to know about the texter's language.
type Words interface {
	// Choices returns the events whose choice words include a folded
	// message, or none.
	Choices(folded string) []Event
	// IsPlace reports whether a folded message is a ZIP code or a state.
	IsPlace(folded string) bool
}

// Parse turns a folded message into the event it picks in state: a
// number picks the step's numbered option, a choice word the event it
// names when the state takes that event. ok is false when the message
// means nothing there; the engine then asks again. Keywords (MENU, HELP,
// STOP, …) and everything the engine reads (a crisis, a request for a
// person) are handled before Parse is called.
func Parse(state State, folded string, w Words) (ev Event, ok bool) {
	switch state {
	case Welcome, Waiting, WithPerson, OptedOut:
		return "", false
	case ConfirmDelete:
		// Only a second DELETE erases; the engine turns it into EvConfirm.
		return EvKeep, true
	case GroupsWhere:
		if w.IsPlace(folded) {
			return EvPlace, true
		}
	}
	if n, ok := number(folded); ok {
		if s, found := steps[state]; found && n >= 1 && n <= len(s.Options) {
			return s.Options[n-1].Event, true
		}
		return "", false
	}
	choices := w.Choices(folded)
	for _, ev := range choices {
		if Chooses(state, ev) {
			return ev, true
		}
	}
	// A choice word of another step ("groups" in the tips step) picks
	// its event where the texter may change their mind to it, when it
	// names exactly one.
	var heard []Event
	for _, ev := range choices {
		if Takes(state, ev) {
			heard = append(heard, ev)
		}
	}
	if len(heard) == 1 {
		return heard[0], true
	}
	return "", false
}

// ByWord lists, for each state, the events that a choice word may pick
// there: the events of its rows that are not the engine's or the human
// line's. Two of them must never share a word (the content's lint checks).
func ByWord(state State) []Event {
	var out []Event
	seen := map[Event]bool{}
	for _, t := range Table {
		if engineEvents[t.Event] || seen[t.Event] || t.Understood {
			continue
		}
		for _, s := range t.From {
			if s == state {
				seen[t.Event] = true
				out = append(out, t.Event)
			}
		}
	}
	return out
}

// engineEvents are fired by the engine or the human line, never by a
// choice word.
var engineEvents = map[Event]bool{
	EvArrive: true, EvReturn: true, EvDistress: true, EvHelper: true, EvCrisis: true, EvUrgent: true,
	EvPossible: true, EvPerson: true, EvPersonOff: true, EvTaken: true, EvPassed: true, EvClosed: true,
	EvLineOff: true, EvQueued: true, EvStop: true, EvStart: true, EvCall: true, EvText: true, EvMenu: true, EvBack: true,
	EvDelete: true, EvConfirm: true, EvKeep: true, EvLanguage: true, EvPlace: true,
	EvFind: true, EvShare: true, EvAbout: true, EvGreet: true, EvThanks: true, EvGoodbye: true,
}

// number reads a number the texter sent as strconv.Atoi does; words,
// which most texts are, are told from numbers by their first character
// without the error Atoi would make of them.
func number(folded string) (int, bool) {
	if folded == "" || !strings.ContainsRune("0123456789+-", rune(folded[0])) {
		return 0, false
	}
	n, err := strconv.Atoi(folded)
	return n, err == nil
}
