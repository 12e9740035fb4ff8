package redisstore

import "sync"

// recentSessions bounds how many texters' sessions a store remembers.
// About 100 bytes each: ten megabytes at most.
const recentSessions = 100_000

// recent remembers the session each texter had after their last message
// here, as a guess for the next one; Redis stays the truth.
type recent struct {
	mu  sync.Mutex
	m   map[string]string
	max int
}

func newRecent(max int) *recent { return &recent{m: make(map[string]string), max: max} }

// get returns the remembered session, or "" (a new texter) when none is.
func (r *recent) get(id string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[id]
}

func (r *recent) put(id, session string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.m[id]; !ok && len(r.m) >= r.max {
		for other := range r.m { // map order is random: evict any one
			delete(r.m, other)
			break
		}
	}
	r.m[id] = session
}

func (r *recent) forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, id)
}
