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
		{"TAKE K7", command{verb: cmdTake, handle: "K7"}},
		{"  take k7 ", command{verb: cmdTake, handle: "K7"}},
		{"Take M23", command{verb: cmdTake, handle: "M23"}},
		{"TAKE N1042", command{verb: cmdTake, handle: "N1042"}},
		{"PASS", command{verb: cmdPass}},
		{"pass K7", command{verb: cmdPass, handle: "K7"}},
		{"CLOSE", command{verb: cmdClose}},
		{"Close.", command{verb: cmdClose}},
		{"CLOSE K7", command{verb: cmdClose, handle: "K7"}},
		{"LIST", command{verb: cmdList}},
		{"help", command{verb: cmdHelp}},
		{"", command{verb: cmdHelp}},
		{"#K7 are you safe right now?", command{verb: cmdSay, handle: "K7", text: "are you safe right now?"}},
		{"#k7   hi", command{verb: cmdSay, handle: "K7", text: "hi"}},
		{"#K7", command{verb: cmdSay, text: "#K7"}},
		{"#hashtag life", command{verb: cmdSay, text: "#hashtag life"}},
		// Plain words that start like a command are words for the texter.
		{"take your time, I'm here", command{verb: cmdSay, text: "take your time, I'm here"}},
		{"TAKE", command{verb: cmdHelp}},
		{"TAKE K7!", command{verb: cmdTake, handle: "K7"}},
		{"close k7.", command{verb: cmdClose, handle: "K7"}},
		{"take care", command{verb: cmdSay, text: "take care"}},
		{"pass me the number", command{verb: cmdSay, text: "pass me the number"}},
		{"close to you", command{verb: cmdSay, text: "close to you"}},
		{"list of places", command{verb: cmdSay, text: "list of places"}},
		{"TAKE KK", command{verb: cmdSay, text: "TAKE KK"}},
		{"TAKE K777", command{verb: cmdSay, text: "TAKE K777"}},
		// Carrier keywords are the carrier's.
		{"STOP", command{verb: cmdOptOut}},
		{"end", command{verb: cmdOptOut}},
		{"Cancel", command{verb: cmdOptOut}},
		{"quit", command{verb: cmdOptOut}},
		{"end of my shift soon", command{verb: cmdSay, text: "end of my shift soon"}},
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
		case cmdTake:
			if !ValidHandle(c.handle) {
				t.Fatalf("TAKE without a handle: %+v", c)
			}
		case cmdSay:
			if c.text == "" {
				t.Fatalf("nothing to say: %+v", c)
			}
			if c.handle != "" && !ValidHandle(c.handle) {
				t.Fatalf("bad handle %+v", c)
			}
		case cmdPass, cmdClose, cmdList, cmdHelp, cmdOptOut:
		default:
			t.Fatalf("unknown verb %+v", c)
		}
		if c.handle != strings.ToUpper(c.handle) || !utf8.ValidString(c.handle) {
			t.Fatalf("handle not upper case: %+v", c)
		}
	})
}
