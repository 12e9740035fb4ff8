package content

import "io/fs"

// Understanding is what the understanding of free text (bot/understand)
// reads from the understand folder: its own concepts, read together with
// the triage concepts, and the trained intent model.
type Understanding struct {
	Concepts []Concept
	// Model is the trained intent classifier (understand/intent.model),
	// in the form bot/learn stores it; nil until it is trained.
	Model []byte
}

// loadUnderstanding reads every file of understand/concepts, and the
// model when it is there.
func loadUnderstanding(fsys fs.FS, u *Understanding) error {
	var errs []string
	u.Concepts, errs = loadConcepts(fsys, "understand/concepts")
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
	return ps
}
