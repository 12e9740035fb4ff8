package redisstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/flows"
)

func TestApplyTTL(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		sessionTTL, replyTTL   time.Duration
		wantSession, wantReply time.Duration
	}{
		{"defaults", 0, 0, 96 * time.Hour, 15 * time.Minute},
		{"configured", 5 * time.Hour, 7 * time.Minute, 5 * time.Hour, 7 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb := redistest.Client(t)
			s := New(rdb)
			s.SessionTTL, s.ReplyTTL = tc.sessionTTL, tc.replyTTL
			id := newTexter(t, rdb)
			// STOP must outlive the idle timeout, and START must end that.
			for i, optedOut := range []bool{false, true, true, false} {
				msg := fmt.Sprintf("SM%d", i)
				if _, err := s.Apply(t.Context(), id, msg, func(sess bot.Session) bot.Outcome {
					if optedOut {
						sess.Flow.Fire(flows.EvStop, false)
					} else {
						sess.Flow.Fire(flows.EvArrive, false)
						sess.Flow.Fire(flows.EvStart, false)
					}
					return bot.Outcome{Session: sess, Reply: "ok"}
				}); err != nil {
					t.Fatalf("Apply(%s): %v", msg, err)
				}
				got := pttl(t, rdb, SessionKey(id))
				if optedOut && got != -1 {
					t.Errorf("%s: opted-out session PTTL = %v, want none (-1)", msg, got)
				}
				if !optedOut && !near(got, tc.wantSession) {
					t.Errorf("%s: session PTTL = %v, want about %v", msg, got, tc.wantSession)
				}
				k := keysOf(id, msg)
				for _, key := range []string{k.reply, k.sent} {
					if got := pttl(t, rdb, key); !near(got, tc.wantReply) {
						t.Errorf("%s: %s PTTL = %v, want about %v", msg, key, got, tc.wantReply)
					}
				}
			}
		})
	}
}

func TestApplyErase(t *testing.T) {
	rdb := redistest.Client(t)
	s := New(rdb)
	id := newTexter(t, rdb)
	var c turns
	for _, msg := range []string{"SM1", "SM2", "SM3"} {
		if _, err := s.Apply(t.Context(), id, msg, c.step); err != nil {
			t.Fatalf("Apply(%s): %v", msg, err)
		}
	}
	erase := func(bot.Session) bot.Outcome { return bot.Outcome{Erase: true, Reply: "deleted"} }
	reply, fresh, err := committed(s.Apply(t.Context(), id, "SM4", erase))
	if err != nil {
		t.Fatalf("Apply(erase): %v", err)
	}
	if reply != "deleted" || !fresh {
		t.Errorf("Apply(erase) = %q, fresh %v; want %q, fresh", reply, fresh, "deleted")
	}
	// Only what a retry of the DELETE message needs is left.
	want := []string{keysOf(id, "").sent, keysOf(id, "SM4").reply}
	if diff := cmp.Diff(want, texterKeys(t, rdb, id)); diff != "" {
		t.Errorf("keys left after erase mismatch (-want +got):\n%s", diff)
	}

	reply, fresh, err = committed(s.Apply(t.Context(), id, "SM4", c.step))
	if err != nil || reply != "deleted" || fresh {
		t.Errorf("retried erase = %q, fresh %v, %v; want %q, not fresh, nil", reply, fresh, err, "deleted")
	}
	// A retry of a message from before the erase is answered afresh.
	reply, fresh, err = committed(s.Apply(t.Context(), id, "SM1", c.step))
	if err != nil || reply != turnReply(1) || !fresh {
		t.Errorf("Apply(SM1) after erase = %q, fresh %v, %v; want %q, fresh, nil", reply, fresh, err, turnReply(1))
	}
}

// replyIndex lists the reply keys the texter's index holds, oldest first.
func replyIndex(t *testing.T, rdb *redis.Client, id string) []string {
	t.Helper()
	got, err := rdb.ZRange(t.Context(), keysOf(id, "").sent, 0, -1).Result()
	if err != nil {
		t.Fatalf("read reply index: %v", err)
	}
	return got
}

// The index of a texter's replies, which erase relies on, drops replies
// past their TTL instead of growing with every message.
func TestApplyReplyIndexDropsExpired(t *testing.T) {
	rdb := redistest.Client(t)
	s := New(rdb)
	s.ReplyTTL = 400 * time.Millisecond
	id := newTexter(t, rdb)
	var c turns
	// SM1's reply expires before SM3 comes; SM2's does not. The index
	// itself lives on, since each message renews it.
	for _, step := range []struct {
		msg   string
		after time.Duration
	}{{"SM1", 300 * time.Millisecond}, {"SM2", 150 * time.Millisecond}, {"SM3", 0}} {
		if _, err := s.Apply(t.Context(), id, step.msg, c.step); err != nil {
			t.Fatalf("Apply(%s): %v", step.msg, err)
		}
		time.Sleep(step.after)
	}
	want := []string{keysOf(id, "SM2").reply, keysOf(id, "SM3").reply}
	if diff := cmp.Diff(want, replyIndex(t, rdb, id)); diff != "" {
		t.Errorf("reply index mismatch (-want +got):\n%s", diff)
	}
}

// A texter who sends more than maxRepliesKept messages within the reply
// TTL keeps the newest replies; older message ids are answered afresh.
func TestApplyKeepsNewestReplies(t *testing.T) {
	rdb := redistest.Client(t)
	s := New(rdb)
	id := newTexter(t, rdb)
	var c turns
	const n, kept = 70, 64
	var want []string
	for i := range n {
		msg := fmt.Sprintf("SM%d", i)
		if _, err := s.Apply(t.Context(), id, msg, c.step); err != nil {
			t.Fatalf("Apply(%s): %v", msg, err)
		}
		if i >= n-kept {
			want = append(want, keysOf(id, msg).reply)
		}
	}
	if diff := cmp.Diff(want, replyIndex(t, rdb, id)); diff != "" {
		t.Errorf("reply index mismatch (-want +got):\n%s", diff)
	}
	for _, call := range []struct {
		msg       string
		wantReply string
		wantFresh bool
	}{
		{fmt.Sprintf("SM%d", n-kept), turnReply(n - kept + 1), false}, // oldest kept
		{fmt.Sprintf("SM%d", n-kept-1), turnReply(n + 1), true},       // dropped: handled again
	} {
		reply, fresh, err := committed(s.Apply(t.Context(), id, call.msg, c.step))
		if err != nil {
			t.Fatalf("Apply(%s): %v", call.msg, err)
		}
		if reply != call.wantReply || fresh != call.wantFresh {
			t.Errorf("Apply(%s) = %q, fresh %v; want %q, fresh %v", call.msg, reply, fresh, call.wantReply, call.wantFresh)
		}
	}
	if got := len(texterKeys(t, rdb, id)); got != kept+2 {
		t.Errorf("texter has %d keys, want %d: session, index and %d replies", got, kept+2, kept)
	}
}

// A texter's keys share one hash tag: the session, each reply and the
// index of the replies.
func TestKeysOf(t *testing.T) {
	got := keysOf("abc", "SM1")
	want := keys{session: "tl:{abc}", reply: "tl:{abc}:m:SM1", sent: "tl:{abc}:m"}
	if got != want {
		t.Errorf("keysOf = %+v, want %+v", got, want)
	}
	if s := SessionKey("abc"); s != want.session {
		t.Errorf("SessionKey = %q, want %q", s, want.session)
	}
}
