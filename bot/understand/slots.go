package understand

import (
	"slices"

	"github.com/textline/textline/bot/lexicon"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

// neededConcepts are the concepts the reader itself reads, for slots.
var neededConcepts = []string{
	"negation", "light", "self", "talk_to", "want",
	"kind_online", "kind_family", "kind_peer",
	"lesson_first_group", "lesson_counseling", "lesson_clubs", "lesson_reach_out", "lesson_keep", "lesson_kinds", "lesson_peer", "lesson_family", "lesson_why",
	"ask_bot", "ask_private", "ask_cost", "ask_who", "ask_how",
	"grieving", "left_out", "lonely", "anxious_more", "stressed", "down_more", "death",
}

// calmConcepts make words of danger figurative or everyday ("this
// homework is killing me", a story, a school paper, hunting season).
var calmConcepts = []string{"figurative", "trivial", "fiction", "school_work", "everyday"}

// danger is the crisis the text's words of danger may tell of, or "":
// the most urgent category of content/understand/danger.yaml whose
// concepts it has (negated where the list says "not"), none made
// figurative. In grief ("my
// uncle died") a death is not a word of danger; hopelessness still is.
func (rd *reading) danger(r *Reader) safety.Category {
	grief := rd.has(r, "grieving")
	var found safety.Category
	for _, m := range rd.ms {
		switch cat, ok := r.danger[sign{m.Concept, m.Negated}]; {
		case r.calm[m.Concept]:
			return ""
		case !ok || grief && m.Concept == r.ids["death"]:
		case found == "" || urgency(cat) < urgency(found):
			found = cat
		}
	}
	return found
}

// crises are the crisis categories, most urgent first.
var crises = safety.CrisisCategories()

// urgency is a crisis category's place among crises.
func urgency(c safety.Category) int { return slices.Index(crises, c) }

// byConcept maps concepts to a slot's values, the more telling first: a
// text that names several gets the first.
type byConcept[T any] []struct {
	concept string
	value   T
}

func (b byConcept[T]) find(r *Reader, rd *reading) (T, bool) {
	for _, c := range b {
		if rd.has(r, c.concept) {
			return c.value, true
		}
	}
	var zero T
	return zero, false
}

var (
	kinds = byConcept[content.GroupKind]{
		{"kind_online", content.KindOnline}, {"kind_family", content.KindFamily}, {"kind_peer", content.KindPeer},
	}
	lessons = byConcept[Lesson]{
		{"lesson_first_group", LessonFirstGroup}, {"lesson_counseling", LessonCounseling}, {"lesson_clubs", LessonClubs},
		{"lesson_reach_out", LessonReachOut}, {"lesson_keep", LessonKeep}, {"lesson_kinds", LessonKinds},
		{"lesson_peer", LessonPeer}, {"lesson_family", LessonFamily}, {"lesson_why", LessonWhy},
	}
	topics = byConcept[Topic]{
		{"ask_bot", TopicBot}, {"ask_private", TopicPrivate}, {"ask_cost", TopicCost}, {"ask_who", TopicWho}, {"ask_how", TopicHow},
	}
	feelings = byConcept[Feeling]{
		{"grieving", FeelingGrieving}, {"left_out", FeelingLeftOut}, {"lonely", FeelingLonely},
		{"down_more", FeelingDown}, {"anxious_more", FeelingAnxious}, {"stressed", FeelingStressed},
	}
)

// slots reads the slots of intent from the text.
func (r *Reader) slots(rd *reading, intent Intent) Slots {
	var s Slots
	switch intent {
	case Groups:
		s.Kind, _ = kinds.find(r, rd)
		s.Place, s.Where, _ = r.place(rd)
	case Learn:
		s.Lesson, _ = lessons.find(r, rd)
	case About:
		var ok bool
		if s.Topic, ok = topics.find(r, rd); !ok {
			s.Topic = TopicHow
		}
	case Share:
		s.Feeling, _ = feelings.find(r, rd)
	}
	return s
}

// place finds a place named in the text, when the reader has places.
func (r *Reader) place(rd *reading) (content.Place, string, bool) {
	if r.places == nil {
		return content.Place{}, "", false
	}
	words := make([]string, 0, len(rd.toks))
	for _, t := range rd.toks {
		if t.Kind != lexicon.Emoji {
			words = append(words, t.Word)
		}
	}
	return r.places.FindPlace(words)
}

// Place finds a place named in text, whatever its intent: a reply to
// "where should I look?" ("im in san antonio tx").
func (r *Reader) Place(text string) (content.Place, string, bool) {
	return r.place(r.read(text))
}
