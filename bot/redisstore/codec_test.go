package redisstore

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/textline/textline/bot"
)

// codecCases pin the stored format: sessions written by a running line
// must stay readable by the next release.
var codecCases = []struct {
	name    string
	session bot.Session
	stored  string
}{
	{
		name:    "zero session",
		session: bot.Session{},
		stored:  "2|||0|||0|0|-62135596800|",
	},
	{
		name: "all fields",
		session: bot.Session{
			State: "groups_result", Lang: "es", TipNext: 4, GroupKind: "family", Category: "suicide_risk",
			StopHinted: true, Turns: 37, LastSeen: time.Unix(1767225600, 0),
		},
		stored: "2|groups_result|es|4|family|suicide_risk|2|37|1767225600|",
	},
	{
		name:    "opted out",
		session: bot.Session{State: "menu", Lang: "en", OptedOut: true, Turns: 2, LastSeen: time.Unix(1700000000, 0)},
		stored:  "2|menu|en|0|||1|2|1700000000|",
	},
	{
		name:    "opted out and hinted",
		session: bot.Session{State: "menu", Lang: "en", OptedOut: true, StopHinted: true, Turns: 9, LastSeen: time.Unix(1700000000, 0)},
		stored:  "2|menu|en|0|||3|9|1700000000|",
	},
	{
		name:    "zero last seen",
		session: bot.Session{State: "tips", Lang: "en", TipNext: 12, Turns: 1},
		stored:  "2|tips|en|12|||0|1|-62135596800|",
	},
	{
		name:    "before 1970",
		session: bot.Session{State: "talk", LastSeen: time.Unix(-86400, 0)},
		stored:  "2|talk||0|||0|0|-86400|",
	},
	{
		name:    "non-ascii",
		session: bot.Session{State: "menú", Lang: "es", GroupKind: "niños"},
		stored:  "2|menú|es|0|niños||0|0|-62135596800|",
	},
	{
		name:    "in a handoff",
		session: bot.Session{State: "crisis", Lang: "en", Category: "suicide_risk", Handoff: bot.HandoffActive, Turns: 3, LastSeen: time.Unix(1700000000, 0)},
		stored:  "2|crisis|en|0||suicide_risk|0|3|1700000000|active",
	},
}

// TestDecodeV1 reads sessions stored before handoffs existed.
func TestDecodeV1(t *testing.T) {
	got, err := decode("1|groups_result|es|4|family|suicide_risk|2|37|1767225600")
	want := bot.Session{
		State: "groups_result", Lang: "es", TipNext: 4, GroupKind: "family", Category: "suicide_risk",
		StopHinted: true, Turns: 37, LastSeen: time.Unix(1767225600, 0),
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decode v1 mismatch (-want +got):\n%s", diff)
	}
}

func TestEncode(t *testing.T) {
	for _, tc := range codecCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := encode(tc.session); got != tc.stored {
				t.Errorf("encode() = %q, want %q", got, tc.stored)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range codecCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode(tc.stored)
			if err != nil {
				t.Fatalf("decode(%q): %v", tc.stored, err)
			}
			// cmp compares times with Time.Equal: the instant, not the zone.
			if diff := cmp.Diff(tc.session, got); diff != "" {
				t.Errorf("decode(%q) mismatch (-want +got):\n%s", tc.stored, diff)
			}
			if got.LastSeen.IsZero() != tc.session.LastSeen.IsZero() {
				t.Errorf("decode(%q).LastSeen.IsZero() = %v, want %v", tc.stored, got.LastSeen.IsZero(), tc.session.LastSeen.IsZero())
			}
		})
	}
}

func TestDecodeEmptyIsNewTexter(t *testing.T) {
	got, err := decode("")
	if err != nil {
		t.Fatalf("decode(\"\"): %v", err)
	}
	if diff := cmp.Diff(bot.Session{}, got); diff != "" {
		t.Errorf("decode(\"\") mismatch (-want +got):\n%s", diff)
	}
}

func TestEncodeDropsSubseconds(t *testing.T) {
	seen := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
	got, err := decode(encode(bot.Session{State: "menu", LastSeen: seen}))
	if err != nil {
		t.Fatal(err)
	}
	if want := seen.Truncate(time.Second); !got.LastSeen.Equal(want) {
		t.Errorf("LastSeen = %v, want %v", got.LastSeen, want)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, tc := range []struct{ name, stored string }{
		{"next version", "2|menu|en|0|||0|1|1700000000"},
		{"no version", "|menu|en|0|||0|1|1700000000"},
		{"padded version", " 1|menu|en|0|||0|1|1700000000"},
		{"json", `{"state":"menu"}`},
		{"one field", "1"},
		{"eight fields", "1|menu|en|0|||0|1"},
		{"ten fields in version 1", "1|menu|en|0|||0|1|1700000000|x"},
		{"nine fields in version 2", "2|menu|en|0|||0|1|1700000000"},
		{"unknown version", "3|menu|en|0|||0|1|1700000000|"},
		{"bad tip", "1|menu|en|x|||0|1|1700000000"},
		{"bad flags", "1|menu|en|0|||x|1|1700000000"},
		{"bad turns", "1|menu|en|0|||0|1.5|1700000000"},
		{"bad last seen", "1|menu|en|0|||0|1|2026-01-01"},
		{"empty numbers", "1|menu|en||||||"},
		{"turns overflow", "1|menu|en|0|||0|99999999999999999999|1700000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode(tc.stored)
			if err == nil {
				t.Fatalf("decode(%q) = %+v, want an error", tc.stored, got)
			}
			if diff := cmp.Diff(bot.Session{}, got); diff != "" {
				t.Errorf("decode(%q) returned a session with its error (-want +got):\n%s", tc.stored, diff)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, tc := range codecCases {
		f.Add(tc.stored)
	}
	f.Add("")
	f.Add("1|a|b|+7|c|d|-1|007|9223372036854775807")
	f.Add("1|||||||||")
	f.Add("2|menu|en|0|||0|1|0")
	f.Fuzz(func(t *testing.T, stored string) {
		s, err := decode(stored)
		if err != nil {
			return
		}
		again, err := decode(encode(s))
		if err != nil {
			t.Fatalf("decode(encode(decode(%q))): %v", stored, err)
		}
		if diff := cmp.Diff(s, again); diff != "" {
			t.Errorf("decode(encode(decode(%q))) mismatch (-first +second):\n%s", stored, diff)
		}
	})
}
