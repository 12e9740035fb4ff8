package bot_test

import (
	"context"
	"sync"

	"github.com/textline/textline/bot"
)

// memSessions is an in-memory bot.Sessions for engine tests; the Redis
// store has its own tests against a real server.
type memSessions struct {
	mu       sync.Mutex
	sessions map[string]bot.Session
	replies  map[string]bot.Committed
	err      error // returned by every Apply when set
}

func newMemSessions() *memSessions {
	return &memSessions{sessions: map[string]bot.Session{}, replies: map[string]bot.Committed{}}
}

func (m *memSessions) Apply(ctx context.Context, texterID, messageID string, step bot.Update) (bot.Committed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return bot.Committed{}, m.err
	}
	if c, ok := m.replies[texterID+"/"+messageID]; ok {
		return c, nil
	}
	out := step(m.sessions[texterID])
	if out.Ask != nil {
		return bot.Committed{Ask: out.Ask}, nil
	}
	if out.Erase {
		delete(m.sessions, texterID)
	} else {
		m.sessions[texterID] = out.Session
	}
	m.replies[texterID+"/"+messageID] = bot.Committed{Reply: out.Reply, Handoff: out.Handoff}
	return bot.Committed{Reply: out.Reply, Handoff: out.Handoff, Fresh: true}, nil
}

func (m *memSessions) Forget(string) {}

func (m *memSessions) get(texterID string) bot.Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sessions[texterID]
}

// update changes a stored session, as another process would.
func (m *memSessions) update(texterID string, f func(*bot.Session)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[texterID]
	f(&s)
	m.sessions[texterID] = s
}
