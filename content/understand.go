package content

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Understanding is what the understanding of free text (bot/understand)
// reads from the understand folder: its own concepts, read together with
// the triage concepts, and the trained intent model.
type Understanding struct {
	Concepts []Concept
	// Danger lists, by crisis category, the triage concepts that make the
	// line ask directly about that crisis rather than answer a request
	// (understand/danger.yaml); "not life" is the concept negated ("cant
	// go on").
	Danger map[string][]string
	// Model is the trained intent classifier (understand/intent.model),
	// in the form bot/learn stores it; nil until it is trained.
	Model []byte
}

// loadUnderstanding reads every file of understand/concepts, and the
// model when it is there.
func loadUnderstanding(fsys fs.FS, u *Understanding) error {
	var errs []string
	u.Concepts, errs = loadConcepts(fsys, "understand/concepts")
	var d struct {
		Danger map[string][]string `yaml:"danger"`
	}
	if err := decode(fsys, "understand/danger.yaml", &d); err != nil {
		errs = append(errs, "danger.yaml: "+err.Error())
	}
	u.Danger = d.Danger
	errs = append(errs, readModel(fsys, "understand/intent.model", &u.Model)...)
	return joined(errs)
}

// validateUnderstanding checks the understanding's concepts: each has a
// unique id, also among the triage concepts it is read with.
func (l *Library) validateUnderstanding() Problems {
	ids := make([]string, 0, len(l.Triage.Concepts)+len(BuiltinConcepts))
	ids = append(ids, BuiltinConcepts...)
	for _, c := range l.Triage.Concepts {
		ids = append(ids, c.ID)
	}
	_, ps := checkConcepts(l.Understanding.Concepts, ids)
	known := map[string]bool{}
	for _, id := range ids {
		known[id] = true
	}
	for cat, concepts := range l.Understanding.Danger {
		if !slices.Contains(CrisisCategories, cat) {
			ps = append(ps, Problem{File: "understand/danger.yaml", Item: cat, Msg: "not a crisis category"})
		}
		for _, c := range concepts {
			if !known[strings.TrimPrefix(c, "not ")] {
				ps = append(ps, Problem{File: "understand/danger.yaml", Item: cat, Msg: fmt.Sprintf("%q is not a triage concept", c)})
			}
		}
	}
	return ps
}
