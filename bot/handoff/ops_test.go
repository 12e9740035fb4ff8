package handoff

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

func testEnv() env {
	return env{
		now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), responders: []staff{{"r1", "sealed1"}, {"r2", "sealed2"}},
		remind: 3 * time.Minute,
		render: func(lang content.Lang, id string, vars content.Vars) string {
			return string(lang) + ":" + id + ":" + vars["text"]
		},
	}
}

func waiting(n int64) Record {
	e := testEnv()
	return Record{N: n, Handle: "K7", Texter: "t1", Addr: "sealedT", To: "+15550001000", Lang: content.English,
		Category: requestCategory, Severity: safety.None, Status: Waiting, Created: e.now.Add(-time.Minute), Alerted: true}
}

// active is held by holder: on a phone unless the id is the console's.
func active(n int64, holder string) Record {
	r := waiting(n)
	r.Status, r.Holder = Active, holder
	if !strings.HasPrefix(holder, "web:") {
		r.HolderAddr = "sealed-" + holder
	}
	return r
}

// What a texter's message does to their handoff.
func TestOnMessage(t *testing.T) {
	crisis := safety.Verdict{Category: safety.Overdose, Severity: safety.Imminent}
	for _, tc := range []struct {
		name    string
		open    *Record
		m       message
		status  Status
		alerts  int  // alerts to responders
		relayed bool // the words went to the holder's phone
		queued  bool // the queue changed
	}{
		{"nothing open, not asked", nil, message{id: "m", text: "hi"}, "", 0, false, false},
		{"opens and alerts", nil, message{id: "m", open: true, text: "person", new: opening{n: 9, handle: "K7", texter: "t1"}}, Waiting, 2, false, true},
		{"opens off hours, no alert", nil, message{id: "m", open: true, offHours: true, new: opening{n: 9, handle: "K7", texter: "t1"}}, Waiting, 0, false, true},
		{"waiting, same severity", ptr(waiting(9)), message{id: "m", text: "hello?", new: opening{severity: safety.None}}, Waiting, 0, false, false},
		{"waiting, raised", ptr(waiting(9)), message{id: "m", text: "i took pills", verdict: crisis, new: opening{category: safety.Overdose, severity: safety.Imminent}}, Waiting, 2, false, true},
		{"held on a phone: relayed", ptr(active(9, "r1")), message{id: "m", text: "still here"}, Active, 0, true, false},
		{"held on the console: kept only", ptr(active(9, "web:sam")), message{id: "m", text: "still here"}, Active, 0, false, false},
		{"held, raised: no alert", ptr(active(9, "r1")), message{id: "m", text: "i took pills", verdict: crisis, new: opening{category: safety.Overdose, severity: safety.Imminent}}, Active, 0, true, false},
		{"raised without the words: kept once already", ptr(waiting(9)), message{id: "m:again", verdict: crisis, new: opening{category: safety.Overdose, severity: safety.Imminent}}, Waiting, 2, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, a := onMessage(testEnv(), tc.open, nil, tc.m)
			var status Status
			if len(c.records) > 0 {
				status = c.records[len(c.records)-1].Status
			}
			if status != tc.status {
				t.Errorf("state %q, want %q", status, tc.status)
			}
			if kept := len(c.said) > 0; kept != a.Kept || kept != (tc.status != "" && tc.m.text != "") {
				t.Errorf("kept %v, answered kept %v", kept, a.Kept)
			}
			alerts, relays := 0, 0
			for _, s := range c.sends {
				switch s.v.To {
				case "sealed1", "sealed2":
					alerts++
				case "sealed-r1":
					relays++
				}
			}
			if alerts != tc.alerts || (relays == 1) != tc.relayed || relays > 1 {
				t.Errorf("%d alerts, %d relays; want %d alerts, relayed %v", alerts, relays, tc.alerts, tc.relayed)
			}
			if (len(c.queue) > 0) != tc.queued {
				t.Errorf("queue changes %v, want some: %v", c.queue, tc.queued)
			}
			if tc.m.text != "" && tc.status != "" && len(c.said) != 1 {
				t.Errorf("transcript lines %d, want the words once", len(c.said))
			}
		})
	}
}

func ptr(r Record) *Record { return &r }

// A responder's action: who may do what.
func TestOnAct(t *testing.T) {
	mine := active(9, "r1")
	other := active(9, "r2")
	for _, tc := range []struct {
		name   string
		verb   Verb
		handle string
		named  *Record
		held   []Record
		want   Reply
		status Status // of the handoff after
	}{
		{"take a waiting one", Take, "K7", ptr(waiting(9)), nil, Taken, Active},
		{"take one held by another", Take, "K7", &other, nil, TakenOther, ""},
		{"take again what I hold", Take, "K7", &mine, []Record{mine}, Taken, ""},
		{"take an unknown handle", Take, "Z9", nil, nil, Unknown, ""},
		{"pass with nothing held", Pass, "", nil, nil, NoneHeld, ""},
		{"pass with two held", Pass, "", nil, []Record{mine, active(10, "r1")}, Which, ""},
		{"pass what I hold", Pass, "", nil, []Record{mine}, Passed, Waiting},
		{"close another's", Close, "K7", &other, nil, TakenOther, ""},
		{"close a waiting one", Close, "K7", ptr(waiting(9)), nil, NoneHeld, ""},
		{"close what I hold", Close, "", nil, []Record{mine}, Ended, Closed},
		{"words for the texter", Say, "", nil, []Record{mine}, Relayed, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := act{Action: Action{ID: "a1", Responder: "r1", Verb: tc.verb, Handle: tc.handle, Text: "hi"}}
			c, ans := onAct(testEnv(), a, tc.named, tc.held, func(Record) bool { return true })
			if ans.Reply != tc.want {
				t.Errorf("reply %q; want %q", ans.Reply, tc.want)
			}
			if tc.status != "" && (len(c.records) != 1 || c.records[0].Status != tc.status) {
				t.Errorf("wrote %+v; want one record, %s", c.records, tc.status)
			}
			if tc.want == Taken && tc.named.Status == Waiting && !math.IsNaN(c.queue[9]) {
				t.Error("a taken handoff stays in the queue")
			}
			if tc.want == Ended && (c.texters["t1"] != 0 || len(c.records) != 1 || c.records[0].Status != Closed) {
				t.Errorf("close wrote %+v", c.records)
			}
		})
	}
}

// Reminders: due only when the time comes; an off-hours request waits
// for duty hours and its texter is never reminded.
func TestDue(t *testing.T) {
	e := testEnv()
	r := waiting(9)
	r.RemindAt = e.now.Add(time.Minute)
	if _, fired := due(e, r, true, 3); fired {
		t.Error("fired before it was due")
	}
	r.RemindAt = e.now
	c, fired := due(e, r, true, 3)
	if !fired || len(c.sends) != 3 {
		t.Errorf("due: fired %v, %d sends; want the texter reminded and two alerts", fired, len(c.sends))
	}
	off := waiting(9)
	off.Alerted, off.OffHours = false, true
	if _, fired := due(e, off, false, 3); fired {
		t.Error("alerted off duty")
	}
	c, fired = due(e, off, true, 3)
	if !fired || len(c.sends) != 2 || !c.records[0].OffHours {
		t.Errorf("on duty: fired %v, %d sends, %+v; want the two alerts only", fired, len(c.sends), c.records)
	}
	c.records[0].RemindAt = e.now
	c, _ = due(e, c.records[0], true, 3)
	for _, s := range c.sends {
		if s.v.Texter != "" {
			t.Errorf("an off-hours texter was reminded: %+v", s.v)
		}
	}
}
