package twilio

import (
	"sync"
	"testing"
	"time"
)

// A call never waits for another to end, and every call is made.
func TestWorkersRunEveryCall(t *testing.T) {
	w := newWorkers(20 * time.Millisecond)
	stuck := make(chan struct{})
	defer close(stuck)
	w.run(func() { <-stuck }) // an engine that never answers
	var wg sync.WaitGroup
	var mu sync.Mutex
	made := 0
	for i := range 50 {
		wg.Add(1)
		w.run(func() {
			defer wg.Done()
			mu.Lock()
			made++
			mu.Unlock()
		})
		if i%10 == 0 {
			time.Sleep(30 * time.Millisecond) // past the idle time: workers end and start again
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("calls behind a stuck one were not made")
	}
	if made != 50 {
		t.Errorf("%d calls made, want 50", made)
	}
}
