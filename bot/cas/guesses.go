package cas

import "sync"

// Guesses remembers the values of keys a process last read or wrote, as
// the guesses of its next commits: a right guess saves reading first, a
// wrong one fails the commit, which hands back the value. Redis stays the
// truth. It is safe for concurrent use.
type Guesses struct {
	mu  sync.Mutex
	m   map[string]string
	max int
}

// NewGuesses remembers up to max keys; past that, any one is forgotten
// for each new one.
func NewGuesses(max int) *Guesses { return &Guesses{m: make(map[string]string), max: max} }

// Get returns the value remembered for key, or "" (none) when none is.
func (g *Guesses) Get(key string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.m[key]
}

// Put remembers val for key.
func (g *Guesses) Put(key, val string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.m[key]; !ok && len(g.m) >= g.max {
		for other := range g.m { // map order is random: forget any one
			delete(g.m, other)
			break
		}
	}
	g.m[key] = val
}

// Forget forgets key: the next guess is "".
func (g *Guesses) Forget(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.m, key)
}
