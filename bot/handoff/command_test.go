package handoff

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		body string
		want command
	}{
		{"TAKE K7", command{verb: Take, handle: "K7"}},
		{"  take k7 ", command{verb: Take, handle: "K7"}},
		{"Take M23", command{verb: Take, handle: "M23"}},
		{"TAKE N1042", command{verb: Take, handle: "N1042"}},
		{"PASS", command{verb: Pass}},
		{"pass K7", command{verb: Pass, handle: "K7"}},
		{"CLOSE", command{verb: Close}},
		{"Close.", command{verb: Close}},
		{"CLOSE K7", command{verb: Close, handle: "K7"}},
		{"LIST", command{verb: list}},
		{"help", command{verb: help}},
		{"", command{verb: help}},
		{"#K7 are you safe right now?", command{verb: Say, handle: "K7", text: "are you safe right now?"}},
		{"#k7   hi", command{verb: Say, handle: "K7", text: "hi"}},
		{"#K7", command{verb: Say, text: "#K7"}},
		{"#hashtag life", command{verb: Say, text: "#hashtag life"}},
		// Plain words that start like a command are words for the texter.
		{"take your time, I'm here", command{verb: Say, text: "take your time, I'm here"}},
		{"TAKE", command{verb: help}},
		{"TAKE K7!", command{verb: Take, handle: "K7"}},
		{"close k7.", command{verb: Close, handle: "K7"}},
		{"take care", command{verb: Say, text: "take care"}},
		{"pass me the number", command{verb: Say, text: "pass me the number"}},
		{"close to you", command{verb: Say, text: "close to you"}},
		{"list of places", command{verb: Say, text: "list of places"}},
		{"TAKE KK", command{verb: Say, text: "TAKE KK"}},
		{"TAKE K777", command{verb: Say, text: "TAKE K777"}},
		// Carrier keywords are the carrier's.
		{"STOP", command{verb: optOut}},
		{"end", command{verb: optOut}},
		{"Cancel", command{verb: optOut}},
		{"quit", command{verb: optOut}},
		{"end of my shift soon", command{verb: Say, text: "end of my shift soon"}},
	} {
		if got := parseCommand(tc.body); got != tc.want {
			t.Errorf("parseCommand(%q) = %+v, want %+v", tc.body, got, tc.want)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"TAKE K7", "#K7 hi", "pass", "STOP", "", "#", "# x", "TAKE N", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c := parseCommand(body)
		switch c.verb {
		case Take:
			if !ValidHandle(c.handle) {
				t.Fatalf("TAKE without a handle: %+v", c)
			}
		case Say:
			if c.text == "" {
				t.Fatalf("nothing to say: %+v", c)
			}
			if c.handle != "" && !ValidHandle(c.handle) {
				t.Fatalf("bad handle %+v", c)
			}
		case Pass, Close, list, help, optOut:
		default:
			t.Fatalf("unknown verb %+v", c)
		}
		if c.handle != strings.ToUpper(c.handle) || !utf8.ValidString(c.handle) {
			t.Fatalf("handle not upper case: %+v", c)
		}
	})
}
