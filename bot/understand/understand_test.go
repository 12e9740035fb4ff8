package understand_test

import (
	"slices"
	"testing"

	"github.com/textline/textline/bot/understand"
	"github.com/textline/textline/content"
)

// What texters write, read as they meant it, with the slots the line
// acts on. These are regression cases written with the code; the
// understanding is judged on the blind set.
func TestRead(t *testing.T) {
	for _, tc := range []struct {
		text   string
		intent understand.Intent
		check  func(understand.Reading) bool
	}{
		{"how do i find a support group near me", understand.Groups, nil},
		{"thanks", understand.Thanks, nil},
		{"i think i have depression but im scared to tell my doctor", understand.Share, nil},
		{"just started college three states away and i eat lunch alone every day", understand.Share,
			func(r understand.Reading) bool { return r.Slots.Feeling == understand.FeelingLonely }},
		{"how do i help my sister", understand.Someone, nil},
		{"who runs this?", understand.About, func(r understand.Reading) bool { return r.Slots.Topic == understand.TopicWho }},
		{"is this a bot", understand.About, func(r understand.Reading) bool { return r.Slots.Topic == understand.TopicBot }},
		{"does this cost anything", understand.About, func(r understand.Reading) bool { return r.Slots.Topic == understand.TopicCost }},
		{"actually can you find me a group", understand.Groups, nil},
		{"im in san antonio tx", understand.Groups, func(r understand.Reading) bool { return r.Slots.Place.State == "TX" }},
		{"cerca de Miami", understand.Groups, func(r understand.Reading) bool { return r.Slots.Place.State == "FL" }},
		{"family support group in tyler tx", understand.Groups, func(r understand.Reading) bool {
			return r.Slots.Kind == content.KindFamily && r.Slots.Place.State == "TX"
		}},
		{"any online groups", understand.Groups, func(r understand.Reading) bool { return r.Slots.Kind == content.KindOnline }},
		{"what happens at a first group meeting", understand.Learn, func(r understand.Reading) bool { return r.Slots.Lesson == understand.LessonFirstGroup }},
		{"como puedo ayudar a mi hermano que esta deprimido", understand.Someone, nil},
		{"gracias, me sirvio mucho", understand.Thanks, nil},
		{"can i talk to a real person", understand.Person, nil},
		{"i dont want to talk to a person", understand.Other, nil},
		{"asdfghjkl", understand.Other, nil},
	} {
		r := reader(t).Read(tc.text)
		if r.Intent != tc.intent || tc.check != nil && !tc.check(r) {
			t.Errorf("%q: read %s %+v (%.2f), want %s", tc.text, r.Intent, r.Slots, r.Confidence, tc.intent)
		}
	}
}

// A text is plainly in a language only when its telling words agree.
func TestLanguage(t *testing.T) {
	for _, tc := range []struct {
		text string
		want content.Lang
	}{
		{"necesito un grupo de apoyo para mi familia", content.Spanish},
		{"i need a support group for my family", content.English},
		{"gracias", ""},
		{"ok", ""},
		{"2", ""},
	} {
		if got := reader(t).Read(tc.text).Lang; got != tc.want {
			t.Errorf("%q: language %q, want %q", tc.text, got, tc.want)
		}
	}
}

// A text not understood still names the likeliest intents the line can
// answer, and never Other among them.
func TestLikely(t *testing.T) {
	r := reader(t).Read("blah blah")
	if r.Understood() {
		t.Fatalf("read %s", r.Intent)
	}
	if len(r.Likely) == 0 || slices.Contains(r.Likely, understand.Other) {
		t.Errorf("likely %v", r.Likely)
	}
}

// Places in words, as the group search reads them.
func TestPlace(t *testing.T) {
	for _, tc := range []struct {
		text, state string
	}{
		{"austin", "TX"},
		{"im in el paso", "TX"},
		{"near columbus ohio", "OH"},
		{"brooklyn", "NY"},
		{"springfield il", "IL"},
		{"springfield missouri", "MO"},
		{"en nuevo mexico", "NM"},
		{"78704", "TX"},
		{"TX", "TX"},
		{"in ny", "NY"},
		{"tyler tx", "TX"},
		{"my friend tyler", ""},
		{"what a surprise", ""},
		{"en mi pueblo", ""},
		{"i am ok", ""},
	} {
		p, _, ok := reader(t).Place(tc.text)
		if p.State != tc.state || ok != (tc.state != "") {
			t.Errorf("%q: place %+v, %v; want %q", tc.text, p, ok, tc.state)
		}
	}
}
