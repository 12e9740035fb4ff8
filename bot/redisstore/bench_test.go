package redisstore

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/redisstore/redistest"
	"github.com/textline/textline/flows"
)

// benchStore returns a store whose keys expire a minute after the
// benchmark, and texters pseudonyms to rotate among.
func benchStore(b *testing.B, texters int) (*Store, []string, *redistest.RoundTrips) {
	rdb := redistest.Client(b)
	s := New(rdb)
	s.SessionTTL, s.ReplyTTL = time.Minute, time.Minute
	run := rand.Text()[:8]
	ids := make([]string, texters)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench%s%04d", run, i)
	}
	if _, err := s.Apply(b.Context(), ids[0], "warm", benchStep); err != nil {
		b.Fatalf("warm up: %v", err)
	}
	var h redistest.RoundTrips
	rdb.AddHook(&h)
	return s, ids, &h
}

var benchSeen = time.Unix(1767225600, 0)

// benchStep is a typical turn: a tip from the menu.
func benchStep(s bot.Session) bot.Outcome {
	s.Flow, s.Lang, s.LastSeen = at(flows.Tips, flows.AskedNothing), "en", benchSeen
	s.TipNext++
	s.Turns++
	return bot.Outcome{Session: s, Reply: "Try box breathing: in for 4, hold for 4, out for 4, hold for 4. Reply MORE for another tip, MENU for options."}
}

// BenchmarkApply handles one message at a time, rotating among 1000
// texters. "guess right" is the usual case, each texter's messages coming
// to one instance of the line; "guess stale" alternates two instances, so
// each message finds the session changed and costs a second round trip.
func BenchmarkApply(b *testing.B) {
	for _, tc := range []struct {
		name      string
		instances int
	}{
		{"guess right", 1},
		{"guess stale", 2},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s, ids, h := benchStore(b, 1000)
			stores := []*Store{s}
			for range tc.instances - 1 {
				other := New(s.rdb)
				other.SessionTTL, other.ReplyTTL = s.SessionTTL, s.ReplyTTL
				stores = append(stores, other)
			}
			n := 0
			for b.Loop() {
				// Each texter's messages take turns among the instances.
				st := stores[n/len(ids)%len(stores)]
				if _, err := st.Apply(b.Context(), ids[n%len(ids)], strconv.Itoa(n), benchStep); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(h.Load())/float64(n), "roundtrips/op")
		})
	}
}

func BenchmarkApplyParallel(b *testing.B) {
	s, ids, h := benchStore(b, 10000)
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1)
			if _, err := s.Apply(b.Context(), ids[n%int64(len(ids))], strconv.FormatInt(n, 10), benchStep); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(h.Load())/float64(next.Load()), "roundtrips/op")
}
