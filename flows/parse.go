package flows

import "strconv"

// Words is what Parse needs to know about the texter's language.
type Words interface {
	// Choice returns the event a folded message picks by name, or "".
	Choice(folded string) string
	// IsPlace reports whether a folded message is a ZIP code or a state.
	IsPlace(folded string) bool
}

// Parse turns a folded message into the event it fires in state. ok is
// false when the message means nothing there; the engine then asks again.
// Keywords (MENU, HELP, STOP, …) are handled before Parse is called.
func Parse(state, folded string, w Words) (event string, ok bool) {
	switch state {
	case Welcome:
		return EvStart, true
	case ConfirmDelete:
		// Only a second DELETE erases; the engine turns it into EvConfirm.
		return EvKeep, true
	case GroupsWhere:
		if w.IsPlace(folded) {
			return EvPlace, true
		}
	}
	if n, err := strconv.Atoi(folded); err == nil {
		if s, found := steps[state]; found && n >= 1 && n <= len(s.Options) {
			return s.Options[n-1].Event, true
		}
		return "", false
	}
	if ev := w.Choice(folded); ev != "" {
		if _, found := Lookup(ev, state); found {
			return ev, true
		}
	}
	return "", false
}
