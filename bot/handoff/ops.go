package handoff

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/outbox"
	"github.com/textline/textline/bot/safety"
)

// The operations of the human line, as pure functions: given the records
// an operation reads and what it is asked, each returns what to write
// (a delta) and what to answer. store.go loads, commits and retries.

// The answers of the operations are stored with them, so that the same
// message or action done again answers the same.

// heard is what a texter's operation answers.
type heard struct {
	Handle  string       `json:"handle,omitempty"`
	Created bool         `json:"created,omitempty"`
	Kept    bool         `json:"kept,omitempty"`  // the message's words are in a transcript
	Found   bot.Presence `json:"found,omitempty"` // where the line had the texter, when heard first
	// Not committed, so never kept as the answer: the hearing was planned
	// on a session older than the last message the line heard of, which
	// Stale gives, or would open a handoff and has no number for it
	// (Number).
	Stale  *bot.Seen `json:"-"`
	Number bool      `json:"-"`
}

// acted is what a responder's operation answers.
type acted struct {
	Reply    Reply           `json:"reply,omitempty"`
	Handle   string          `json:"handle,omitempty"`
	Category safety.Category `json:"category,omitempty"`
	Severity safety.Severity `json:"severity,omitempty"`
	Handles  string          `json:"handles,omitempty"` // what they hold, for Which
	Recent   string          `json:"recent,omitempty"`  // the texter's last words, for Taken
	Fresh    bool            `json:"fresh,omitempty"`   // TAKE of a waiting handoff
	Since    time.Time       `json:"since,omitzero"`
}

// Reply is a responder's answer, the id of its text (responder.<reply>).
type Reply string

// Replies to a responder.
const (
	Taken      Reply = "taken"
	TakenOther Reply = "taken_other"
	Unknown    Reply = "unknown"
	NoneHeld   Reply = "none_held"
	Which      Reply = "which"
	Passed     Reply = "passed"
	Ended      Reply = "closed"
	Noted      Reply = "noted"
	Relayed    Reply = "" // words for the texter: nothing to answer
)

// message is a texter's message for the human line.
type message struct {
	id       string // the message id
	open     bool   // open a handoff when there is none
	offHours bool
	text     string
	verdict  safety.Verdict
	new      opening // the handoff to open, when there is none
}

// onMessage keeps a texter's message: it opens their handoff when asked,
// raises its severity, and relays the words to whoever holds it.
func onMessage(e env, open *Record, past []int64, m message) (*delta, heard) {
	c := newDelta()
	var r Record
	created := false
	switch {
	case open == nil && !m.open:
		return c, heard{}
	case open == nil:
		r = c.create(e, m.new, Waiting, past)
		created = true
		if m.offHours {
			r.OffHours = true
		} else {
			r.Alerted = true
			c.alertAll(e, r, "responder.alert", "responder.alert_line", "alert")
		}
	default:
		r = *open
		if rank(m.new.severity) > rank(r.Severity) {
			r.Category, r.Severity, r.OffHours = m.new.category, m.new.severity, false
			c.audit(e, r, "texter", "raised", fmt.Sprintf("%s %s", r.Category, r.Severity))
			if r.Status == Waiting {
				c.queue[r.N] = r.score()
				r.Alerted, r.RemindAt = true, e.now.Add(e.remind)
				c.alertAll(e, r, "responder.alert", "responder.alert_line", "raised:"+m.id)
			}
		}
	}
	r.Lang = m.new.lang
	r = c.remember(e, r, m.text, m.verdict)
	c.put(r)
	c.publish(r, map[bool]Happened{true: ChangeOpened, false: ChangeMessage}[created])
	// A responder on the console reads the transcript; one on a phone gets
	// the words by SMS.
	if r.Status == Active && m.text != "" && r.HolderAddr != "" {
		relay, words := "responder.relay", clip(m.text, maxRelayed)
		if m.verdict.Crisis() {
			relay = "responder.relay_flag"
		}
		it := c.send(e, r, m.id+":relay", r.Holder, r.HolderAddr, fill(e, relay, r, words), outbox.SMS)
		if m.verdict.Crisis() {
			it.Rank = int(2 * rank(m.verdict.Severity))
		}
	}
	return c, heard{Handle: r.Handle, Created: created, Kept: m.text != ""}
}

// onAlert is a crisis from a texter who opted out: the responders hear
// of it; the texter cannot be answered.
func onAlert(e env, past []int64, m message) (*delta, heard) {
	c := newDelta()
	r := c.create(e, m.new, Closed, past)
	r.Closed, r.Alerted = e.now, true
	c.alertAll(e, r, "responder.alert_optedout", "", "alert")
	r = c.remember(e, r, m.text, m.verdict)
	c.put(r)
	return c, heard{Handle: r.Handle, Kept: m.text != ""}
}

// onLeave ends the handoff of a texter who opted out, and tells its
// holder.
func onLeave(e env, open *Record, held []int64, id string) (*delta, heard) {
	c := newDelta()
	if open == nil {
		return c, heard{}
	}
	r := *open
	if r.HolderAddr != "" {
		c.send(e, r, id+":left", r.Holder, r.HolderAddr, fill(e, "responder.texter_left", r, ""), outbox.SMS)
	}
	c.closeOut(e, r, "texter", "opted out", true, held)
	return c, heard{Handle: r.Handle}
}

// onCancel closes the handoff of a texter who stopped waiting.
func onCancel(e env, open *Record) (*delta, heard) {
	c := newDelta()
	if open != nil && open.Status == Waiting {
		c.closeOut(e, *open, "texter", "stopped waiting", true, nil)
	}
	return c, heard{}
}

// onErase is DELETE: the texter's handoffs lose their transcripts and
// address; their audit trails keep that it happened, with no words; and
// nothing still queued reaches them.
func onErase(e env, texter string, open *Record, held []int64, past []Record) (*delta, heard) {
	c := newDelta()
	if open != nil {
		closed := c.closeOut(e, *open, "texter", "erased", true, held)
		past = append(slices.DeleteFunc(slices.Clone(past), func(r Record) bool { return r.N == open.N }), closed)
	}
	for _, r := range past {
		r.Texter, r.Addr, r.Recent, r.Erased = "", "", nil, true
		c.put(r)
		c.unsaid = append(c.unsaid, r.N)
		c.audit(e, r, "texter", "erased", "")
	}
	c.all[texter] = nil
	c.marks[texter] = nil
	c.forget = texter
	return c, heard{}
}

// onCall is the texter's CALL: a call to them, put through to the human
// line.
func onCall(e env, open *Record, id, twiml string) (*delta, heard) {
	c := newDelta()
	if open == nil {
		return c, heard{}
	}
	c.send(e, *open, id+":call", "", open.Addr, twiml, outbox.Call)
	c.audit(e, *open, "texter", "call requested", "")
	return c, heard{Handle: open.Handle}
}

// act is a responder's action on a handoff.
type act struct {
	Action
	raddr string // the responder's phone, sealed; "" from the console
}

// resolve finds what an action is about: the handle named, or the one
// the responder holds.
func resolve(a act, named *Record, held []Record) (*Record, Reply) {
	if a.Handle != "" {
		if named == nil || named.Status == Closed {
			return nil, Unknown
		}
		return named, ""
	}
	switch len(held) {
	case 0:
		return nil, NoneHeld
	case 1:
		return &held[0], ""
	}
	return nil, Which
}

func handles(held []Record) string {
	out := make([]string, len(held))
	for i, r := range held {
		out[i] = r.Handle
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// onAct does a responder's TAKE, PASS, CLOSE or words for the texter.
// pointer reports whether the texter's pointer to their open handoff
// points to the one acted on (CLOSE frees it only then).
func onAct(e env, a act, named *Record, held []Record, pointer func(Record) bool) (*delta, acted) {
	c := newDelta()
	// Only an active handoff is held: one closed under its holder (the
	// texter left) is not, and leaves the list with this action.
	held = slices.DeleteFunc(slices.Clone(held), func(r Record) bool { return r.Status != Active || r.Holder != a.Responder })
	r0, why := resolve(a, named, held)
	if r0 == nil {
		return c, acted{Reply: why, Handles: handles(held)}
	}
	r := *r0
	if a.Verb == Take {
		if r.Status == Active && r.Holder != a.Responder {
			c.audit(e, r, a.Responder, "take refused", "held by "+r.Holder)
			return c, acted{Reply: TakenOther, Handle: r.Handle}
		}
		fresh := r.Status == Waiting
		if fresh {
			c.queue[r.N] = nanScore
			c.holds[a.Responder] = append(heldIDs(held), r.N)
			r.Status, r.Holder, r.HolderAddr, r.Taken = Active, a.Responder, a.raddr, e.now
			c.put(r)
			c.audit(e, r, a.Responder, "taken", "")
			c.publish(r, ChangeTaken)
			joined := "handoff.joined"
			if e.calls {
				joined = "handoff.joined_call"
			}
			c.toTexter(e, r, fmt.Sprintf("%d:joined:%s", r.N, a.ID), joined)
		}
		return c, acted{Reply: Taken, Handle: r.Handle, Category: r.Category, Severity: r.Severity,
			Recent: quoted(r.Recent), Fresh: fresh, Since: r.Created}
	}
	if r.Holder != a.Responder || r.Status != Active {
		why := NoneHeld
		if r.Status == Active {
			why = TakenOther
		}
		return c, acted{Reply: why, Handle: r.Handle}
	}
	switch a.Verb {
	case Say:
		c.said = append(c.said, entry[Said]{r.N, Said{At: e.now, From: FromResponder, Responder: a.Responder, Text: a.Text}})
		c.send(e, r, a.ID+":say", "", r.Addr, a.Text, outbox.SMS)
		c.audit(e, r, a.Responder, "replied", "")
		c.publish(r, ChangeMessage)
		return c, acted{Reply: Relayed, Handle: r.Handle}
	case Pass:
		c.holds[a.Responder] = without(heldIDs(held), r.N)
		r.Status, r.Holder, r.HolderAddr, r.RemindAt, r.Alerted = Waiting, "", "", e.now.Add(e.remind), true
		c.queue[r.N] = r.score()
		c.put(r)
		c.audit(e, r, a.Responder, "passed", "")
		c.publish(r, ChangePassed)
		c.toTexter(e, r, fmt.Sprintf("%d:passed:%s", r.N, a.ID), "handoff.passed")
		c.alertAll(e, r, "responder.alert", "responder.alert_line", "passed:"+a.ID)
		return c, acted{Reply: Passed, Handle: r.Handle}
	}
	r = c.closeOut(e, r, a.Responder, "closed by responder", pointer(r), heldIDs(held))
	c.toTexter(e, r, fmt.Sprintf("%d:closed", r.N), "handoff.closed")
	return c, acted{Reply: Ended, Handle: r.Handle}
}

func quoted(recent []string) string {
	out := make([]string, len(recent))
	for i, t := range recent {
		out[i] = "> " + t
	}
	return strings.Join(out, "\n")
}

func heldIDs(held []Record) []int64 {
	out := make([]int64, len(held))
	for i, r := range held {
		out[i] = r.N
	}
	return out
}

// onNote adds a responder's private note to the transcript.
func onNote(e env, r *Record, responder, text string) (*delta, acted) {
	c := newDelta()
	if r == nil {
		return c, acted{Reply: Unknown}
	}
	c.said = append(c.said, entry[Said]{r.N, Said{At: e.now, From: FromNote, Responder: responder, Text: text}})
	c.audit(e, *r, responder, "noted", "")
	c.publish(*r, ChangeMessage)
	return c, acted{Reply: Noted, Handle: r.Handle}
}

// due is what a reminder tick does to one waiting handoff: one asked for
// off hours is alerted once responders are on duty (its texter, who was
// given the 24/7 lines, gets no reminders); one nobody took in
// time reminds its texter (max times at most) and alerts the responders
// again. fired is false when nothing was due.
func due(e env, r Record, onDuty bool, max int) (c *delta, fired bool) {
	c = newDelta()
	switch {
	case !r.Alerted:
		if !onDuty {
			return c, false
		}
		r.Alerted, r.RemindAt = true, e.now.Add(e.remind)
		c.put(r)
		c.alertAll(e, r, "responder.alert", "responder.alert_line", fmt.Sprintf("on_duty:%d", e.now.UnixMilli()))
	case !r.RemindAt.After(e.now):
		r.Reminders++
		r.RemindAt = e.now.Add(e.remind)
		c.put(r)
		if !r.OffHours && r.Reminders <= max {
			c.toTexter(e, r, fmt.Sprintf("%d:reminder:%d", r.N, r.Reminders), "handoff.reminder")
		}
		c.alertAll(e, r, "responder.alert_again", "responder.alert_again_line", fmt.Sprintf("again:%d", r.Reminders))
	default:
		return c, false
	}
	return c, true
}
