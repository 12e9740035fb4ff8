package redisstore

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/flows"
)

// codecCases pin the stored format: sessions written by a running line
// must stay readable by the next release.
var codecCases = []struct {
	name    string
	session bot.Session
	stored  string
}{
	{
		name:    "asked for a person off hours",
		session: bot.Session{Flow: at(flows.Tips, flows.AskedNothing), Lang: "en", AskedLater: true, Turns: 3, LastSeen: time.Unix(1700000000, 0)},
		stored:  "4|tips|en|0|||4|3|1700000000|0|",
	},
	{
		name: "after a crisis, at its most severe",
		session: bot.Session{Flow: at(flows.Waiting, flows.AskedNothing), Lang: "en", Category: "overdose", Severity: "imminent",
			Turns: 4, LastSeen: time.Unix(1700000000, 0)},
		stored: "4|waiting|en|0||overdose|0|4|1700000000|0|imminent",
	},
	{
		name:    "missed the last message",
		session: bot.Session{Flow: at(flows.Menu, flows.AskedNothing), Lang: "es", Missed: true, Turns: 5, LastSeen: time.Unix(1700000000, 0)},
		stored:  "4|menu|es|0|||8|5|1700000000|0|",
	},
	{
		name:    "zero session",
		session: bot.Session{},
		stored:  "4|||0|||0|0|-62135596800|0|",
	},
	{
		name: "all fields",
		session: bot.Session{
			Flow: at(flows.GroupsResult, flows.AskedNothing), Lang: "es", TipNext: 4, GroupKind: "family", Category: "suicide_risk",
			StopHinted: true, Turns: 37, LastSeen: time.Unix(1767225600, 0),
		},
		stored: "4|groups_result|es|4|family|suicide_risk|2|37|1767225600|0|",
	},
	{
		name:    "opted out",
		session: bot.Session{Flow: at(flows.OptedOut, flows.AskedNothing), Lang: "en", Turns: 2, LastSeen: time.Unix(1700000000, 0)},
		stored:  "4|opted_out|en|0|||0|2|1700000000|0|",
	},
	{
		name:    "opted out and hinted",
		session: bot.Session{Flow: at(flows.OptedOut, flows.AskedNothing), Lang: "en", StopHinted: true, Turns: 9, LastSeen: time.Unix(1700000000, 0)},
		stored:  "4|opted_out|en|0|||2|9|1700000000|0|",
	},
	{
		name:    "zero last seen",
		session: bot.Session{Flow: at(flows.Tips, flows.AskedNothing), Lang: "en", TipNext: 12, Turns: 1},
		stored:  "4|tips|en|12|||0|1|-62135596800|0|",
	},
	{
		name:    "before 1970",
		session: bot.Session{Flow: at(flows.Talk, flows.AskedNothing), LastSeen: time.Unix(-86400, 0)},
		stored:  "4|talk||0|||0|0|-86400|0|",
	},
	{
		name:    "non-ascii",
		session: bot.Session{Flow: at(flows.Menu, flows.AskedNothing), Lang: "es", GroupKind: "niños"},
		stored:  "4|menu|es|0|niños||0|0|-62135596800|0|",
	},
	{
		name:    "with a person, after are you safe",
		session: bot.Session{Flow: at(flows.WithPerson, flows.AskedSafe), Lang: "en", Category: "suicide_risk", Turns: 3, LastSeen: time.Unix(1700000000, 0)},
		stored:  "4|with_person|en|0||suicide_risk|0|3|1700000000|1|",
	},
}

// at is a stored position, as a store restores it.
func at(state flows.State, asked flows.Question) flows.Position {
	p, err := flows.Restore(state, asked)
	if err != nil {
		panic(err)
	}
	return p
}

// TestDecodeV2 reads sessions stored before the human line and the
// opt-out were states of the conversation.
func TestDecodeV2(t *testing.T) {
	for _, tc := range []struct {
		stored string
		want   flows.Position
	}{
		{"2|menu|en|0|||1|2|1700000000|", at(flows.OptedOut, flows.AskedNothing)},
		{"2|crisis|en|0||suicide_risk|0|3|1700000000|active", at(flows.WithPerson, flows.AskedSafe)},
		{"2|menu|en|0|||0|3|1700000000|waiting", at(flows.Waiting, flows.AskedNothing)},
		{"2|crisis|en|0||suicide_risk|0|3|1700000000|", at(flows.Crisis, flows.AskedSafe)},
		{"2|risk_check|en|0||self_harm|0|3|1700000000|", at(flows.RiskCheck, flows.AskedRisk)},
		{"2|tips|en|1|||0|3|1700000000|", at(flows.Tips, flows.AskedNothing)},
	} {
		got, err := decode(tc.stored)
		if err != nil {
			t.Fatalf("decode(%q): %v", tc.stored, err)
		}
		if got.Flow != tc.want {
			t.Errorf("decode(%q) at %s asked %d; want %s asked %d", tc.stored, got.Flow.State(), got.Flow.Asked(), tc.want.State(), tc.want.Asked())
		}
	}
}

// TestDecodeV3 reads sessions stored before they kept the severity.
func TestDecodeV3(t *testing.T) {
	got, err := decode("3|with_person|en|0||suicide_risk|0|3|1700000000|1")
	want := bot.Session{Flow: at(flows.WithPerson, flows.AskedSafe), Lang: "en", Category: "suicide_risk", Turns: 3, LastSeen: time.Unix(1700000000, 0)}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decode v3 mismatch (-want +got):\n%s", diff)
	}
}

// TestDecodeV1 reads sessions stored before handoffs existed.
func TestDecodeV1(t *testing.T) {
	got, err := decode("1|groups_result|es|4|family|suicide_risk|2|37|1767225600")
	want := bot.Session{
		Flow: at(flows.GroupsResult, flows.AskedNothing), Lang: "es", TipNext: 4, GroupKind: "family", Category: "suicide_risk",
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
	got, err := decode(encode(bot.Session{Flow: at(flows.Menu, flows.AskedNothing), LastSeen: seen}))
	if err != nil {
		t.Fatal(err)
	}
	if want := seen.Truncate(time.Second); !got.LastSeen.Equal(want) {
		t.Errorf("LastSeen = %v, want %v", got.LastSeen, want)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, tc := range []struct{ name, stored string }{
		{"no version", "|menu|en|0|||0|1|1700000000"},
		{"padded version", " 1|menu|en|0|||0|1|1700000000"},
		{"json", `{"state":"menu"}`},
		{"one field", "1"},
		{"eight fields", "1|menu|en|0|||0|1"},
		{"ten fields in version 1", "1|menu|en|0|||0|1|1700000000|x"},
		{"nine fields in version 2", "2|menu|en|0|||0|1|1700000000"},
		{"unknown version", "4|menu|en|0|||0|1|1700000000|0"},
		{"unknown state", "3|nowhere|en|0|||0|1|1700000000|0"},
		{"unknown question", "3|menu|en|0|||0|1|1700000000|7"},
		{"bad question", "3|menu|en|0|||0|1|1700000000|x"},
		{"nine fields in version 3", "3|menu|en|0|||0|1|1700000000"},
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

// A reply is stored as its text; one that asked the human line for
// something carries that request, without the texter's number.
func TestReplyCodec(t *testing.T) {
	plain, err := encodeReply("hello", nil)
	if err != nil || plain != "hello" {
		t.Fatalf("encodeReply(hello, nil) = %q, %v", plain, err)
	}
	texter := bot.NewPseudonymizer([]byte("k")).Texter("+15555550123")
	r := &bot.HandoffRequest{Kind: bot.HandoffMessage, Texter: texter, To: "+15550001000", MessageID: "SM1",
		Text: "are you there", Lang: "en", Verdict: safety.Verdict{Category: safety.Benign, Severity: safety.None}}
	stored, err := encodeReply("", r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, "5555550123") || strings.Contains(stored, texter.ID()) {
		t.Errorf("stored reply %q holds the texter", stored)
	}
	got, err := decodeReply(stored)
	if err != nil {
		t.Fatal(err)
	}
	want := *r
	want.Texter = bot.Texter{}
	if got.Reply != "" || got.Handoff == nil || !cmp.Equal(*got.Handoff, want, cmp.AllowUnexported(bot.Texter{})) {
		t.Errorf("decodeReply = %+v, want the request back", got)
	}
	if c, err := decodeReply("plain text"); err != nil || c.Reply != "plain text" || c.Handoff != nil {
		t.Errorf("decodeReply(plain) = %+v, %v", c, err)
	}
	if _, err := decodeReply(withHandoff + "{"); err == nil {
		t.Error("decodeReply accepted broken JSON")
	}
}

// split gives the fields strings.Split gives, up to the number it keeps.
func TestSplitAsStringsSplit(t *testing.T) {
	for _, v := range []string{"", "|", "3", "3|menu|en|0|||0|1|0|0", "1|a|b|+7|c|d|-1|007|9", "1|||||||||", "a|b|c|d|e|f|g|h|i|j|k", "a|b|c|d|e|f|g|h|i|j|k|l|m"} {
		var fields [fieldsV3 + 1]string
		got, want := split(fields[:0], v), strings.Split(v, "|")
		if len(want) > len(fields) {
			want = append(want[:len(fields)-1], strings.Join(want[len(fields)-1:], "|"))
		}
		if !slices.Equal(got, want) {
			t.Errorf("split(%q) = %q, want %q", v, got, want)
		}
	}
}
