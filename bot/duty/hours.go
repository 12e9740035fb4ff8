// Package duty reads when responders are on duty (HANDOFF_HOURS) and
// tells whether a moment falls inside.
package duty

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Hours are when responders are on duty. A nil *Hours is always on duty.
//
// The setting (HANDOFF_HOURS) is a time zone followed by windows separated
// by commas, each a day spec and a time range:
//
//	America/New_York Mon-Fri 09:00-17:00, Sat 10:00-14:00
//
// A day spec is Daily or a list of days and day ranges ("Mon,Wed-Fri";
// ranges may wrap the week, as in "Fri-Mon"). Days are English names,
// three letters or full, in any case. A time range whose end is earlier
// than its start runs overnight and belongs to the day it starts on; 24:00
// may end a range. Windows are evaluated on the wall clock of the zone, so
// they follow daylight saving time.
type Hours struct {
	loc     *time.Location
	windows []window
}

// window is a span of wall-clock minutes on a set of weekdays. When end is
// not after start, the span runs overnight into the next day.
type window struct {
	days       weekdays
	start, end int // minutes since midnight; end may be 24*60
}

// weekdays is a set of days, one bit per time.Weekday.
type weekdays uint8

const everyDay weekdays = 1<<7 - 1

// searchSpan bounds Next. A week and a day reaches the next start of any
// window; the second week covers a start lost in a daylight saving gap.
const searchSpan = 15 * 24 * time.Hour

// separators spaces out the punctuation of the windows for tokenizing.
var separators = strings.NewReplacer(",", " , ", "-", " - ")

// ParseHours parses a HANDOFF_HOURS setting. The empty string is an error;
// callers treat an unset setting as always on duty.
func ParseHours(s string) (*Hours, error) {
	h, err := parseHours(s)
	if err != nil {
		return nil, fmt.Errorf("handoff hours %q: %w", s, err)
	}
	return h, nil
}

func parseHours(s string) (*Hours, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return nil, errors.New("empty setting")
	}
	loc, err := time.LoadLocation(fields[0])
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", fields[0])
	}
	if len(fields) == 1 {
		return nil, errors.New("no windows after the time zone")
	}
	h := &Hours{loc: loc}
	p := &parser{toks: strings.Fields(separators.Replace(strings.Join(fields[1:], " ")))}
	for {
		w, err := p.window()
		if err != nil {
			return nil, err
		}
		h.windows = append(h.windows, w)
		if len(p.toks) == 0 {
			return h, nil
		}
		if !p.skip(",") {
			return nil, fmt.Errorf("expected \",\" after window %s, found %q", w, p.toks[0])
		}
	}
}

// parser reads windows from tokens: words, times, "-" and ",".
type parser struct {
	toks []string
}

// take removes and returns the next token; what names it for the error
// when there is none.
func (p *parser) take(what string) (string, error) {
	if len(p.toks) == 0 {
		return "", fmt.Errorf("missing %s at the end", what)
	}
	tok := p.toks[0]
	p.toks = p.toks[1:]
	return tok, nil
}

// skip removes the next token if it is tok, and reports whether it did.
func (p *parser) skip(tok string) bool {
	if len(p.toks) > 0 && p.toks[0] == tok {
		p.toks = p.toks[1:]
		return true
	}
	return false
}

// window parses a day spec and a time range.
func (p *parser) window() (window, error) {
	days, err := p.days()
	if err != nil {
		return window{}, err
	}
	start, err := p.clock("start time")
	if err != nil {
		return window{}, err
	}
	tok, err := p.take(`"-" after the start time`)
	if err != nil {
		return window{}, err
	}
	if tok != "-" {
		return window{}, fmt.Errorf("expected \"-\" after the start time, found %q", tok)
	}
	end, err := p.clock("end time")
	if err != nil {
		return window{}, err
	}
	w := window{days: days, start: start, end: end}
	switch {
	case start == 24*60:
		return window{}, fmt.Errorf("window %s starts at 24:00", w)
	case start == end:
		return window{}, fmt.Errorf("window %s is empty", w)
	}
	return w, nil
}

// days parses Daily or a comma-separated list of days and day ranges.
func (p *parser) days() (weekdays, error) {
	tok, err := p.take("days")
	if err != nil {
		return 0, err
	}
	if strings.EqualFold(tok, "daily") {
		return everyDay, nil
	}
	var set weekdays
	for {
		first, err := parseDay(tok)
		if err != nil {
			return 0, err
		}
		last := first
		if p.skip("-") {
			if tok, err = p.take("day after \"-\""); err != nil {
				return 0, err
			}
			if last, err = parseDay(tok); err != nil {
				return 0, err
			}
		}
		for d := first; ; d = (d + 1) % 7 {
			set |= 1 << d
			if d == last {
				break
			}
		}
		if !p.skip(",") {
			return set, nil
		}
		if tok, err = p.take("day after \",\""); err != nil {
			return 0, err
		}
	}
}

// clock parses the next token as HH:MM (the hour may have one digit) into
// minutes since midnight; what names it for errors.
func (p *parser) clock(what string) (int, error) {
	tok, err := p.take(what)
	if err != nil {
		return 0, err
	}
	hh, mm, _ := strings.Cut(tok, ":")
	hour, okH := number(hh)
	minute, okM := number(mm)
	if !okH || !okM || len(mm) != 2 || hour > 24 || minute > 59 || hour == 24 && minute != 0 {
		return 0, fmt.Errorf("bad %s %q, want HH:MM from 00:00 to 24:00", what, tok)
	}
	return hour*60 + minute, nil
}

// number parses one or two ASCII digits.
func number(s string) (int, bool) {
	if len(s) < 1 || len(s) > 2 {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseDay parses an English day name, three letters or full, in any case.
func parseDay(tok string) (time.Weekday, error) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(tok, d.String()) || strings.EqualFold(tok, d.String()[:3]) {
			return d, nil
		}
	}
	return 0, fmt.Errorf("unknown day %q", tok)
}

// Open reports whether t falls inside a window (in the hours' zone). A nil
// *Hours is always open.
func (h *Hours) Open(t time.Time) bool {
	return h == nil || h.openWall(t.In(h.loc))
}

// openWall reports whether the wall clock of w, read in w's own location,
// falls inside a window.
func (h *Hours) openWall(w time.Time) bool {
	day, minute := w.Weekday(), w.Hour()*60+w.Minute()
	for _, win := range h.windows {
		if win.contains(day, minute) {
			return true
		}
	}
	return false
}

// contains reports whether the minute of day is inside the window, counting
// the overnight part that spills over from the day before.
func (w window) contains(day time.Weekday, minute int) bool {
	if w.start < w.end {
		return w.days.has(day) && w.start <= minute && minute < w.end
	}
	return w.days.has(day) && minute >= w.start || w.days.has((day+6)%7) && minute < w.end
}

// Next returns the start of the next window at or after t (t itself if
// open); for nil, t: when requests made off hours will next be shown to
// responders. The result is in t's location. Next searches 15 days ahead,
// enough for any window that occurs at all; should none open in that span,
// it returns the end of the span.
func (h *Hours) Next(t time.Time) time.Time {
	if h.Open(t) {
		return t
	}
	limit := t.Add(searchSpan)
	// Walk the span one zone offset at a time: within one, the wall clock is
	// the instant plus the offset, and it opens only at a window start.
	for u := t; u.Before(limit); {
		local := u.In(h.loc)
		_, offset := local.Zone()
		_, end := local.ZoneBounds()
		if end.IsZero() || end.After(limit) {
			end = limit
		}
		shift := time.Duration(offset) * time.Second
		if start, ok := h.nextStart(u.UTC().Add(shift), end.UTC().Add(shift)); ok {
			return start.Add(-shift).In(t.Location())
		}
		// A change of offset can jump the wall clock into a window.
		if u = end; h.Open(u) {
			return u.In(t.Location())
		}
	}
	return limit
}

// nextStart returns the earliest window start after from and before to,
// both wall clocks expressed in UTC.
func (h *Hours) nextStart(from, to time.Time) (time.Time, bool) {
	for day := from.Truncate(24 * time.Hour); day.Before(to); day = day.Add(24 * time.Hour) {
		var first time.Time
		for _, w := range h.windows {
			s := day.Add(time.Duration(w.start) * time.Minute)
			if w.days.has(day.Weekday()) && s.After(from) && s.Before(to) && (first.IsZero() || s.Before(first)) {
				first = s
			}
		}
		if !first.IsZero() {
			return first, true
		}
	}
	return time.Time{}, false
}

// String gives back the setting in canonical form; for nil, "".
func (h *Hours) String() string {
	if h == nil {
		return ""
	}
	parts := make([]string, len(h.windows))
	for i, w := range h.windows {
		parts[i] = w.String()
	}
	return h.loc.String() + " " + strings.Join(parts, ", ")
}

// String formats the window as in the setting, e.g. "Mon-Fri 09:00-17:00".
func (w window) String() string {
	return fmt.Sprintf("%s %02d:%02d-%02d:%02d", w.days, w.start/60, w.start%60, w.end/60, w.end%60)
}

func (d weekdays) has(day time.Weekday) bool { return d&(1<<day) != 0 }

// String formats the set as Daily or as runs of days, e.g. "Mon,Wed-Fri".
func (d weekdays) String() string {
	if d == everyDay {
		return "Daily"
	}
	// Begin at the first run from Monday on, so a run that wraps the week
	// (Fri-Mon) stays whole.
	first := time.Monday
	for !d.has(first) || d.has((first+6)%7) {
		first = (first + 1) % 7
	}
	var runs []string
	for i := 0; i < 7; i++ {
		day := (first + time.Weekday(i)) % 7
		if !d.has(day) {
			continue
		}
		run := day.String()[:3]
		for i+1 < 7 && d.has((day+1)%7) {
			i++
			day = (day + 1) % 7
		}
		if last := day.String()[:3]; last != run {
			run += "-" + last
		}
		runs = append(runs, run)
	}
	return strings.Join(runs, ",")
}
