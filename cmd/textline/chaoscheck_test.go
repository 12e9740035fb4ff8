//go:build unix

package main

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/textline/textline/bot/twilio/twiliotest"
)

// crisisTexter writes one crisis text, when told to.
type crisisTexter struct {
	from     string
	when     string // what Redis was doing then
	fellBack bool   // the line answered with the fallback
}

// crisisTexters are three texters, numbered from first.
func (c *chaos) crisisTexters(first int, when string) []*crisisTexter {
	out := make([]*crisisTexter, 3)
	for i := range out {
		out[i] = &crisisTexter{from: chaosTexter(first + i), when: when}
	}
	return out
}

// crisis has each texter of group write the crisis text, all at once;
// the returned wait returns when all are answered. Each answer must carry
// 988.
func (c *chaos) crisis(group []*crisisTexter) (wait func()) {
	var wg sync.WaitGroup
	for _, ct := range group {
		wg.Go(func() {
			reply, err := c.hook.text(ct.from, crisisText)
			switch {
			case err != nil:
				c.t.Errorf("crisis text with %s: %v", ct.when, err)
			case !strings.Contains(reply, "988"):
				c.t.Errorf("crisis text with %s answered %q, without 988", ct.when, reply)
			}
			ct.fellBack = c.say.fallback(reply)
		})
	}
	return wg.Wait
}

// fellBack checks that each texter of group, who wrote while Redis
// could not answer, got the fallback: the fault was felt, and what
// follows checks the way such a crisis reaches the human line.
func (c *chaos) fellBack(group []*crisisTexter) {
	for _, ct := range group {
		if !ct.fellBack {
			c.t.Errorf("the crisis text sent with %s was answered normally, not with the fallback", ct.when)
		}
	}
}

// told waits, for at most within, until every responder's phone was told
// of n crises.
func (c *chaos) told(n int, within time.Duration) bool {
	return c.await(within, func(sent []twiliotest.Sent) bool {
		for _, phone := range chaosResponders {
			if len(crisisHandles(c.say.alertsTo(sent, phone))) < n {
				return false
			}
		}
		return true
	})
}

// checkCrises checks that each crisis reached every responder's phone
// exactly once, and that those answered while Redis stalled reached them
// within alertBound of its return. A handle is the texter's whose
// texter hears that a person joined when a responder takes it.
func (c *chaos) checkCrises(crises, stalled []*crisisTexter, resumed time.Time) {
	if !c.told(len(crises), 10*time.Second) {
		c.t.Errorf("10s after the faults, not every responder was told of %d crises", len(crises))
	}
	alerts, handles := c.alertedOnce()
	began := time.Now()
	whose := c.whose(chaosResponders[1], handles, crises)
	c.t.Logf("responders took every crisis and its texter heard in %v", time.Since(began))
	var slowest time.Duration
	measured := 0
	for _, ct := range stalled {
		for h, from := range whose {
			for _, phone := range chaosResponders {
				if a := alerts[phone][h]; from == ct.from && a != nil {
					slowest, measured = max(slowest, a.first.Sub(resumed)), measured+1
				}
			}
		}
	}
	if measured > 0 {
		c.t.Logf("crises texted while Redis stalled reached every responder %v after it ran again (bound %v)", slowest, alertBound)
	}
	if slowest > alertBound {
		c.t.Errorf("a crisis texted while Redis stalled reached a responder %v after Redis ran again, over %v", slowest, alertBound)
	}
	for _, ct := range crises {
		var mine []string
		for h, from := range whose {
			if from == ct.from {
				mine = append(mine, h)
			}
		}
		switch {
		case len(mine) == 0:
			c.t.Errorf("the crisis texted with %s (answered with the fallback: %v) reached no responder: a lost crisis", ct.when, ct.fellBack)
		case len(mine) > 1:
			c.t.Errorf("the crisis texted with %s (answered with the fallback: %v) opened %d handoffs, %v; want one", ct.when, ct.fellBack, len(mine), mine)
		}
	}
}

// alertedOnce reads the alerts on each responder's phone, checks that
// each named a handle once and that every phone was told of the same
// crises, and returns them with the crises' handles.
func (c *chaos) alertedOnce() (map[string]map[string]*alerted, []string) {
	sent := c.api.Sent()
	alerts := map[string]map[string]*alerted{}
	for _, phone := range chaosResponders {
		alerts[phone] = c.say.alertsTo(sent, phone)
		for h, a := range alerts[phone] {
			if a.times != 1 {
				c.t.Errorf("%s was told of %s (%s) %d times, want once", phone, h, a.category, a.times)
			}
		}
	}
	handles := crisisHandles(alerts[chaosResponders[0]])
	for _, phone := range chaosResponders[1:] {
		if got := crisisHandles(alerts[phone]); !slices.Equal(got, handles) {
			c.t.Errorf("%s was told of crises %v; %s of %v", phone, got, chaosResponders[0], handles)
		}
	}
	return alerts, handles
}

// whose has responder take each handle, and finds by the join message
// which crisis texter it was.
func (c *chaos) whose(responder string, handles []string, crises []*crisisTexter) map[string]string {
	joined := func(sent []twiliotest.Sent) []twiliotest.Sent {
		var out []twiliotest.Sent
		for _, s := range sent {
			if s.Body == c.say.joined && slices.ContainsFunc(crises, func(ct *crisisTexter) bool { return ct.from == s.To }) {
				out = append(out, s)
			}
		}
		return out
	}
	out := map[string]string{}
	for _, h := range handles {
		before := len(joined(c.api.Sent()))
		reply, err := c.hook.text(responder, "TAKE "+h)
		if err != nil || !strings.HasPrefix(reply, "You have "+h+" ") {
			c.t.Errorf("TAKE %s answered %q, %v", h, reply, err)
			continue
		}
		if !c.await(10*time.Second, func(sent []twiliotest.Sent) bool { return len(joined(sent)) > before }) {
			c.t.Errorf("TAKE %s: no crisis texter was told in 10s that a person joined", h)
			continue
		}
		out[h] = joined(c.api.Sent())[before].To
	}
	return out
}

// checkRelays checks both sides of the held conversation, once what was
// answered normally arrived or 20 s passed.
func (c *chaos) checkRelays(handle, person, staff string, fromTexter, fromStaff []said) {
	toStaff, toTexter := handle+": texter line n", "responder line n"
	began := time.Now()
	c.await(20*time.Second, func(sent []twiliotest.Sent) bool {
		return len(missing(fromTexter, relayed(sent, staff, toStaff))) == 0 &&
			len(missing(fromStaff, relayed(sent, person, toTexter))) == 0
	})
	c.t.Logf("every relay answered normally had arrived, or not, %v after the load ended", time.Since(began))
	sent := c.api.Sent()
	checkRelay(c.t, "the texter's message", fromTexter, relayed(sent, staff, toStaff))
	checkRelay(c.t, "the responder's message", fromStaff, relayed(sent, person, toTexter))
}

// report logs what the run did.
func (c *chaos) report(walks []walked, crises []*crisisTexter, fromTexter, fromStaff []said) {
	var tips, fellBack int
	for _, w := range walks {
		tips, fellBack = tips+w.tips, fellBack+w.fellBack
	}
	held := 0
	for _, s := range slices.Concat(fromTexter, fromStaff) {
		if !s.normal {
			held++
		}
	}
	crisisFallbacks := 0
	for _, ct := range crises {
		if ct.fellBack {
			crisisFallbacks++
		}
	}
	c.t.Logf("%d walkers saw %d tips and %d fallbacks; the held conversation sent %d and %d messages, %d answered by the fallback; "+
		"%d of %d crisis texts answered by the fallback; %d requests sent again while serve restarted; slowest answer %v",
		len(walks), tips, fellBack, len(fromTexter), len(fromStaff), held, crisisFallbacks, len(crises),
		c.hook.resent.Load(), time.Duration(c.hook.slowest.Load()))
}
