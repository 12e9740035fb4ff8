package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Triage is what crisis triage (bot/safety) reads, from the triage folder:
// the concepts words stand for, the rules that combine them, and the
// trained models.
type Triage struct {
	Concepts []Concept
	Rules    Rules
	// CategoryModel and SeverityModel are the trained classifiers
	// (triage/category.model, triage/severity.model), in the form
	// bot/learn stores them.
	CategoryModel, SeverityModel []byte
}

// Concept is one meaning and its words, stems, phrases and emoji by
// language (triage/concepts).
type Concept struct {
	ID    string `yaml:"id"`
	About string `yaml:"about"`
	// Typos: a word spelled within one letter of a member of six letters
	// or more matches it too (sucide, tylenoll), unless it is a member of
	// some concept itself. For concepts of distinctive words.
	Typos bool     `yaml:"typos"`
	En    []string `yaml:"en"`
	Es    []string `yaml:"es"`
	// File is where the concept was read from (triage/concepts/...).
	File string `yaml:"-"`
}

// Members returns the concept's members in lang.
func (c Concept) Members(lang Lang) []string {
	if lang == Spanish {
		return c.Es
	}
	return c.En
}

// Rules are the four kinds of triage rule (triage/rules).
type Rules struct {
	Verdicts []Rule `yaml:"rules"` // concepts together give a verdict
	Raise    []Rule `yaml:"raise"` // concepts raise a verdict's severity
	Shift    []Rule `yaml:"shift"` // concepts move a verdict to another category
	After    []Rule `yaml:"after"` // a short reply read in the light of the line's last message
}

// Rule is one triage rule. Terms name concepts: "means" is the concept
// not negated, "not life" the concept negated ("no reason to live"), and
// "partner|family" either.
type Rule struct {
	ID    string `yaml:"id"`
	About string `yaml:"about"`
	// All are the terms that must all be found in one clause (or one
	// sentence, or the whole message: Within), in this order if Ordered.
	All     []string `yaml:"all"`
	Within  string   `yaml:"within"`
	Ordered bool     `yaml:"ordered"`
	// Adjacent: the terms stand in order with only light words between
	// them ("want TO die", "wish I WAS dead").
	Adjacent bool `yaml:"adjacent"`
	// Unless are terms that, found in the same sentence as the first term
	// (anywhere, for a rule that reads the whole message), stop the rule.
	Unless []string `yaml:"unless"`
	// Subject, when set, is who the first term is about: "self" (the
	// texter, also when nobody is named) or "other".
	Subject string `yaml:"subject"`

	// Firm: the model never overrules this rule's crisis (its precision on
	// texts it was not written for is 95% or more); a firm shift to a calm
	// category applies whatever the model says.
	Firm bool `yaml:"firm"`

	Category string `yaml:"category"` // rules, after ("prior": the earlier crisis's); shift: the new one
	Severity string `yaml:"severity"` // rules, after; raise: the new one
	// From are the categories a raise or a shift applies to.
	From []string `yaml:"from"`
	// Asked is, for an after rule, what the line's last message did:
	// "ask" (asked directly about a possible risk) or "crisis" (answered
	// a crisis).
	Asked string `yaml:"asked"`

	// Examples must fire the rule and Counter must not, in each language
	// (checked by go test ./bot/safety).
	Examples Phrases `yaml:"examples"`
	Counter  Phrases `yaml:"counter"`

	// File is where the rule was read from (triage/rules/...).
	File string `yaml:"-"`
}

// Phrases are texts by language.
type Phrases struct {
	En []string `yaml:"en"`
	Es []string `yaml:"es"`
}

// Rule windows.
const (
	WithinClause   = "clause"
	WithinSentence = "sentence"
	WithinMessage  = "message"
)

// loadTriage reads every file of triage/concepts and triage/rules, and
// the models when they are there.
func loadTriage(fsys fs.FS, t *Triage) error {
	var errs []string
	t.Concepts, errs = loadConcepts(fsys, "triage/concepts")
	files, _ := fs.Glob(fsys, "triage/rules/*.yaml")
	files, _ = fs.Glob(fsys, "triage/rules/*.yaml")
	for _, f := range files {
		var part Rules
		if err := decode(fsys, f, &part); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", path.Base(f), err))
		}
		for _, rs := range [][]Rule{part.Verdicts, part.Raise, part.Shift, part.After} {
			for i := range rs {
				rs[i].File = f
			}
		}
		t.Rules.Verdicts = append(t.Rules.Verdicts, part.Verdicts...)
		t.Rules.Raise = append(t.Rules.Raise, part.Raise...)
		t.Rules.Shift = append(t.Rules.Shift, part.Shift...)
		t.Rules.After = append(t.Rules.After, part.After...)
	}
	for name, dst := range map[string]*[]byte{"category.model": &t.CategoryModel, "severity.model": &t.SeverityModel} {
		errs = append(errs, readModel(fsys, "triage/"+name, dst)...)
	}
	return joined(errs)
}

// joined is the problems of one folder as one error, or nil.
func joined(errs []string) error {
	if len(errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(errs, "; "))
}

// loadConcepts reads every concept file of dir.
func loadConcepts(fsys fs.FS, dir string) ([]Concept, []string) {
	var out []Concept
	var errs []string
	files, _ := fs.Glob(fsys, dir+"/*.yaml")
	for _, f := range files {
		var part struct {
			Concepts []Concept `yaml:"concepts"`
		}
		if err := decode(fsys, f, &part); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", path.Base(f), err))
		}
		for i := range part.Concepts {
			part.Concepts[i].File = f
		}
		out = append(out, part.Concepts...)
	}
	return out, errs
}

// readModel reads a trained model into dst; none yet is no error
// (textline lint says to train it).
func readModel(fsys fs.FS, name string, dst *[]byte) []string {
	b, err := fs.ReadFile(fsys, name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return []string{fmt.Sprintf("%s: %v", path.Base(name), err)}
	}
	*dst = b
	return nil
}
