package understand

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/textline/textline/content"
)

// Labelled is one text of a labelled set (content/understand/corpus,
// testdata/blind): what it means, and the slots it names.
type Labelled struct {
	Text   string       `json:"text"`
	Intent Intent       `json:"intent"`
	Lang   content.Lang `json:"lang"`
	Slots  struct {
		Kind   content.GroupKind `json:"kind,omitempty"`
		Place  string            `json:"place,omitempty"`
		Lesson Lesson            `json:"lesson,omitempty"`
	} `json:"slots,omitzero"`
}

var lessonNames = []Lesson{LessonWhy, LessonPeer, LessonFamily, LessonKinds, LessonReachOut, LessonClubs, LessonKeep, LessonCounseling, LessonFirstGroup}

// ParseLabelled reads a labelled set: one JSON object a line.
func ParseLabelled(data []byte) ([]Labelled, error) {
	var out []Labelled
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var l Labelled
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		switch {
		case !slices.Contains(Intents, l.Intent):
			return nil, fmt.Errorf("line %d: %q is not an intent", n, l.Intent)
		case l.Lang != content.English && l.Lang != content.Spanish:
			return nil, fmt.Errorf("line %d: %q is not a language", n, l.Lang)
		case l.Slots.Lesson != "" && !slices.Contains(lessonNames, l.Slots.Lesson):
			return nil, fmt.Errorf("line %d: %q is not a lesson", n, l.Slots.Lesson)
		case l.Slots.Kind != "" && l.Slots.Kind != content.KindPeer && l.Slots.Kind != content.KindFamily && l.Slots.Kind != content.KindOnline:
			return nil, fmt.Errorf("line %d: %q is not a kind of group", n, l.Slots.Kind)
		}
		out = append(out, l)
	}
	return out, sc.Err()
}
