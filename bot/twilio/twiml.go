package twilio

import (
	"strings"
	"sync"

	"github.com/twilio/twilio-go/twiml"
)

// emptyResponse answers without a message.
const emptyResponse = `<?xml version="1.0" encoding="UTF-8"?><Response/>`

// Reply builds the TwiML answer: a <Response> holding one <Message> with
// text, or none when text is empty. The result is valid XML whatever text
// holds.
func Reply(text string) string {
	if out, ok := built.get(text); ok {
		return out
	}
	safe := xmlSafe(text)
	if safe == "" {
		return emptyResponse
	}
	out, err := twiml.Messages([]twiml.Element{twiml.MessagingMessage{Body: safe}})
	if err != nil {
		return emptyResponse
	}
	built.put(text, out)
	return out
}

// built keeps the TwiML of recent replies. Replies come from a finite set
// of content texts, so nearly every answer is one already built.
var built = &twimlCache{m: map[string]string{}}

// maxBuilt bounds the cache; past it, it starts again empty.
const maxBuilt = 4096

type twimlCache struct {
	mu sync.RWMutex
	m  map[string]string
}

func (c *twimlCache) get(text string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out, ok := c.m[text]
	return out, ok
}

func (c *twimlCache) put(text, out string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxBuilt {
		clear(c.m)
	}
	c.m[text] = out
}

// xmlSafe drops what XML 1.0 cannot carry: control characters other than
// tab and newline, surrogates, U+FFFE and U+FFFF, and invalid UTF-8.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}
