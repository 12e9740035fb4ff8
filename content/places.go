package content

import (
	"fmt"
	"slices"
	"strings"
)

// City is one of the largest US cities (cities.yaml).
type City struct {
	Name  string   `yaml:"name"`
	State string   `yaml:"state"`
	Also  []string `yaml:"also"` // other names texters use for it
}

// cityFile is cities.yaml.
type cityFile struct {
	Cities []City `yaml:"cities"`
	// Common are names of cities that are also everyday words or first
	// names ("surprise", "charlotte"): they name a place only with the
	// state after them, or as the whole message.
	Common []string `yaml:"common"`
}

// places finds places named in words: cities, state names and codes.
type places struct {
	names  map[string][]string // a folded name of one to four words → the states it may be in, likeliest first
	cities map[string]bool     // names that are cities (a state may follow them)
	common map[string]bool
	codes  map[string]bool // state codes
}

// maxPlaceWords is the most words a place name has.
const maxPlaceWords = 4

// ambiguousCodes are state codes that are also words: they name a state
// only after a city or as the whole message.
var ambiguousCodes = map[string]bool{
	"in": true, "or": true, "me": true, "hi": true, "ok": true, "oh": true, "la": true, "al": true,
	"de": true, "pa": true, "co": true, "ma": true, "mo": true, "id": true, "mi": true, "ms": true,
	"ne": true, "va": true, "wa": true, "ga": true, "ar": true, "vi": true, "gu": true, "mt": true,
}

func buildPlaces(cf cityFile, states map[string][]string, zip3 map[string]string) (*places, Problems) {
	var ps Problems
	bad := func(file, item, msg string) { ps = append(ps, Problem{File: file, Item: item, Msg: msg}) }
	known := map[string]bool{}
	for _, st := range zip3 {
		known[st] = true
	}
	p := &places{names: map[string][]string{}, cities: map[string]bool{}, common: map[string]bool{}, codes: map[string]bool{}}
	add := func(file, item, name, st string) {
		f := Fold(name)
		if f != name || len(strings.Fields(f)) > maxPlaceWords || f == "" {
			bad(file, item, fmt.Sprintf("name %q must be lower case, unaccented words (at most %d)", name, maxPlaceWords))
			return
		}
		if !slices.Contains(p.names[f], st) {
			p.names[f] = append(p.names[f], st)
		}
	}
	for st := range known {
		p.codes[strings.ToLower(st)] = true
	}
	seen := map[string]bool{}
	for _, c := range cf.Cities {
		item := c.Name + ", " + c.State
		if !known[c.State] {
			bad("cities.yaml", item, "state is not in zip3.yaml")
		}
		if seen[item] {
			bad("cities.yaml", item, "listed twice")
		}
		seen[item] = true
		for _, n := range append([]string{Fold(c.Name)}, c.Also...) {
			add("cities.yaml", item, n, c.State)
			p.cities[n] = true
		}
	}
	for _, w := range cf.Common {
		if !p.cities[w] {
			bad("cities.yaml", w, "a common word that names no city")
		}
		p.common[w] = true
	}
	for st, names := range states {
		if !known[st] {
			bad("states.yaml", st, "state is not in zip3.yaml")
		}
		for _, n := range names {
			add("states.yaml", st, n, st)
		}
	}
	return p, ps
}

// FindPlace finds the place a text names, from its words (folded, as
// bot/lexicon gives them): a ZIP code, a city (with its state after it,
// when two share a name: "springfield il"), a state's name, or a state's
// code that is not also a word ("tx", "in el paso tx"; not "in", "me",
// "ok"). written is the place as the text gave it.
func (l *Library) FindPlace(words []string) (p Place, written string, ok bool) {
	for _, w := range words {
		if len(w) == 5 && digits(w) {
			if st, ok := l.zip3[w[:3]]; ok {
				return Place{State: st, ZIP3: w[:3]}, w, true
			}
		}
	}
	pl := l.places
	if pl == nil {
		return Place{}, "", false
	}
	for i := 0; i < len(words); i++ {
		for n := min(maxPlaceWords, len(words)-i); n >= 1; n-- {
			name := strings.Join(words[i:i+n], " ")
			states, found := pl.names[name]
			if !found {
				continue
			}
			end := i + n
			after, k := "", 0
			if end < len(words) && pl.cities[name] {
				after, k = pl.stateAt(words[end:])
			}
			if pl.common[name] && after == "" && len(words) > n {
				break // a word, not a city
			}
			st := states[0]
			if after != "" {
				st = after // a city of that name in that state, or else the state named
				name = strings.Join(words[i:end+k], " ")
			}
			return Place{State: st}, name, true
		}
		if code := words[i]; pl.codes[code] && !ambiguousCodes[code] {
			return Place{State: strings.ToUpper(code)}, code, true
		}
	}
	return Place{}, "", false
}

// stateAt is the state named at the start of words, a code or a state's
// name, and how many words name it; or "".
func (pl *places) stateAt(words []string) (string, int) {
	if pl.codes[words[0]] {
		return strings.ToUpper(words[0]), 1
	}
	for n := min(maxPlaceWords, len(words)); n >= 1; n-- {
		name := strings.Join(words[:n], " ")
		if sts := pl.names[name]; len(sts) > 0 && !pl.cities[name] {
			return sts[0], n
		}
	}
	return "", 0
}
