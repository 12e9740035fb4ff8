package bot

import "github.com/textline/textline/bot/understand"

// reading is what the texter meant in their own words, read when a step
// first asks: most messages are numbers, keywords and choice words that
// are answered without it. Reading is pure, so when it happens changes
// nothing but the work; a message's steps share one.
type reading struct {
	reader *understand.Reader
	text   string // normalised
	done   bool
	meant  understand.Reading
}

func (r *reading) get() understand.Reading {
	if !r.done {
		r.meant, r.done = r.reader.Read(r.text), true
	}
	return r.meant
}

// meant is what the texter meant in their own words.
func (t *turn) meant() understand.Reading { return t.reading.get() }
