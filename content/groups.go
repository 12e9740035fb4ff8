package content

import (
	"fmt"
	"strconv"
	"strings"
)

// Group is one entry of the support-group directory (groups.yaml).
type Group struct {
	ID     string          `yaml:"id"`
	Name   string          `yaml:"name"`
	Kinds  []GroupKind     `yaml:"kinds"`
	States []string        `yaml:"states"`
	ZIPs   []string        `yaml:"zips"`
	URL    string          `yaml:"url"`
	About  map[Lang]string `yaml:"about"`
}

// GroupKind is a kind of group a texter can ask for.
type GroupKind string

// The kinds of group.
const (
	KindPeer   GroupKind = "peer"
	KindFamily GroupKind = "family"
	KindOnline GroupKind = "online"
)

// National reports whether the group is open to anyone, wherever they are.
func (g Group) National() bool { return len(g.States) == 0 && len(g.ZIPs) == 0 }

func (g Group) has(kind GroupKind) bool {
	for _, k := range g.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Listing renders the group as one line of a reply.
func (g Group) Listing(lang Lang) string {
	about := g.About[lang]
	if about == "" {
		about = g.About[English]
	}
	return fmt.Sprintf("%s: %s %s", g.Name, about, strings.TrimPrefix(g.URL, "https://"))
}

// Place is where a texter looks for groups: a state, and the ZIP prefix
// when they gave a ZIP code.
type Place struct {
	State string
	ZIP3  string
}

// PlaceOf reads the place a folded message names in answer to "where
// should I look?": a state's code as the whole message ("IN", "OK"), or
// what FindPlace finds in it.
func (l *Library) PlaceOf(folded string) (Place, bool) {
	words := strings.FieldsFunc(folded, notWord)
	if len(words) == 1 && l.places.codes[words[0]] {
		return Place{State: strings.ToUpper(words[0])}, true
	}
	p, _, ok := l.FindPlace(words)
	return p, ok
}

// Groups returns up to max groups of kind for place: the ones listed for
// the ZIP prefix first, then the state's, then national ones. local reports
// whether any regional group was found. An empty place asks for national
// groups only.
func (l *Library) Groups(kind GroupKind, p Place, max int) (out []Group, local bool) {
	pick := func(match func(Group) bool) {
		for _, g := range l.groups {
			if len(out) < max && g.has(kind) && match(g) {
				out = append(out, g)
			}
		}
	}
	if p.ZIP3 != "" {
		pick(func(g Group) bool { return contains(g.ZIPs, p.ZIP3) })
	}
	if p.State != "" {
		pick(func(g Group) bool { return contains(g.States, p.State) && !contains(g.ZIPs, p.ZIP3) })
	}
	local = len(out) > 0
	pick(Group.National)
	return out, local
}

// AllGroups returns the whole directory.
func (l *Library) AllGroups() []Group { return l.groups }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// buildZIP3 expands zip3.yaml's ranges into a prefix → state table.
func buildZIP3(states map[string][]string) (map[string]string, Problems) {
	out := map[string]string{}
	var ps Problems
	bad := func(st, msg string) { ps = append(ps, Problem{File: "zip3.yaml", Item: st, Msg: msg}) }
	for st, ranges := range states {
		if len(st) != 2 || strings.ToUpper(st) != st {
			bad(st, "state must be a two-letter upper-case code")
		}
		for _, r := range ranges {
			lo, hi, isRange := strings.Cut(r, "-")
			if !isRange {
				hi = lo
			}
			a, errA := strconv.Atoi(lo)
			b, errB := strconv.Atoi(hi)
			if errA != nil || errB != nil || len(lo) != 3 || len(hi) != 3 || a > b {
				bad(st, fmt.Sprintf("range %q must be NNN or NNN-NNN", r))
				continue
			}
			for n := a; n <= b; n++ {
				p := fmt.Sprintf("%03d", n)
				if other, dup := out[p]; dup {
					bad(st, fmt.Sprintf("prefix %s is also listed for %s", p, other))
				}
				out[p] = st
			}
		}
	}
	return out, ps
}
