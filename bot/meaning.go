package bot

import (
	"slices"
	"strings"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/bot/understand"
	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// What the texter meant in their own words (bot/understand), once
// numbers, keywords and the step's own choice words did not decide.

// switchLang writes in the language of a text plainly written in the
// other one, and reports whether it switched.
func (t *turn) switchLang(s *Session) bool {
	if l := t.meant.Lang; l != "" && l != s.Lang {
		s.Lang = l
		return true
	}
	return false
}

// understood answers what the texter meant in their own words, when the
// line understood it and it leads somewhere from where they are. A new
// texter learns first what the line is.
func (t *turn) understood(s Session) (Outcome, bool) {
	state := s.Flow.State()
	ev, ok := t.meaning()
	switch {
	case !ok || !flows.Understands(state):
		// A pending safety question is answered in its own words only.
		return Outcome{}, false
	case t.meant.Danger && !t.verdict.Crisis():
		// Words of danger that triage did not call a crisis are not
		// answered as a request: the texter hears the line could not
		// follow, with 988.
		return Outcome{}, false
	case ev == flows.EvPerson:
		if t.e.HumanLine != nil {
			return t.askPerson(s), true
		}
		if state == flows.Welcome {
			return Outcome{}, false // the welcome says how to reach a person
		}
		return t.say(s, "talk.person"), true
	case !flows.Takes(state, ev):
		return Outcome{}, false
	}
	out := t.fire(s, ev)
	if state == flows.Welcome {
		// A new texter learns first what the line is.
		out.Reply = fitted(t.e.lib.Text(out.Session.Lang, "intro")+"\n", out.Reply)
	}
	return out, true
}

// fitted is prefix before reply, within content.MaxSegments: the reply's
// footer makes room for it, and when that is not enough, the reply stays
// as it was.
func fitted(prefix, reply string) string {
	for _, r := range []string{reply, strings.TrimSpace(reply[:max(strings.LastIndex(reply, "\n\n"), 0)])} {
		if n, _ := content.Segments(prefix + r); n <= content.MaxSegments && r != "" {
			return prefix + r
		}
	}
	return reply
}

// asksIfBot reports whether the texter asks whether the line is a bot
// or a person ("are you a real person?"): answered, not a request.
func (t *turn) asksIfBot() bool {
	return t.meant.Intent == understand.About && t.meant.Slots.Topic == understand.TopicBot
}

// meaning is the event of what the texter meant.
func (t *turn) meaning() (flows.Event, bool) {
	r := t.meant
	if !r.Understood() {
		return "", false
	}
	switch r.Intent {
	case understand.Groups:
		switch {
		case r.Slots.Kind == content.KindOnline:
			return flows.EvOnline, true
		case r.Slots.Where != "":
			return flows.EvFind, true
		case r.Slots.Kind == content.KindPeer:
			return flows.EvPeer, true
		case r.Slots.Kind == content.KindFamily:
			return flows.EvFamily, true
		}
	case understand.Learn:
		if ev, ok := lessonEvents[r.Slots.Lesson]; ok {
			return ev, true
		}
	}
	ev, ok := intentEvents[r.Intent]
	return ev, ok
}

// intentEvents are the events of the intents, where no slot decides.
var intentEvents = map[understand.Intent]flows.Event{
	understand.Tips:     flows.Event(flows.Tips),
	understand.Groups:   flows.EvGroups,
	understand.Hotlines: flows.Event(flows.Talk),
	understand.Person:   flows.EvPerson,
	understand.Someone:  flows.Event(flows.Someone),
	understand.Learn:    flows.Event(flows.Learn),
	understand.Share:    flows.EvShare,
	understand.About:    flows.EvAbout,
	understand.Greeting: flows.EvGreet,
	understand.Thanks:   flows.EvThanks,
	understand.Goodbye:  flows.EvGoodbye,
	understand.Yes:      flows.EvYes,
	understand.No:       flows.EvNo,
}

// lessonEvents are the learn step's options, by the lesson they teach.
var lessonEvents = map[understand.Lesson]flows.Event{
	understand.LessonWhy: "learn_why", understand.LessonPeer: "learn_peer", understand.LessonFamily: "learn_family",
	understand.LessonKinds: "learn_kinds", understand.LessonReachOut: "learn_reach_out", understand.LessonClubs: "learn_clubs",
	understand.LessonKeep: "learn_maintain", understand.LessonCounseling: "learn_counseling", understand.LessonFirstGroup: "learn_first_group",
}

// miss answers a text the line could not follow: it says so plainly and
// offers the likeliest options and a person; after two misses in a row,
// a person first. A state waiting for an answer to a safety question
// asks it again, with its referral.
func (t *turn) miss(s Session, again bool) Outcome {
	if !flows.Understands(s.Flow.State()) {
		return t.reprompt(s)
	}
	s.Missed = true
	id := "miss"
	if again {
		id = "miss.again"
	}
	if t.e.HumanLine != nil {
		id += ".human"
	}
	return Outcome{Session: s, Reply: t.e.lib.Render(s.Lang, id, content.Vars{"options": t.options(s.Lang)})}
}

// offered are the intents a miss may offer, with their reply word, in
// the order they fill in when the likeliest are too few.
var offered = []understand.Intent{understand.Tips, understand.Groups, understand.Hotlines, understand.Someone, understand.Learn, understand.About}

// minOptions and maxOptions bound how many options a miss offers.
const minOptions, maxOptions = 2, 3

// options lists, one a line, the likeliest options for what the texter
// may have meant.
func (t *turn) options(lang content.Lang) string {
	var picked []understand.Intent
	for _, in := range t.meant.Likely {
		if slices.Contains(offered, in) && len(picked) < maxOptions {
			picked = append(picked, in)
		}
	}
	for _, in := range offered {
		if len(picked) >= minOptions {
			break
		}
		if !slices.Contains(picked, in) {
			picked = append(picked, in)
		}
	}
	lines := make([]string, len(picked))
	for i, in := range picked {
		lines[i] = t.e.lib.Text(lang, "option."+string(in))
	}
	return strings.Join(lines, "\n")
}

// helper meets a worried helper, as triage read them, with its support
// text, which names 911 and 988 for the person they worry about, whatever
// else they ask; only a texter the understanding reads as telling of
// themselves ("i think i have depression but im scared to tell my
// doctor") is answered as one who shares.
func (t *turn) helper(s Session) (Outcome, bool) {
	if t.verdict.Category != safety.Helper || t.meant.Intent == understand.Share {
		return Outcome{}, false
	}
	return t.support(s)
}
