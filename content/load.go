package content

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed *.yaml en/*.yaml es/*.yaml triage/concepts/*.yaml triage/rules/*.yaml triage/*.model understand/*.yaml understand/concepts/*.yaml understand/*.model
var embedded embed.FS

// Embedded returns the content shipped inside the binary.
func Embedded() fs.FS { return embedded }

// Lang is a language the line speaks.
type Lang string

// The languages every text must exist in.
const (
	English Lang = "en"
	Spanish Lang = "es"
)

// Langs lists the languages in the order they are checked.
var Langs = []Lang{English, Spanish}

// Helpline names the line and who runs it (line.yaml).
type Helpline struct {
	Name    string `yaml:"name"`
	Contact string `yaml:"contact"`
}

// Tip is one coping tip.
type Tip struct {
	ID   string `yaml:"id"`
	Text string `yaml:"text"`
}

// Library is the loaded, validated content.
type Library struct {
	Helpline  Helpline
	Vocab     Vocab
	Directory Directory
	Triage    Triage
	// Understanding is what free text is read with (bot/understand).
	Understanding Understanding
	msgs          map[Lang]map[string]string
	tips          map[Lang][]Tip
	groups        []Group
	zip3          map[string]string
	places        *places
}

// Text returns the message id in lang, or "" when there is none.
func (l *Library) Text(lang Lang, id string) string {
	if t, ok := l.msgs[lang][id]; ok {
		return t
	}
	return l.msgs[English][id]
}

// Has reports whether id exists in lang.
func (l *Library) Has(lang Lang, id string) bool {
	_, ok := l.msgs[lang][id]
	return ok
}

// IDs returns every message id of lang, sorted.
func (l *Library) IDs(lang Lang) []string {
	ids := make([]string, 0, len(l.msgs[lang]))
	for id := range l.msgs[lang] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Tips returns the coping tips of lang, in the order they are shown.
func (l *Library) Tips(lang Lang) []Tip { return l.tips[lang] }

// Problem is one thing wrong with the content, with where it is.
type Problem struct {
	File string // relative to the content folder
	Item string // the message id, tip id, group id or key
	Msg  string
}

func (p Problem) String() string {
	if p.Item == "" {
		return p.File + ": " + p.Msg
	}
	return fmt.Sprintf("%s: %s: %s", p.File, p.Item, p.Msg)
}

// Problems is every problem found, reported together.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Load reads and validates the content in fsys. The error, when the content
// is broken, is a Problems listing everything found.
func Load(fsys fs.FS) (*Library, error) {
	l := &Library{msgs: map[Lang]map[string]string{}, tips: map[Lang][]Tip{}}
	var ps Problems
	add := func(file string, err error) {
		var te *yaml.TypeError
		switch {
		case errors.As(err, &te):
			// One problem per field, each with its line.
			for _, e := range te.Errors {
				ps = append(ps, Problem{File: file, Msg: e})
			}
		case err != nil:
			ps = append(ps, Problem{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")})
		}
	}
	add("line.yaml", decode(fsys, "line.yaml", &l.Helpline))
	add("vocab.yaml", decode(fsys, "vocab.yaml", &l.Vocab))
	add("directory.yaml", decode(fsys, "directory.yaml", &l.Directory))
	add("triage", loadTriage(fsys, &l.Triage))
	add("understand", loadUnderstanding(fsys, &l.Understanding))
	for _, lang := range Langs {
		file := string(lang) + "/messages.yaml"
		var m map[string]string
		add(file, decode(fsys, file, &m))
		l.msgs[lang] = m
		file = string(lang) + "/tips.yaml"
		var tips []Tip
		add(file, decode(fsys, file, &tips))
		l.tips[lang] = tips
	}
	var g struct {
		Groups []Group `yaml:"groups"`
	}
	add("groups.yaml", decode(fsys, "groups.yaml", &g))
	l.groups = g.Groups
	var z map[string][]string
	add("zip3.yaml", decode(fsys, "zip3.yaml", &z))
	var cities cityFile
	add("cities.yaml", decode(fsys, "cities.yaml", &cities))
	var states map[string][]string
	add("states.yaml", decode(fsys, "states.yaml", &states))
	if len(ps) > 0 {
		return nil, ps
	}
	l.fill()
	var zp Problems
	l.zip3, zp = buildZIP3(z)
	ps = append(ps, zp...)
	l.places, zp = buildPlaces(cities, states, l.zip3)
	ps = append(ps, zp...)
	ps = append(ps, l.validate()...)
	if len(ps) > 0 {
		return nil, ps
	}
	l.Vocab.compile()
	return l, nil
}

// fill writes in the placeholders that come from line.yaml.
func (l *Library) fill() {
	vars := Vars{"line_name": l.Helpline.Name, "contact": l.Helpline.Contact}
	for _, m := range l.msgs {
		for id, t := range m {
			m[id] = vars.fill(t)
		}
	}
}

// Vars are the values of a text's placeholders, by name: "handle" fills
// {handle}.
type Vars map[string]string

// fill writes vars into t in one pass: a value is put in as it is, and
// braces in it (a texter's own words) are never read as placeholders.
func (v Vars) fill(t string) string {
	pairs := make([]string, 0, 2*len(v))
	for name, val := range v {
		pairs = append(pairs, "{"+name+"}", val)
	}
	return strings.NewReplacer(pairs...).Replace(t)
}

// Render is the text id in lang, or in English when lang lacks it, with
// its placeholders filled from vars: the one way every text that has
// placeholders is written.
func (l *Library) Render(lang Lang, id string, vars Vars) string {
	return vars.fill(l.Text(lang, id))
}

// decode reads one YAML file strictly: unknown keys are errors.
func decode(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty file")
		}
		return err
	}
	return nil
}
