package handoff

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/outbox"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

// Status is where a handoff is.
type Status string

// Statuses of a handoff.
const (
	Waiting Status = "waiting" // in the queue: nobody holds it
	Active  Status = "active"  // a responder holds it
	Closed  Status = "closed"
)

// requestCategory labels a handoff asked for without any triage signal.
const requestCategory safety.Category = "request"

// Record is one handoff, as stored: everything about it but its
// transcript and audit trail.
type Record struct {
	N          int64           `json:"n"`
	Handle     string          `json:"handle"`
	Texter     string          `json:"texter"` // the texter's pseudonym; "" once erased
	Addr       string          `json:"addr"`   // the texter's address, sealed; "" once erased
	To         string          `json:"to"`     // the line's number the texter wrote to
	WhatsApp   bool            `json:"whatsapp,omitempty"`
	Lang       content.Lang    `json:"lang"`
	Category   safety.Category `json:"category"`
	Severity   safety.Severity `json:"severity"`
	Status     Status          `json:"status"`
	Holder     string          `json:"holder,omitempty"`      // the responder's id while active
	HolderAddr string          `json:"holder_addr,omitempty"` // sealed; "" for one on the console
	Created    time.Time       `json:"created"`
	Taken      time.Time       `json:"taken,omitzero"`
	Closed     time.Time       `json:"closed,omitzero"`
	RemindAt   time.Time       `json:"remind_at,omitzero"`
	Reminders  int             `json:"reminders,omitempty"`
	Alerted    bool            `json:"alerted,omitempty"`   // responders were alerted
	OffHours   bool            `json:"off_hours,omitempty"` // asked for outside duty hours: its texter was given the 24/7 lines, not told to wait
	Reason     string          `json:"reason"`
	Recent     []string        `json:"recent,omitempty"` // the texter's last words, for TAKE
	Erased     bool            `json:"erased,omitempty"`
}

// Party is who wrote a line of a transcript.
type Party string

// Parties.
const (
	FromTexter    Party = "texter"
	FromResponder Party = "responder"
	FromNote      Party = "note" // a responder's private note: never sent
)

// Said is one line of a transcript, as stored.
type Said struct {
	At        time.Time       `json:"at"`
	From      Party           `json:"from"`
	Responder string          `json:"responder,omitempty"`
	Text      string          `json:"text"`
	Category  safety.Category `json:"category,omitempty"` // triage's flag on a texter's words that signal danger
	Severity  safety.Severity `json:"severity,omitempty"`
}

// nanScore takes a handoff out of the queue.
var nanScore = math.NaN()

// rank orders severities for the queue.
func rank(s safety.Severity) float64 {
	switch s {
	case safety.Possible:
		return 0.5
	case safety.Moderate:
		return 1
	case safety.High:
		return 2
	case safety.Imminent:
		return 3
	}
	return 0
}

// score is a waiting record's place in the queue: by severity, then age.
func (r Record) score() float64 {
	return (3-rank(r.Severity))*1e13 + float64(r.Created.UnixMilli())
}

// render writes a text in a language with its placeholders filled.
type render func(lang content.Lang, id string, vars content.Vars) string

// env is what every operation knows besides the records.
type env struct {
	now        time.Time
	from       string // the line's sender; "" for the number the texter wrote to
	responders []staff
	remind     time.Duration
	calls      bool // a texter's CALL reaches a person: the joined text says so
	render     render
}

// staff is a responder as the line alerts them.
type staff struct{ id, addr string } // addr sealed

// delta is what one operation does, committed together: the records it
// writes, the lines of transcripts and audit trails it adds, the index
// changes, the messages to send and the changes consoles are told of.
type delta struct {
	records []Record
	said    []entry[Said]
	notes   []entry[outbox.Note]
	queue   map[int64]float64 // n: score to queue it with; math.NaN() takes it out
	handles map[string]int64  // handle: n of the open handoff, 0 to free it
	rested  []string          // handles freed now: none is given out again for a while
	texters map[string]int64  // texter: n of their open handoff, 0 when none
	holds   map[string][]int64
	all     map[string][]int64   // texter: every n of theirs, nil to forget them
	sends   []entry[outbox.Item] // with the record whose audit trail notes them
	events  []Change
	forget  string               // a texter whose queued messages must not go out
	unsaid  []int64              // handoffs whose transcripts go
	marks   map[string]*bot.Seen // texter: the last message heard of from them; nil to forget it
}

type entry[T any] struct {
	n int64
	v T
}

func newDelta() *delta {
	return &delta{queue: map[int64]float64{}, handles: map[string]int64{}, texters: map[string]int64{},
		holds: map[string][]int64{}, all: map[string][]int64{}, marks: map[string]*bot.Seen{}}
}

// put records r as written; the last write of a record wins.
func (c *delta) put(r Record) {
	for i := range c.records {
		if c.records[i].N == r.N {
			c.records[i] = r
			return
		}
	}
	c.records = append(c.records, r)
}

func (c *delta) audit(e env, r Record, who, what, about string) {
	c.notes = append(c.notes, entry[outbox.Note]{r.N, outbox.Note{At: e.now, Who: who, What: what, About: about}})
}

func (c *delta) publish(r Record, what Happened) {
	c.events = append(c.events, Change{Handle: r.Handle, What: what})
}

// send enqueues one message (or call) about r to a responder, or to its
// texter when responder is ""; id makes it happen once. It comes from
// the line's sender, or else the number the texter wrote to, by SMS
// unless it goes to a WhatsApp texter. Each one's messages arrive in the
// order they were sent.
func (c *delta) send(e env, r Record, id, responder, to, body string, kind outbox.Kind) *outbox.Item {
	toTexter := responder == ""
	from := e.from
	if from == "" {
		from = r.To
	}
	wa := strings.HasPrefix(from, "whatsapp:")
	switch {
	case kind == outbox.Call || !toTexter || !r.WhatsApp:
		// Calls and responders' texts go by phone: a WhatsApp sender is its
		// number; a Messaging Service cannot call.
		from = strings.TrimPrefix(from, "whatsapp:")
		if kind == outbox.Call && strings.HasPrefix(from, "MG") {
			from = strings.TrimPrefix(r.To, "whatsapp:")
		}
	case !wa && !strings.HasPrefix(from, "MG"):
		from = "whatsapp:" + from
	}
	it := outbox.Item{ID: id, Kind: kind, To: to, From: from, Body: body}
	if toTexter {
		it.Texter = r.Texter
	} else {
		it.Lane = "r:" + responder
	}
	c.sends = append(c.sends, entry[outbox.Item]{r.N, it})
	return &c.sends[len(c.sends)-1].v
}

func (c *delta) toTexter(e env, r Record, id, textID string) {
	c.send(e, r, id, "", r.Addr, e.render(r.Lang, textID, nil), outbox.SMS)
}

// alertAll alerts every responder of r; tag makes each alert once. An
// alert that can wait for a person goes as gist, with the alerts piled up
// for the same phone, in one message; a crisis goes first.
func (c *delta) alertAll(e env, r Record, textID, gist, tag string) {
	body := fill(e, textID, r, "")
	var line, head string
	if gist != "" {
		line, head = fill(e, gist, r, ""), fill(e, "responder.alerts", r, "")
	}
	for _, s := range e.responders {
		it := c.send(e, r, fmt.Sprintf("%d:%s:%s", r.N, tag, s.id), s.id, s.addr, body, outbox.SMS)
		it.Rank, it.Gist, it.Head = int(2*rank(r.Severity)), line, head
	}
	c.audit(e, r, "line", "alerted", tag)
}

// fill is a responder's text (responders read English) about r: its
// {handle}, {category}, {severity} and {wait}, and the texter's own
// words for {text}.
func fill(e env, id string, r Record, words string) string {
	return e.render(content.English, id, content.Vars{"handle": r.Handle, "category": string(r.Category),
		"severity": string(r.Severity), "wait": waited(e.now, r.Created), "text": words})
}

// closeOut ends r: out of the queue, its handle freed, the texter's
// pointer freed when it points to r, and out of its holder's hands
// (held: what the holder holds).
func (c *delta) closeOut(e env, r Record, who, why string, pointer bool, held []int64) Record {
	c.queue[r.N] = nanScore
	c.handles[r.Handle] = 0
	c.rested = append(c.rested, r.Handle)
	if pointer {
		c.texters[r.Texter] = 0
	}
	if r.Holder != "" {
		c.holds[r.Holder] = without(held, r.N)
	}
	r.Status, r.Closed = Closed, e.now
	c.put(r)
	c.audit(e, r, who, "closed", why)
	c.publish(r, ChangeClosed)
	return r
}

// without is ns without n.
func without(ns []int64, n int64) []int64 {
	return slices.DeleteFunc(slices.Clone(ns), func(m int64) bool { return m == n })
}

// opening is a new handoff for a texter's message.
type opening struct {
	n        int64
	handle   string // "" for an alert, which is never taken
	texter   string
	addr     string // sealed
	to       string
	whatsApp bool
	lang     content.Lang
	category safety.Category
	severity safety.Severity
	reason   string
}

// create opens a handoff: waiting, or, for an alert, closed at once.
func (c *delta) create(e env, o opening, status Status, past []int64) Record {
	r := Record{
		N: o.n, Handle: o.handle, Texter: o.texter, Addr: o.addr, To: o.to, WhatsApp: o.whatsApp, Lang: o.lang,
		Category: o.category, Severity: o.severity, Status: status, Created: e.now, RemindAt: e.now.Add(e.remind),
		Reason: o.reason,
	}
	if r.Handle == "" {
		r.Handle = "N" + strconv.FormatInt(o.n, 10)
	}
	c.put(r)
	c.audit(e, r, "texter", "opened", fmt.Sprintf("%s %s %s", o.reason, o.category, o.severity))
	c.all[o.texter] = append(slices.Clone(past), o.n)
	if status == Waiting {
		c.handles[r.Handle] = r.N
		c.texters[o.texter] = r.N
		c.queue[r.N] = r.score()
	}
	return r
}

// remember keeps a texter's words on r for the transcript and TAKE.
func (c *delta) remember(e env, r Record, text string, v safety.Verdict) Record {
	if text == "" {
		return r
	}
	s := Said{At: e.now, From: FromTexter, Text: text}
	if v.Crisis() {
		s.Category, s.Severity = v.Category, v.Severity
	}
	c.said = append(c.said, entry[Said]{r.N, s})
	r.Recent = append(slices.Clone(r.Recent), clip(text, maxRecent))
	if len(r.Recent) > recentKept {
		r.Recent = r.Recent[len(r.Recent)-recentKept:]
	}
	return r
}

// recentKept is how many of the texter's last messages TAKE shows.
const recentKept = 5
