package cas_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/textline/textline/bot/cas"
	"github.com/textline/textline/bot/redisstore/redistest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Guard(m).Run()) }

func slot(t *testing.T) string {
	p := fmt.Sprintf("{tl:cas-test%d}:", rand.Int64())
	t.Cleanup(func() { redistest.DeleteMatching(t.Context(), redistest.Client(t), p+"*") })
	return p
}

func TestCommit(t *testing.T) {
	rdb := redistest.Client(t)
	p := slot(t)
	ctx := t.Context()
	tx := cas.Tx{Slot: p + "a", Expect: []cas.Expect{{Key: p + "a", Value: ""}}, Ops: []cas.Op{
		{Cmd: cas.Set, Args: []string{p + "a", "1"}},
		{Cmd: cas.RPush, Args: []string{p + "list", "x"}},
		{Cmd: cas.ZAdd, Args: []string{p + "z", "5", "m"}},
	}}
	if _, err := cas.Commit(ctx, rdb, tx); err != nil {
		t.Fatal(err)
	}
	if v, _ := rdb.Get(ctx, p+"a").Result(); v != "1" {
		t.Errorf("a = %q", v)
	}
	// The same commit again: a is no longer absent.
	res, err := cas.Commit(ctx, rdb, tx)
	if !errors.Is(err, cas.ErrConflict) || len(res.Current) != 1 || res.Current[0] != "1" {
		t.Fatalf("second commit = %+v, %v; want a conflict that hands back 1", res, err)
	}
	if n, _ := rdb.LLen(ctx, p+"list").Result(); n != 1 {
		t.Errorf("a failed commit wrote: list has %d", n)
	}
}

func TestCommitOnce(t *testing.T) {
	rdb := redistest.Client(t)
	p := slot(t)
	ctx := t.Context()
	for i, want := range []bool{false, true} {
		res, err := cas.Commit(ctx, rdb, cas.Tx{Slot: p + "l", Once: p + "m:1", Answer: fmt.Sprint("answer ", i), Keep: time.Minute,
			Ops: []cas.Op{{Cmd: cas.RPush, Args: []string{p + "l", "x"}}}})
		if err != nil || res.Again != want || res.Answer != "answer 0" {
			t.Fatalf("commit %d = %+v, %v; want again %v with the first answer", i, res, err, want)
		}
	}
	if n, _ := rdb.LLen(ctx, p+"l").Result(); n != 1 {
		t.Errorf("done twice: %d", n)
	}
	if _, err := cas.Commit(ctx, rdb, cas.Tx{Slot: p + "l", Once: p + "m:2"}); err == nil {
		t.Error("a commit made once without Keep was accepted")
	}
}

// Ops that share an Unless are done together or not at all.
func TestCommitUnless(t *testing.T) {
	rdb := redistest.Client(t)
	p := slot(t)
	ctx := t.Context()
	add := []cas.Op{
		{Cmd: cas.HSet, Args: []string{p + "out:1", "body", "hi"}, Unless: []string{p + "out:1", p + "sent:1"}},
		{Cmd: cas.ZAdd, Args: []string{p + "q", "1", "1"}, Unless: []string{p + "out:1", p + "sent:1"}},
	}
	for range 2 {
		if _, err := cas.Commit(ctx, rdb, cas.Tx{Slot: p + "q", Ops: add}); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := rdb.ZCard(ctx, p+"q").Result(); n != 1 {
		t.Errorf("queue holds %d", n)
	}
	rdb.Del(ctx, p+"out:1")
	rdb.ZRem(ctx, p+"q", "1")
	rdb.Set(ctx, p+"sent:1", "", time.Minute)
	if _, err := cas.Commit(ctx, rdb, cas.Tx{Slot: p + "q", Ops: add}); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, p+"out:1", p+"q").Result(); n != 0 {
		t.Errorf("a sent item was added again")
	}
}

func TestCommitRefusesOtherCommands(t *testing.T) {
	rdb := redistest.Client(t)
	p := slot(t)
	_, err := cas.Commit(t.Context(), rdb, cas.Tx{Slot: p + "x", Ops: []cas.Op{{Cmd: "FLUSHDB"}}})
	if err == nil {
		t.Fatal("FLUSHDB was run")
	}
}
