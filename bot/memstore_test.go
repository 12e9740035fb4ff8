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
	replies  map[string]string
	err      error // returned by every Apply when set
}

func newMemSessions() *memSessions {
	return &memSessions{sessions: map[string]bot.Session{}, replies: map[string]string{}}
}

func (m *memSessions) Apply(ctx context.Context, texterID, messageID string, step bot.Step) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return "", false, m.err
	}
	if r, ok := m.replies[texterID+"/"+messageID]; ok {
		return r, false, nil
	}
	out := step(m.sessions[texterID])
	if out.Erase {
		delete(m.sessions, texterID)
	} else {
		m.sessions[texterID] = out.Session
	}
	m.replies[texterID+"/"+messageID] = out.Reply
	return out.Reply, true, nil
}

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
