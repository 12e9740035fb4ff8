package twilio

import "time"

// workers run the engine's calls on goroutines that outlive them. A call
// grows its goroutine's stack to the depth the engine needs; a worker
// keeps that stack for its next call, where a goroutine of its own per
// message would grow one anew every time.
type workers struct {
	jobs chan func()
	idle time.Duration // a worker without a call this long ends
}

func newWorkers(idle time.Duration) *workers {
	return &workers{jobs: make(chan func()), idle: idle}
}

// workerIdle is how long a worker waits for another call.
const workerIdle = 30 * time.Second

// run has a waiting worker do f, or a new one when none waits: f never
// waits for another call to end.
func (w *workers) run(f func()) {
	select {
	case w.jobs <- f:
	default:
		go w.work(f)
	}
}

func (w *workers) work(f func()) {
	idle := time.NewTimer(w.idle)
	defer idle.Stop()
	for {
		f()
		idle.Reset(w.idle)
		select {
		case f = <-w.jobs:
		case <-idle.C:
			return
		}
	}
}
