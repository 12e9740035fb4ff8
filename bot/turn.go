package bot

import (
	"slices"
	"strings"
	"time"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/bot/tally"
	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// turn is one run of the pure step for one message.
type turn struct {
	e       *Engine
	in      Inbound
	text    string // normalised
	folded  string // for matching
	verdict safety.Verdict
	reading *reading // what the texter meant in their own words
	fx      effects
	handoff *HandoffRequest // what the human line must do for the message
	erase   bool            // the step forgets the texter
	heard   *Presence       // where the human line had the texter, when asked first
	unheard bool            // the human line was asked first and could not be heard
}

// Keywords of vocab.yaml.
const (
	kwOptOut  = "optout"
	kwOptIn   = "optin"
	kwHelp    = "help"
	kwMenu    = "menu"
	kwBack    = "back"
	kwSpanish = "spanish"
	kwEnglish = "english"
	kwDelete  = "delete"
	kwPerson  = "person"
	kwCall    = "call"
)

func (t *turn) run(s Session) Outcome {
	t.fx, t.handoff, t.erase = effects{}, nil, false
	lineOn := t.e.HumanLine != nil
	if t.heard != nil {
		s.Follow(*t.heard, lineOn)
	}
	stored, triaged := s, t.verdict
	since := t.in.At.Sub(s.LastSeen)
	away := !s.LastSeen.IsZero() && since > t.e.idle()
	first := s.New()
	missed := s.Missed
	s.Missed = false
	s.Turns++
	s.LastSeen = t.in.At
	if first || away {
		t.fx.counters = append(t.fx.counters, tally.ConversationStart)
	}
	if first {
		s.Lang = t.language()
	}
	// Answer a disclosure in its own language. Distress words are short
	// and mixed in Spanglish, so only Spanish ones switch a conversation.
	if v := t.verdict; v.Lang != "" && v.Category != safety.Benign && (v.Crisis() || first || v.Lang == content.Spanish) {
		s.Lang = v.Lang
	}
	kw := t.e.lib.Vocab.Keyword(t.folded)
	t.reread(s, since, kw)
	if t.mustHear(stored, kw) {
		// The human line may hold the texter: it decides where they are,
		// so it hears the message first.
		return Outcome{Session: stored, Ask: t.hearing(stored, triaged)}
	}
	if !lineOn {
		s.Flow.Fire(flows.EvLineOff, false) // the human line was turned off
	}
	state := s.Flow.State()
	switch {
	case t.verdict.Crisis():
		return t.crisis(s)
	case state == flows.OptedOut:
		if kw == kwOptIn || t.folded == "yes" {
			return t.fire(s, flows.EvStart)
		}
		return Outcome{Session: s} // nothing is sent until START
	case kw == kwOptOut:
		return t.fire(s, flows.EvStop)
	case kw == kwHelp:
		return t.say(s, "help")
	case s.WithLine():
		return t.during(s, kw)
	case t.e.HumanLine != nil && (kw == kwPerson || kw == kwCall || t.e.lib.Vocab.AsksForPerson(t.folded) && !t.asksIfBot()):
		return t.askPerson(s)
	case state == flows.Welcome:
		// A first message that asks for something is answered, after a
		// line on what the line is; anything else is welcomed, in the
		// language a language keyword picks.
		if lang, ok := keywordLang[kw]; ok {
			s.Lang = lang
		}
		if out, ok := t.respond(s, kw == ""); ok {
			return out
		}
		return t.fire(s, flows.EvArrive)
	case kw != "":
		return t.keyword(s, kw)
	}
	return t.converse(s, away, missed)
}

// mustHear reports whether the human line must hear the message before
// it is answered, s being the session as stored: the texter may be with
// it.
func (t *turn) mustHear(s Session, kw string) bool {
	switch {
	case t.heard != nil || t.e.HumanLine == nil || !s.LineKnows():
		return false
	case t.verdict.Crisis() || t.unsafe(s):
		// Should the line fail, a crisis still gets its referral, from
		// where the session last had the texter; the line's part is
		// stored for a retry of the message.
		return !t.unheard
	}
	return kw != kwOptOut // a STOP ends whatever the line holds, either way
}

// hearing is what the human line is asked before this message: for each
// presence it may find, what the step it then runs asks of it.
func (t *turn) hearing(s Session, verdict safety.Verdict) *Hearing {
	h := &Hearing{Since: s.LastSeen, Turns: s.Turns}
	for p := range presences {
		u := turn{e: t.e, in: t.in, text: t.text, folded: t.folded, verdict: verdict, reading: t.reading, heard: &p}
		h.Plans[p] = u.run(s).Handoff
	}
	return h
}

// contextFor is how long the line's last question colours a short reply:
// "saturday", a day after a crisis, answers nothing.
const contextFor = time.Hour

// reread triages the message again in the light of the line's last
// question, when it was asked within contextFor; and a crisis the model
// alone saw in a keyword or a plain answer the state takes ("done", "2",
// "END", "no it didnt help") is dropped: they are what they say.
func (t *turn) reread(s Session, since time.Duration, kw string) {
	if prior := priorOf(s); prior.Asked != safety.AskedNothing && since <= contextFor {
		t.verdict = t.e.triage.ClassifyAfter(t.text, prior)
	}
	if t.verdict.Crisis() && !t.verdict.Ruled && (kw != "" || t.plainAnswer(s)) {
		t.verdict = safety.Verdict{Category: safety.Benign, Severity: safety.None}
	}
}

// crisis answers a crisis verdict, in any state.
func (t *turn) crisis(s Session) Outcome {
	state := s.Flow.State()
	if t.verdict.Severity == safety.Possible {
		switch {
		case state == flows.OptedOut:
			return Outcome{Session: s} // no one can be asked: nothing is sent
		case !flows.Takes(state, flows.EvPossible):
			// During a crisis or a handoff a possible risk is not asked
			// about with a new question: it is answered as the crisis it
			// may be.
			t.verdict.Severity = safety.Moderate
		default:
			return t.fire(s, flows.EvPossible)
		}
	}
	if t.e.HumanLine != nil && escalates(t.verdict) && flows.Takes(state, flows.EvUrgent) {
		return t.fire(s, flows.EvUrgent)
	}
	return t.fire(s, flows.EvCrisis)
}

// askPerson hands the texter to the human line: at once when responders
// are on duty; outside HANDOFF_HOURS the request is recorded for them
// and the texter gets the 24/7 lines.
func (t *turn) askPerson(s Session) Outcome {
	t.fx.counters = append(t.fx.counters, tally.PersonAsked)
	if t.e.OnDuty != nil && !t.e.OnDuty(t.in.At) {
		return t.fire(s, flows.EvPersonOff)
	}
	return t.fire(s, flows.EvPerson)
}

// during handles a message while a person is asked for or holds the
// conversation: the bot's steps stay silent and the message goes to the
// human line.
func (t *turn) during(s Session, kw string) Outcome {
	waiting := s.Flow.State() == flows.Waiting
	switch {
	case kw == kwCall && !t.e.Calls:
		return t.say(s, "handoff.no_call")
	case kw == kwCall:
		return t.fire(s, flows.EvCall)
	case t.text == "" && t.in.NumMedia > 0:
		return t.say(s, "media_only")
	case waiting && kw == kwMenu:
		// Nobody has joined yet: the texter may stop waiting.
		return t.fire(s, flows.EvMenu)
	case waiting && kw == kwBack:
		return t.fire(s, flows.EvBack)
	case waiting && kw == kwDelete:
		return t.fire(s, flows.EvDelete)
	case t.unsafe(s):
		return t.fire(s, flows.EvNo)
	}
	if lang, ok := keywordLang[kw]; ok {
		s.Lang = lang
	}
	return t.fire(s, flows.EvText)
}

// answer reports whether the message is one the current state takes: a
// number or a word of its choices.
func (t *turn) answer(s Session) bool {
	_, ok := flows.Parse(s.Flow.State(), t.folded, words{t.e.lib})
	return ok && s.Flow.State() != flows.ConfirmDelete
}

// unsafe reports whether the message is a NO to "are you safe right
// now?": the most urgent there is.
func (t *turn) unsafe(s Session) bool {
	return s.Flow.Asked() == flows.AskedSafe && slices.Contains(words{t.e.lib}.Choices(t.folded), flows.EvNo)
}

// toLine asks the human line, once the step is stored, to act on this
// message.
func (t *turn) toLine(s Session, kind HandoffKind, reason string) {
	t.handoff = &HandoffRequest{
		Kind: kind, Texter: t.in.From, To: t.in.To, MessageID: t.in.ID, Text: t.text,
		Lang: s.Lang, Verdict: t.verdict, Reason: reason, Turns: s.Turns,
	}
}

var keywordLang = map[string]content.Lang{kwSpanish: content.Spanish, kwEnglish: content.English}

// keyword handles START, MENU, BACK, the language keywords and DELETE.
func (t *turn) keyword(s Session, kw string) Outcome {
	switch kw {
	case kwOptIn, kwMenu:
		return t.fire(s, flows.EvMenu)
	case kwBack:
		return t.fire(s, flows.EvBack)
	case kwSpanish, kwEnglish:
		s.Lang = keywordLang[kw]
		return t.fire(s, flows.EvLanguage)
	case kwPerson, kwCall:
		return t.say(s, "talk.person") // no human line: 988 is the way to a person
	case kwDelete:
		if s.Flow.State() == flows.ConfirmDelete {
			return t.fire(s, flows.EvConfirm)
		}
		return t.fire(s, flows.EvDelete)
	}
	return t.reprompt(s)
}

// converse handles everything that is not a keyword: the conversation.
func (t *turn) converse(s Session, away, missed bool) Outcome {
	if !s.StopHinted && t.e.lib.Vocab.AsksToStop(t.folded) {
		s.StopHinted = true
		return t.say(s, "stop_hint")
	}
	if t.text == "" {
		if t.in.NumMedia > 0 {
			return t.say(s, "media_only")
		}
		return t.reprompt(s)
	}
	ev, picked := flows.Parse(s.Flow.State(), t.folded, words{t.e.lib})
	if away && flows.Takes(s.Flow.State(), flows.EvReturn) {
		// Back after a long time: numbers and choice words of a step they
		// left long ago mean nothing, but what they say still does.
		if !picked {
			if out, ok := t.respond(s, true); ok {
				return out
			}
		}
		return t.fire(s, flows.EvReturn)
	}
	if picked {
		return t.fire(s, ev)
	}
	switched := t.switchLang(&s)
	out, ok := t.respond(s, true)
	if !ok {
		out = t.miss(s, missed)
	}
	if switched {
		out.Reply = fitted(t.e.lib.Text(out.Session.Lang, "lang_switched")+"\n\n", out.Reply)
	}
	return out
}

// support meets distress with support and a worried helper with how to
// help, never with an alarm: the distress text offers a tip, groups and
// people to talk to (the menu's first three options); the helper text
// leads into the "someone I care about" options.
func (t *turn) support(s Session) (Outcome, bool) {
	switch t.verdict.Category {
	case safety.Distress:
		return t.fire(s, flows.EvDistress), true
	case safety.Helper:
		return t.fire(s, flows.EvHelper), true
	}
	return Outcome{}, false
}

// fire moves the texter by ev, does the row's action and says what the
// row says. A message the state does not take is asked again.
func (t *turn) fire(s Session, ev flows.Event) Outcome {
	from := s.Flow.State()
	row, ok := s.Flow.Fire(ev, t.e.HumanLine != nil)
	if !ok {
		return t.reprompt(s)
	}
	if from == flows.Menu && menuPick(ev) {
		t.fx.counters = append(t.fx.counters, tally.MenuPick(row.To))
	}
	var body string
	if a, ok := actions[row.Do]; ok && a.run != nil {
		body = a.run(t, &s, fired{row: row, from: from, ev: ev})
	}
	if body == "" {
		id := row.Say
		if id == "" {
			step, _ := flows.StepOf(s.Flow.State())
			id = step.Enter
		}
		if id != "" {
			body = t.textFor(s, id)
		}
	}
	out := Outcome{Session: s, Reply: body, Erase: t.erase, Handoff: t.handoff}
	if !row.Plain && body != "" {
		out.Reply = compose(t.e.lib, s.Lang, s.Flow.State(), body)
	}
	return out
}

// menuPick reports whether ev is one of the menu's numbered options.
func menuPick(ev flows.Event) bool {
	step, _ := flows.StepOf(flows.Menu)
	for _, o := range step.Options {
		if o.Event == ev {
			return true
		}
	}
	return false
}

// textFor is the text id in the texter's language, in its version for the
// crisis at hand when it has one (crisis.safe_no.abuse_dv before
// crisis.safe_no), or for when the human line is on (talk.person.human).
func (t *turn) textFor(s Session, id string) string {
	if variant := id + "." + string(s.Category); s.Category != "" && t.e.lib.Has(s.Lang, variant) {
		id = variant
	} else if variant := id + ".human"; t.e.HumanLine != nil && t.e.lib.Has(s.Lang, variant) {
		id = variant
	}
	return t.e.lib.Text(s.Lang, id)
}

// say answers with one text and leaves the state as it is.
func (t *turn) say(s Session, id string) Outcome {
	return Outcome{Session: s, Reply: t.e.lib.Text(s.Lang, id)}
}

// reprompt asks the state's question again, in its version for the
// crisis at hand when it has one (reprompt.risk_check.abuse_dv).
func (t *turn) reprompt(s Session) Outcome {
	step, _ := flows.StepOf(s.Flow.State())
	if step.Reprompt == "" {
		return Outcome{Session: s}
	}
	return Outcome{Session: s, Reply: t.textFor(s, step.Reprompt)}
}

// compose is the reply a state gives with body: body, then the state's
// footer, if it has one.
func compose(lib *content.Library, lang content.Lang, state flows.State, body string) string {
	step, _ := flows.StepOf(state)
	if step.Footer == "" {
		return body
	}
	return body + "\n\n" + lib.Text(lang, step.Footer)
}

// crisisText is the referral for the verdict's category: the crisis text,
// or, for a possible risk, the direct question that carries the referral.
func (t *turn) crisisText(lang content.Lang) string {
	if t.verdict.Severity == safety.Possible {
		return t.e.lib.Text(lang, "risk_check."+string(t.verdict.Category))
	}
	return t.e.lib.Text(lang, "crisis."+string(t.verdict.Category))
}

// priorOf is what the line's last message asked, for reading the next
// in its light.
func priorOf(s Session) safety.Prior {
	switch s.Flow.Asked() {
	case flows.AskedRisk:
		return safety.Prior{Asked: safety.AskedRisk, Category: s.Category}
	case flows.AskedSafe:
		return safety.Prior{Asked: safety.AskedSafe, Category: s.Category}
	}
	return safety.Prior{}
}

// alert records that the human line must hear of this message, and counts
// it for the line's reports.
func (t *turn) alert(reason string, replied bool) {
	t.fx.alert = &alert{reason: reason, category: t.verdict.Category, severity: t.verdict.Severity, replied: replied}
	counter := tally.Crisis(t.verdict.Category)
	if t.verdict.Severity == safety.Possible {
		counter = tally.Possible(t.verdict.Category)
	}
	t.fx.counters = append(t.fx.counters, counter)
}

// language guesses a new texter's language from their first message:
// the language it is plainly written in, or one Spanish word in it.
func (t *turn) language() content.Lang {
	if t.meant().Lang != "" {
		return t.meant().Lang
	}
	if t.e.lib.Vocab.LooksSpanish(t.folded) {
		return content.Spanish
	}
	return content.English
}

// words adapts the content library to what flows.Parse needs.
type words struct{ lib *content.Library }

func (w words) Choices(folded string) []flows.Event {
	names := w.lib.Vocab.Picks(folded)
	out := make([]flows.Event, len(names))
	for i, n := range names {
		out[i] = flows.Event(n)
	}
	return out
}

func (w words) IsPlace(folded string) bool {
	_, ok := w.lib.PlaceOf(folded)
	return ok
}

// tip returns the next coping tip: none repeats until all were shown.
func (t *turn) tip(s *Session) string {
	tips := t.e.lib.Tips(s.Lang)
	if len(tips) == 0 {
		return ""
	}
	tip := tips[s.TipNext%len(tips)]
	s.TipNext = (s.TipNext + 1) % len(tips)
	return tip.Text
}

// maxGroups is how many groups one reply lists.
const maxGroups = 3

// groups lists groups of the session's kind for place, or groups that
// meet online.
func (t *turn) groups(s Session, place content.Place, online bool) string {
	lib := t.e.lib
	var list []content.Group
	id := "groups.results"
	if online {
		list, _ = lib.Groups(content.KindOnline, content.Place{}, maxGroups)
	} else {
		var local bool
		list, local = lib.Groups(s.GroupKind, place, maxGroups)
		if !local {
			id = "groups.none_near" // the list holds national groups only
		}
	}
	lines := make([]string, len(list))
	for i, g := range list {
		lines[i] = g.Listing(s.Lang)
	}
	return lib.Render(s.Lang, id, content.Vars{"groups": strings.Join(lines, "\n")})
}
