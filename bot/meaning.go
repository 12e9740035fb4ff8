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

// respond answers a text in the texter's own words, in this order: a
// worried helper gets the helper's text; words of danger triage did not
// call a crisis are asked about directly; what the texter meant, when it
// was understood (and free is set); distress gets support, unless it is
// a brief reply to a step's own question. ok is false when none applies.
func (t *turn) respond(s Session, free bool) (Outcome, bool) {
	if out, ok := t.helper(s); ok {
		return out, true
	}
	if out, ok := t.danger(s); ok {
		return out, true
	}
	if free {
		if out, ok := t.understood(s); ok {
			return out, true
		}
	}
	if asking[s.Flow.State()] && len(strings.Fields(t.text)) <= briefAnswer {
		return Outcome{}, false // "i dont know" to "where?" asks again
	}
	return t.support(s)
}

// briefAnswer is how many words a reply to a step's own question may have
// to be read as a failed answer rather than as distress.
const briefAnswer = 3

// danger asks directly about the crisis words of danger may tell of,
// when triage did not call the text a crisis: "when death words appear,
// ask gently and directly about suicide". Death words count when triage
// read the text as distress, overruled its rules' crisis, or gave it
// some chance of one. Where a safety
// question is pending, triage's reading of the answer stands.
func (t *turn) danger(s Session) (Outcome, bool) {
	v := t.verdict
	switch {
	case t.meant().Danger == "" || v.Crisis() || !flows.Understands(s.Flow.State()):
		return Outcome{}, false
	case t.meant().Danger == safety.SuicideRisk && v.Category != safety.Distress && !v.Overruled() && v.Probability < dangerChance:
		// Death words are everyday words too ("the battery is dead"):
		// triage is sure this is nothing.
		return Outcome{}, false
	}
	t.verdict = safety.Verdict{Category: t.meant().Danger, Severity: safety.Possible, Lang: v.Lang, Signals: []string{"understand.danger"}}
	return t.crisis(s), true
}

// dangerChance is the chance of a crisis triage must give a text for its
// death words to be asked about, when it read neither distress nor a
// crisis its model overruled.
const dangerChance = 0.15

// plainAnswer reports whether the message is a plain answer the state
// takes: a number or a choice word, or YES, NO or thanks in free words
// to "did this help?" ("no it didnt help"); a few words without words of
// danger. A crisis the model alone saw in it is dropped.
func (t *turn) plainAnswer(s Session) bool {
	if t.meant().Danger != "" || len(strings.Fields(t.text)) > plainWords {
		return false
	}
	switch t.meant().Intent {
	case understand.Yes, understand.No, understand.Thanks:
		if s.Flow.State() == flows.Feedback {
			return true
		}
	}
	return t.answer(s)
}

// plainWords is how many words a plain answer ("no it didnt help") has at
// most: a longer one may say more than the answer.
const plainWords = 4

// switchLang writes in the language of a text plainly written in the
// other one, and reports whether it switched.
func (t *turn) switchLang(s *Session) bool {
	if l := t.meant().Lang; l != "" && l != s.Lang {
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
	case !ok:
		return Outcome{}, false
	case !flows.Understands(state):
		// A pending safety question takes only its own YES or NO.
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
	if t.verdict.Category == safety.Distress && t.meant().Intent != understand.Share {
		// Asked in distress: the answer, and 988 if things get worse.
		out.Reply = fitted(t.e.lib.Text(out.Session.Lang, "support.brief")+"\n", out.Reply)
	}
	if state == flows.Welcome {
		// A new texter learns first what the line is.
		out.Reply = fitted(t.e.lib.Text(out.Session.Lang, "intro")+"\n", out.Reply)
	}
	return out, true
}

// fitted is prefix before reply, within content.MaxSegments: the reply
// without its footer (the state's "Reply MORE…" after a blank line) when
// the whole does not fit, and the reply alone when even that does not.
func fitted(prefix, reply string) string {
	if fits(prefix + reply) {
		return prefix + reply
	}
	if i := strings.LastIndex(reply, "\n\n"); i > 0 && fits(prefix+reply[:i]) {
		return prefix + reply[:i]
	}
	return reply
}

func fits(text string) bool {
	n, _ := content.Segments(text)
	return n <= content.MaxSegments
}

// asksIfBot reports whether the texter asks whether the line is a bot
// or a person ("are you a real person?"): answered, not a request.
func (t *turn) asksIfBot() bool {
	return t.meant().Intent == understand.About && t.meant().Slots.Topic == understand.TopicBot
}

// meaning is the event of what the texter meant.
func (t *turn) meaning() (flows.Event, bool) {
	r := t.meant()
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
	understand.LessonWhy:        flows.EvLearnWhy,
	understand.LessonPeer:       flows.EvLearnPeer,
	understand.LessonFamily:     flows.EvLearnFamily,
	understand.LessonKinds:      flows.EvLearnKinds,
	understand.LessonReachOut:   flows.EvLearnReachOut,
	understand.LessonClubs:      flows.EvLearnClubs,
	understand.LessonKeep:       flows.EvLearnMaintain,
	understand.LessonCounseling: flows.EvLearnCounseling,
	understand.LessonFirstGroup: flows.EvLearnFirstGroup,
}

// miss answers a text the line could not follow: it says so plainly and
// offers the likeliest options and a person; after two misses in a row,
// a person first. A state waiting for an answer to a safety question
// asks it again, with its referral.
func (t *turn) miss(s Session, again bool) Outcome {
	st := s.Flow.State()
	if !flows.Understands(st) {
		return t.reprompt(s)
	}
	s.Missed = true
	if asking[st] && !again {
		return t.reprompt(s)
	}
	id := "miss"
	if again {
		id = "miss.again"
	}
	if t.e.HumanLine != nil {
		id += ".human"
	}
	return Outcome{Session: s, Reply: t.e.lib.Render(s.Lang, id, content.Vars{"options": t.options(s.Lang)})}
}

// asking are the steps that wait for an answer to their own question
// (what kind of group, where, did this help): a first miss there asks it
// again, saying the line is automated.
var asking = map[flows.State]bool{flows.GroupsKind: true, flows.GroupsWhere: true, flows.Feedback: true}

// offered are the intents a miss may offer, with their reply word, in
// the order they fill in when the likeliest are too few.
var offered = []understand.Intent{understand.Tips, understand.Groups, understand.Hotlines, understand.Someone, understand.Learn, understand.About}

// minOptions and maxOptions bound how many options a miss offers.
const minOptions, maxOptions = 2, 3

// options lists, one a line, the likeliest options for what the texter
// may have meant.
func (t *turn) options(lang content.Lang) string {
	var picked []understand.Intent
	for _, in := range t.meant().Likely {
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
	if t.verdict.Category != safety.Helper || t.meant().Intent == understand.Share {
		return Outcome{}, false
	}
	return t.support(s)
}
