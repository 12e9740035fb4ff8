package content

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Triage is the crisis-triage lexicon (the triage folder): the signals
// bot/safety looks for and the context markers its rules use.
type Triage struct {
	Emoji   map[string]string      `yaml:"emoji"`
	Signals []Signal               `yaml:"signals"`
	Markers map[string]LangPhrases `yaml:"markers"`
}

// Signal is one kind of crisis (or distress, or helper) language.
type Signal struct {
	ID       string      `yaml:"id"`
	Category string      `yaml:"category"`
	Severity string      `yaml:"severity"`
	Person   string      `yaml:"person"`
	Past     bool        `yaml:"past"`
	Phrases  LangPhrases `yaml:"phrases"`
}

// LangPhrases are phrases by language.
type LangPhrases map[Lang][]string

// TriageMarkers are the marker kinds the rules know.
var TriageMarkers = []string{"negation", "figurative", "imminent", "history", "third_person", "help_seeking", "parent", "minor_age"}

var (
	triageCategories = map[string]bool{
		"suicide_risk": true, "self_harm": true, "overdose": true, "abuse_dv": true, "sexual_assault": true,
		"child_abuse": true, "medical_emergency": true, "harm_to_others": true, "helper": true, "distress": true,
	}
	triageSeverities = map[string]bool{"moderate": true, "high": true, "imminent": true}
	triagePersons    = map[string]bool{"": true, "any": true, "first": true, "third": true}
)

// loadTriage reads triage/markers.yaml and the signals of every other file
// in triage/.
func loadTriage(fsys fs.FS, t *Triage) error {
	if err := decode(fsys, "triage/markers.yaml", t); err != nil {
		return fmt.Errorf("markers.yaml: %w", err)
	}
	files, err := fs.Glob(fsys, "triage/*.yaml")
	if err != nil {
		return err
	}
	for _, f := range files {
		if f == "triage/markers.yaml" {
			continue
		}
		var part struct {
			Signals []Signal `yaml:"signals"`
		}
		if err := decode(fsys, f, &part); err != nil {
			return fmt.Errorf("%s: %w", path.Base(f), err)
		}
		t.Signals = append(t.Signals, part.Signals...)
	}
	return nil
}

func (l *Library) validateTriage() Problems {
	var ps Problems
	bad := func(item, format string, args ...any) {
		ps = append(ps, Problem{File: "triage", Item: item, Msg: fmt.Sprintf(format, args...)})
	}
	t := l.Triage
	seen := map[string]bool{}
	for _, s := range t.Signals {
		if !idRe.MatchString(s.ID) || seen[s.ID] {
			bad(s.ID, "signal id must be unique lower-case words")
		}
		seen[s.ID] = true
		if !triageCategories[s.Category] {
			bad(s.ID, "category %q is not one of SPEC §9's", s.Category)
		}
		if !triageSeverities[s.Severity] {
			bad(s.ID, "severity %q is not moderate, high or imminent", s.Severity)
		}
		if !triagePersons[s.Person] {
			bad(s.ID, "person %q is not first, third or any", s.Person)
		}
		ps = append(ps, checkPhrases("triage", s.ID, s.Phrases)...)
	}
	known := map[string]bool{}
	for _, m := range TriageMarkers {
		known[m] = true
		if _, ok := t.Markers[m]; !ok {
			bad("markers", "marker %q is missing", m)
		}
	}
	for m, phrases := range t.Markers {
		if !known[m] {
			bad("markers", "unknown marker %q (known: %s)", m, strings.Join(TriageMarkers, ", "))
		}
		ps = append(ps, checkPhrases("triage", "markers."+m, phrases)...)
	}
	for e, word := range t.Emoji {
		if strings.TrimSpace(word) == "" || strings.Contains(word, " ") {
			bad("emoji", "%q must map to one word", e)
		}
	}
	return ps
}

func checkPhrases(file, item string, phrases LangPhrases) Problems {
	var ps Problems
	if len(phrases[English]) == 0 {
		ps = append(ps, Problem{File: file, Item: item, Msg: "no English phrases"})
	}
	for lang, list := range phrases {
		if lang != English && lang != Spanish {
			ps = append(ps, Problem{File: file, Item: item, Msg: fmt.Sprintf("unknown language %q", lang)})
		}
		for _, p := range list {
			if strings.Count(p, "(") != strings.Count(p, ")") || strings.TrimSpace(p) == "" || strings.HasPrefix(strings.TrimSpace(p), "~") {
				ps = append(ps, Problem{File: file, Item: item, Msg: fmt.Sprintf("phrase %q is malformed", p)})
			}
		}
	}
	return ps
}
