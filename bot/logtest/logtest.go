// Package logtest catches what the line logs, for tests that check it.
package logtest

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
)

// Buffer is a log sink safe to read while the program writes to it.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Records keeps each record at Level or above as "message: values", the
// values of the attributes named Keys, in the order logged.
type Records struct {
	Level slog.Level
	Keys  []string

	mu    sync.Mutex
	lines []string
}

func (r *Records) Enabled(_ context.Context, l slog.Level) bool { return l >= r.Level }
func (r *Records) WithAttrs([]slog.Attr) slog.Handler           { return r }
func (r *Records) WithGroup(string) slog.Handler                { return r }

func (r *Records) Handle(_ context.Context, rec slog.Record) error {
	var vals []string
	rec.Attrs(func(a slog.Attr) bool {
		for _, k := range r.Keys {
			if a.Key == k {
				vals = append(vals, a.Value.String())
			}
		}
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, rec.Message+": "+strings.Join(vals, " "))
	return nil
}

// Take returns the records kept since the last Take.
func (r *Records) Take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.lines
	r.lines = nil
	return out
}
