package bot

import (
	"strings"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/bot/tally"
	"github.com/textline/textline/content"
	"github.com/textline/textline/flows"
)

// fired is the row a message followed, from where, by which event.
type fired struct {
	row  flows.Transition
	from flows.State
	ev   flows.Event
}

// action is what the engine does for one flows.Action: the only code that
// runs on a transition, used by the engine and by Lint alike.
type action struct {
	// run does it, on the session already moved; it returns the reply's
	// body, or "" for the row's own text.
	run func(t *turn, s *Session, f fired) string
	// bodies lists every body run can return in lang, for Lint; nil
	// means the row's own text.
	bodies func(lib *content.Library, lang content.Lang, row flows.Transition) []reply
}

// actions is the registry of every flows.Action.
var actions = map[flows.Action]action{
	flows.DoTip: {
		run: func(t *turn, s *Session, _ fired) string { return t.tip(s) },
		bodies: func(lib *content.Library, lang content.Lang, _ flows.Transition) []reply {
			var out []reply
			for _, tip := range lib.Tips(lang) {
				out = append(out, reply{"tips.yaml: " + tip.ID, tip.Text})
			}
			return out
		},
	},
	flows.DoKind: {run: func(_ *turn, s *Session, f fired) string {
		s.GroupKind = groupKinds[f.ev]
		return ""
	}},
	flows.DoGroups: {
		run: func(t *turn, s *Session, _ fired) string {
			place, _ := t.e.lib.PlaceOf(t.folded)
			return t.groups(*s, place, false)
		},
		bodies: groupBodies,
	},
	flows.DoOnline: {
		run:    func(t *turn, s *Session, _ fired) string { return t.groups(*s, content.Place{}, true) },
		bodies: groupBodies,
	},
	// Groups asked for in one text: of the kind named (peer support when
	// none was), for the place named.
	flows.DoFind: {
		run: func(t *turn, s *Session, _ fired) string {
			s.GroupKind = t.meant().Slots.Kind
			if s.GroupKind == "" {
				s.GroupKind = content.KindPeer
			}
			return t.groups(*s, t.meant().Slots.Place, false)
		},
		bodies: groupBodies,
	},
	flows.DoShare: {
		run: func(t *turn, s *Session, _ fired) string {
			id := "share.heard"
			if f := t.meant().Slots.Feeling; f != "" {
				id = "share." + string(f)
			}
			return t.textFor(*s, id)
		},
		bodies: withPrefix("share.", false),
	},
	flows.DoAbout: {
		run: func(t *turn, s *Session, _ fired) string {
			return t.textFor(*s, "about."+string(t.meant().Slots.Topic))
		},
		bodies: withPrefix("about.", false),
	},
	flows.DoFeedback: {run: func(t *turn, _ *Session, f fired) string {
		t.fx.counters = append(t.fx.counters, tally.Feedback(f.ev))
		return ""
	}},
	flows.DoCrisis: answers("crisis", "crisis.", 0),
	flows.DoUrgent: answers("crisis", "crisis.", callsLine|tellsTexter),
	// The person who holds it reads the message; the referral still goes
	// out at once.
	flows.DoHeld: answers("crisis during a handoff", "crisis.", callsLine),
	flows.DoAsk:  answers("possible crisis: asked directly", "risk_check.", 0),
	flows.DoUnsafe: {
		run: func(t *turn, s *Session, f fired) string {
			t.verdict = safety.Verdict{Category: s.Category, Severity: safety.Imminent}
			s.keepCrisis(t.verdict)
			t.alert("not safe right now", true)
			body := t.textFor(*s, f.row.Say)
			if f.row.To == flows.Waiting || f.from == flows.Waiting || f.from == flows.WithPerson {
				t.toLine(*s, HandoffOpen, "not safe right now")
			}
			if f.row.To == flows.Waiting {
				body += "\n" + t.e.lib.Text(s.Lang, "handoff.notice")
			}
			return body
		},
		bodies: func(lib *content.Library, lang content.Lang, row flows.Transition) []reply {
			return withPrefix(row.Say, row.To == flows.Waiting)(lib, lang, row)
		},
	},
	flows.DoAlertOnly: {run: func(t *turn, s *Session, _ fired) string {
		t.alert("crisis from an opted-out texter", false)
		t.toLine(*s, HandoffAlert, "crisis from an opted-out texter")
		return ""
	}},
	flows.DoHandoff: handsOver(HandoffOpen, "asked for a person"),
	flows.DoLater: {run: func(t *turn, s *Session, _ fired) string {
		t.toLine(*s, HandoffOpen, "asked for a person off hours")
		t.handoff.OffHours = true
		s.AskedLater = true
		return ""
	}},
	// Open, not only relay: a handoff lost after it was promised is
	// opened again, at the most severe risk the texter's crisis had.
	flows.DoWait: {run: func(t *turn, s *Session, _ fired) string {
		t.toLine(*s, HandoffOpen, "still waiting")
		if held := s.crisis(); held.Crisis() && !t.verdict.Severity.AtLeast(held.Severity) {
			t.handoff.Verdict = held
		}
		return ""
	}},
	flows.DoRelay:    handsOver(HandoffMessage, ""),
	flows.DoCallBack: handsOver(HandoffCall, "asked for a call"),
	flows.DoCancel:   handsOver(HandoffCancel, "texter stopped waiting"),
	flows.DoOptOut: {run: func(t *turn, s *Session, f fired) string {
		if t.e.HumanLine != nil {
			// Also a request made off hours, whose texter stayed with the
			// bot: nobody may take it now.
			t.toLine(*s, HandoffLeave, "opted out")
		}
		// Only what is needed to stay silent until START is kept: the
		// conversation itself is forgotten. The carrier confirms opt-outs
		// itself, so Textline sends nothing.
		*s = Session{Flow: s.Flow, Lang: s.Lang, StopHinted: s.StopHinted, Turns: s.Turns, LastSeen: s.LastSeen}
		return ""
	}},
	flows.DoErase: {run: func(t *turn, s *Session, _ fired) string {
		t.erase = true
		t.toLine(*s, HandoffErase, "deleted")
		return ""
	}},
}

// groupKinds are the kinds of group the groups step's choices pick.
var groupKinds = map[flows.Event]content.GroupKind{flows.EvPeer: content.KindPeer, flows.EvFamily: content.KindFamily}

// involves is how a crisis action involves the human line.
type involves uint8

const (
	callsLine   involves = 1 << iota // ask the human line to open (or raise) a handoff
	tellsTexter                      // and say so under the referral
)

// answers is an action that answers a crisis: it keeps the category,
// alerts, and sends the referral for the verdict (texts starting with
// prefix), involving the human line as line says.
func answers(reason, prefix string, line involves) action {
	return action{
		run: func(t *turn, s *Session, _ fired) string {
			s.keepCrisis(t.verdict)
			t.alert(reason, true)
			body := t.crisisText(s.Lang)
			if line&callsLine != 0 {
				t.toLine(*s, HandoffOpen, reason)
			}
			if line&tellsTexter != 0 {
				body += "\n" + t.e.lib.Text(s.Lang, "handoff.notice")
			}
			return body
		},
		bodies: withPrefix(prefix, line&tellsTexter != 0),
	}
}

// handsOver is an action that only asks the human line for something:
// the row says the rest.
func handsOver(kind HandoffKind, reason string) action {
	return action{run: func(t *turn, s *Session, _ fired) string {
		t.toLine(*s, kind, reason)
		return ""
	}}
}

// withPrefix lists every text whose id starts with prefix, with the
// handoff notice under it when notice is set.
func withPrefix(prefix string, notice bool) func(*content.Library, content.Lang, flows.Transition) []reply {
	return func(lib *content.Library, lang content.Lang, _ flows.Transition) []reply {
		var out []reply
		for _, id := range lib.IDs(lang) {
			if !strings.HasPrefix(id, prefix) {
				continue
			}
			r := reply{"messages.yaml: " + id, lib.Text(lang, id)}
			if notice {
				r.where += " with handoff.notice"
				r.text += "\n" + lib.Text(lang, "handoff.notice")
			}
			out = append(out, r)
		}
		return out
	}
}

func groupBodies(lib *content.Library, lang content.Lang, _ flows.Transition) []reply {
	worst := longestGroups(lib, lang)
	var out []reply
	for _, id := range []string{"groups.results", "groups.none_near"} {
		out = append(out, reply{"messages.yaml: " + id, lib.Render(lang, id, content.Vars{"groups": worst})})
	}
	return out
}
