package duty

import (
	"strings"
	"testing"
	"time"
)

func TestParseHours(t *testing.T) {
	tests := []struct {
		in, want string // want is the canonical String()
	}{
		{"America/Chicago Mon-Fri 09:00-21:00", "America/Chicago Mon-Fri 09:00-21:00"},
		{"America/New_York Mon-Fri 09:00-17:00, Sat 10:00-14:00", "America/New_York Mon-Fri 09:00-17:00, Sat 10:00-14:00"},
		{"Europe/Madrid Mon,Wed,Fri 08:30-12:00", "Europe/Madrid Mon,Wed,Fri 08:30-12:00"},
		{"UTC Daily 00:00-24:00", "UTC Daily 00:00-24:00"},
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "America/Los_Angeles Fri-Mon 18:00-02:00"},
		{"  America/New_York\tmon - FRI  9:00 - 17:00 ,sat 10:00-14:00 ", "America/New_York Mon-Fri 09:00-17:00, Sat 10:00-14:00"},
		{"UTC Monday,wednesday,FRIDAY 08:30-12:00", "UTC Mon,Wed,Fri 08:30-12:00"},
		{"UTC Mon,Tue,Wed,Thu,Fri 09:00-17:00", "UTC Mon-Fri 09:00-17:00"},
		{"UTC Mon-Sun 09:00-17:00", "UTC Daily 09:00-17:00"},
		{"UTC Tue-Mon 09:00-17:00", "UTC Daily 09:00-17:00"},
		{"UTC DAILY 09:00-17:00", "UTC Daily 09:00-17:00"},
		{"UTC Sun,Sat 10:00-11:00", "UTC Sat-Sun 10:00-11:00"},
		{"UTC Sat,Sun,Mon,Wed 10:00-11:00", "UTC Wed,Sat-Mon 10:00-11:00"},
		{"UTC Mon-Wed,Fri 10:00-11:00", "UTC Mon-Wed,Fri 10:00-11:00"},
		{"UTC Mon-Mon 10:00-11:00", "UTC Mon 10:00-11:00"},
		{"UTC Mon 20:00-00:00", "UTC Mon 20:00-00:00"},
		{"Etc/GMT-5 Mon 09:00-10:00", "Etc/GMT-5 Mon 09:00-10:00"},
	}
	for _, tt := range tests {
		h, err := ParseHours(tt.in)
		if err != nil {
			t.Errorf("ParseHours(%q): %v", tt.in, err)
			continue
		}
		if got := h.String(); got != tt.want {
			t.Errorf("ParseHours(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseHoursErrors(t *testing.T) {
	tests := []struct {
		in, want string // want is a substring of the error
	}{
		{"", `handoff hours "": empty setting`},
		{"   ", "empty setting"},
		{"x", `handoff hours "x": unknown time zone "x"`},
		{"Mon-Fri 09:00-17:00", `unknown time zone "Mon-Fri"`},
		{"UTC", "no windows after the time zone"},
		{"UTC Mox 09:00-10:00", `unknown day "Mox"`},
		{"UTC Mo 09:00-10:00", `unknown day "Mo"`},
		{"UTC Mon-Fr 09:00-10:00", `unknown day "Fr"`},
		{"UTC Mon- 09:00-10:00", `unknown day "09:00"`},
		{"UTC Mon, 09:00-10:00", `unknown day "09:00"`},
		{"UTC 09:00-10:00", `unknown day "09:00"`},
		{"UTC Mon", `missing start time at the end`},
		{"UTC Mon-", `missing day after "-" at the end`},
		{"UTC Mon,", `missing day after "," at the end`},
		{"UTC Mon 09:00", `missing "-" after the start time at the end`},
		{"UTC Mon 09:00-", `missing end time at the end`},
		{"UTC Mon 09:00-10:00,", `missing days at the end`},
		{"UTC Mon 09:00 10:00", `expected "-" after the start time, found "10:00"`},
		{"UTC Mon 09:00-10:00 Tue 11:00-12:00", `expected "," after window Mon 09:00-10:00, found "Tue"`},
		{"UTC Daily,Mon 09:00-10:00", `bad start time ","`},
		{"UTC Mon 25:00-26:00", `bad start time "25:00"`},
		{"UTC Mon 09:60-10:00", `bad start time "09:60"`},
		{"UTC Mon 9:5-10:00", `bad start time "9:5"`},
		{"UTC Mon 009:00-10:00", `bad start time "009:00"`},
		{"UTC Mon +9:00-10:00", `bad start time "+9:00"`},
		{"UTC Mon 0900-1000", `bad start time "0900"`},
		{"UTC Mon 09:00-24:01", `bad end time "24:01"`},
		{"UTC Mon 09:00-10:00:00", `bad end time "10:00:00"`},
		{"UTC Mon 24:00-02:00", "window Mon 24:00-02:00 starts at 24:00"},
		{"UTC Mon 09:00-09:00", "window Mon 09:00-09:00 is empty"},
		{"UTC Mon 09:00-10:00,, Tue 09:00-10:00", `unknown day ","`},
	}
	for _, tt := range tests {
		h, err := ParseHours(tt.in)
		if err == nil {
			t.Errorf("ParseHours(%q) = %v, want error containing %q", tt.in, h, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseHours(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestHoursOpen(t *testing.T) {
	tests := []struct {
		hours string
		at    string // RFC 3339
		want  bool
	}{
		// 2026-03-02 is a Monday.
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-02T08:59:59-06:00", false},
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-02T09:00:00-06:00", true},
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-02T15:00:00Z", true},
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-02T20:59:59-06:00", true},
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-02T21:00:00-06:00", false},
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-03T02:00:00Z", true}, // Mon 20:00 CST
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-07T12:00:00-06:00", false},
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-01T12:00:00-06:00", false},
		{"America/New_York Mon-Fri 09:00-17:00, Sat 10:00-14:00", "2026-03-07T10:30:00-05:00", true},
		{"America/New_York Mon-Fri 09:00-17:00, Sat 10:00-14:00", "2026-03-07T14:00:00-05:00", false},
		{"America/New_York Mon-Fri 09:00-17:00, Sat 10:00-14:00", "2026-03-06T16:59:00-05:00", true},
		{"Europe/Madrid Mon,Wed,Fri 08:30-12:00", "2026-03-04T08:30:00+01:00", true},
		{"Europe/Madrid Mon,Wed,Fri 08:30-12:00", "2026-03-03T08:30:00+01:00", false},
		{"Europe/Madrid Mon,Wed,Fri 08:30-12:00", "2026-07-03T11:59:00+02:00", true},
		{"Europe/Madrid Mon,Wed,Fri 08:30-12:00", "2026-07-03T11:59:00+01:00", false}, // 12:59 CEST

		// Overnight windows belong to the day they start on.
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "2026-03-06T17:59:00-08:00", false}, // Fri
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "2026-03-06T18:00:00-08:00", true},
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "2026-03-07T01:59:00-08:00", true}, // Sat, from Fri
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "2026-03-07T02:00:00-08:00", false},
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "2026-03-10T01:00:00-07:00", true}, // Tue, from Mon
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "2026-03-10T18:30:00-07:00", false},
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "2026-03-06T01:00:00-08:00", false}, // Fri, Thu is off
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "2026-03-05T19:00:00-08:00", false}, // Thu

		// The week wraps from Sunday to Monday.
		{"UTC Sun 22:00-02:00", "2026-03-01T23:00:00Z", true},
		{"UTC Sun 22:00-02:00", "2026-03-02T01:59:59Z", true},
		{"UTC Sun 22:00-02:00", "2026-03-02T02:00:00Z", false},
		{"UTC Sun 22:00-02:00", "2026-03-02T23:00:00Z", false},
		{"UTC Sat-Mon 10:00-11:00", "2026-03-02T10:30:00Z", true},
		{"UTC Sat-Mon 10:00-11:00", "2026-03-03T10:30:00Z", false},

		// 24:00 ends a day; 00:00 as an end means the same.
		{"UTC Daily 00:00-24:00", "2026-03-02T00:00:00Z", true},
		{"UTC Daily 00:00-24:00", "2026-03-08T23:59:59Z", true},
		{"UTC Mon 20:00-24:00", "2026-03-02T23:59:59Z", true},
		{"UTC Mon 20:00-24:00", "2026-03-03T00:00:00Z", false},
		{"UTC Mon 20:00-00:00", "2026-03-02T23:59:59Z", true},
		{"UTC Mon 20:00-00:00", "2026-03-03T00:00:00Z", false},

		// 2026-03-08: at 02:00 CST Chicago clocks jump to 03:00 CDT.
		{"America/Chicago Sun 01:00-03:30", "2026-03-08T01:59:59-06:00", true},
		{"America/Chicago Sun 01:00-03:30", "2026-03-08T03:00:00-05:00", true},
		{"America/Chicago Sun 01:00-03:30", "2026-03-08T03:30:00-05:00", false},
		{"America/Chicago Sun 02:00-02:30", "2026-03-08T07:59:59Z", false},
		{"America/Chicago Sun 02:00-02:30", "2026-03-08T08:00:00Z", false},
		{"America/Chicago Sun 02:30-04:00", "2026-03-08T08:00:00Z", true}, // 03:00 CDT
		{"America/Chicago Sun 09:00-17:00", "2026-03-08T14:00:00Z", true}, // 09:00 CDT
		{"America/Chicago Sun 09:00-17:00", "2026-03-08T13:59:59Z", false},
		{"America/Chicago Sun 09:00-17:00", "2026-03-08T22:00:00Z", false}, // 17:00 CDT

		// 2026-11-01: at 02:00 CDT Chicago clocks fall back to 01:00 CST.
		{"America/Chicago Sun 01:00-01:30", "2026-11-01T01:15:00-05:00", true},
		{"America/Chicago Sun 01:00-01:30", "2026-11-01T01:45:00-05:00", false},
		{"America/Chicago Sun 01:00-01:30", "2026-11-01T01:15:00-06:00", true},
		{"America/Chicago Sun 01:00-01:30", "2026-11-01T01:45:00-06:00", false},
		{"America/Chicago Sun 09:00-17:00", "2026-11-01T15:00:00Z", true}, // 09:00 CST
		{"America/Chicago Sun 09:00-17:00", "2026-11-01T14:59:59Z", false},
		{"America/Chicago Sat 22:00-03:00", "2026-11-01T02:59:00-06:00", true},
		{"America/Chicago Sat 22:00-03:00", "2026-11-01T03:00:00-06:00", false},
	}
	for _, tt := range tests {
		h := mustParse(t, tt.hours)
		at := mustTime(t, tt.at)
		if got := h.Open(at); got != tt.want {
			t.Errorf("%q.Open(%s) = %v, want %v", tt.hours, tt.at, got, tt.want)
		}
	}
}

func TestHoursNext(t *testing.T) {
	tests := []struct {
		hours    string
		at, want string // RFC 3339
	}{
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-02T10:00:00-06:00", "2026-03-02T10:00:00-06:00"},
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-02T08:59:30-06:00", "2026-03-02T09:00:00-06:00"},
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-02T21:00:00-06:00", "2026-03-03T09:00:00-06:00"},
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-02-27T21:30:00-06:00", "2026-03-02T09:00:00-06:00"},
		// Over the spring-forward weekend, Monday 09:00 is CDT.
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-03-07T12:00:00-06:00", "2026-03-09T09:00:00-05:00"},
		// And over the fall-back weekend, CST.
		{"America/Chicago Mon-Fri 09:00-21:00", "2026-10-31T12:00:00-05:00", "2026-11-02T09:00:00-06:00"},
		{"America/New_York Mon-Fri 09:00-17:00, Sat 10:00-14:00", "2026-03-06T17:00:00-05:00", "2026-03-07T10:00:00-05:00"},
		{"America/New_York Mon-Fri 09:00-17:00, Sat 10:00-14:00", "2026-03-07T15:00:00-05:00", "2026-03-09T09:00:00-04:00"},
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "2026-03-10T03:00:00-07:00", "2026-03-13T18:00:00-07:00"},
		{"America/Los_Angeles Fri-Mon 18:00-02:00", "2026-03-10T01:00:00-07:00", "2026-03-10T01:00:00-07:00"},
		{"UTC Sun 22:00-02:00", "2026-03-02T02:00:00Z", "2026-03-08T22:00:00Z"},
		{"UTC Mon 09:00-10:00", "2026-03-02T10:00:00Z", "2026-03-09T09:00:00Z"},
		{"UTC Mon 09:00-10:00, Mon 08:00-08:30", "2026-03-02T07:00:00Z", "2026-03-02T08:00:00Z"},
		{"Europe/Madrid Mon,Wed,Fri 08:30-12:00", "2026-03-27T12:00:00+01:00", "2026-03-30T08:30:00+02:00"},

		// A window lost in the spring-forward gap comes round a week later.
		{"America/Chicago Sun 02:00-02:30", "2026-03-08T00:00:00-06:00", "2026-03-15T02:00:00-05:00"},
		// A window straddling the gap opens when the clocks jump into it.
		{"America/Chicago Sun 02:30-04:00", "2026-03-08T01:30:00-06:00", "2026-03-08T03:00:00-05:00"},
		// Falling back repeats a window.
		{"America/Chicago Sun 01:00-01:30", "2026-11-01T01:45:00-05:00", "2026-11-01T01:00:00-06:00"},
		{"America/Chicago Sun 01:10-01:30", "2026-11-01T01:45:00-05:00", "2026-11-01T01:10:00-06:00"},
		{"America/Chicago Sun 01:10-01:30", "2026-11-01T01:45:00-06:00", "2026-11-08T01:10:00-06:00"},
	}
	for _, tt := range tests {
		h := mustParse(t, tt.hours)
		at, want := mustTime(t, tt.at), mustTime(t, tt.want)
		got := h.Next(at)
		if !got.Equal(want) {
			t.Errorf("%q.Next(%s) = %s, want %s", tt.hours, tt.at, got.In(h.loc), want.In(h.loc))
		}
		if got.Location() != at.Location() {
			t.Errorf("%q.Next(%s) is in %s, want %s", tt.hours, tt.at, got.Location(), at.Location())
		}
		if !h.Open(got) {
			t.Errorf("%q.Next(%s) = %s is not open", tt.hours, tt.at, got)
		}
	}
}

func TestHoursNil(t *testing.T) {
	var h *Hours
	at := time.Date(2026, 3, 8, 2, 30, 0, 0, time.UTC)
	if !h.Open(at) {
		t.Error("nil Hours is not open")
	}
	if got := h.Next(at); !got.Equal(at) {
		t.Errorf("nil Hours: Next(%s) = %s", at, got)
	}
	if got := h.String(); got != "" {
		t.Errorf("nil Hours: String() = %q", got)
	}
}

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{
		"America/Chicago Mon-Fri 09:00-21:00",
		"America/New_York Mon-Fri 09:00-17:00, Sat 10:00-14:00",
		"Europe/Madrid Mon,Wed,Fri 08:30-12:00",
		"UTC Daily 00:00-24:00",
		"America/Los_Angeles Fri-Mon 18:00-02:00",
		"America/Chicago Sun 02:00-02:30, sunday 1:00 - 1:30",
		"Australia/Lord_Howe Sat,Sun 02:00-02:15",
		"UTC Mon 09:00-09:00",
		"x",
		"",
	} {
		f.Add(s, int64(1772900000)) // 2026-03-07
	}
	f.Fuzz(func(t *testing.T, s string, sec int64) {
		h, err := ParseHours(s)
		if err != nil {
			return
		}
		canon := h.String()
		again, err := ParseHours(canon)
		if err != nil {
			t.Fatalf("ParseHours(%q) = %q, which does not parse: %v", s, canon, err)
		}
		if got := again.String(); got != canon {
			t.Fatalf("ParseHours(%q) = %q, which parses to %q", s, canon, got)
		}
		at := time.Unix(sec%(1<<32), 0) // within about 136 years of 1970
		open := h.Open(at)
		next := h.Next(at)
		if next.Before(at) {
			t.Fatalf("%q.Next(%s) = %s, before it", canon, at, next)
		}
		if open && !next.Equal(at) {
			t.Fatalf("%q is open at %s but Next = %s", canon, at, next)
		}
		if !h.Open(next) {
			t.Fatalf("%q.Next(%s) = %s, which is not open", canon, at, next)
		}
	})
}

func mustParse(t *testing.T, s string) *Hours {
	t.Helper()
	h, err := ParseHours(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}
