package flows

import "fmt"

// Position is where one texter is: their state, and what the line's last
// message asked them. Only Fire moves it. The zero Position is a texter
// never seen, who stands in Welcome.
type Position struct {
	state State
	asked Question
}

// State is the texter's state.
func (p Position) State() State {
	if p.state == "" {
		return Welcome
	}
	return p.state
}

// Asked is what the line's last message asked.
func (p Position) Asked() Question { return p.asked }

// New reports whether the texter has never been seen (or was erased).
func (p Position) New() bool { return p.state == "" }

// Fire moves p by ev, when its state takes ev with the human line on or
// off (lineOn), and returns the row it followed. A row that asks nothing
// and stays, or leads to the human line, leaves the last question
// standing: a NO to "are you safe?" is still that, to the bot and to the
// person who joins. ok is false, and p stays
// as it was, when the state does not take ev.
func (p *Position) Fire(ev Event, lineOn bool) (row Transition, ok bool) {
	row, ok = Lookup(ev, p.State(), lineOn, p.asked)
	if !ok {
		return Transition{}, false
	}
	if row.To != "" {
		p.state = row.To
	} else {
		p.state = p.State()
	}
	if row.Asks != AskedNothing || row.To != "" && row.To != Waiting && row.To != WithPerson {
		p.asked = row.Asks
	}
	return row, true
}

// Restore is the Position a store kept: state and asked as Position gave
// them.
func Restore(state State, asked Question) (Position, error) {
	if state == "" {
		return Position{}, nil
	}
	if _, ok := known[state]; !ok {
		return Position{}, fmt.Errorf("flows: unknown state %q", state)
	}
	if asked > AskedRisk {
		return Position{}, fmt.Errorf("flows: unknown question %d", asked)
	}
	return Position{state: state, asked: asked}, nil
}

var known = func() map[State]bool {
	m := map[State]bool{}
	for _, s := range All {
		m[s] = true
	}
	return m
}()

// Equal reports whether p and o are the same position.
func (p Position) Equal(o Position) bool { return p == o }
