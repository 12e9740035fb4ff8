package handoff

import (
	"strings"
	"unicode"
)

// Verb is what a responder's message or console action asks.
type Verb string

// Responder verbs. END, STOP, CANCEL and QUIT are never commands: carriers
// read them as opt-outs.
const (
	Take   Verb = "take"
	Pass   Verb = "pass"
	Close  Verb = "close"
	Say    Verb = "say" // words for the texter
	list   Verb = "list"
	help   Verb = "help"
	optOut Verb = "optout" // a carrier keyword: the carrier answers, not Textline
)

// command is a responder's message, parsed.
type command struct {
	verb   Verb
	handle string // upper case; "" when not given
	text   string // for Say
}

// carrierWords are handled by the carrier; Textline stays silent.
var carrierWords = map[string]bool{
	"STOP": true, "STOPALL": true, "UNSUBSCRIBE": true, "CANCEL": true, "END": true,
	"QUIT": true, "START": true, "UNSTOP": true, "REVOKE": true, "OPTOUT": true,
}

// parseCommand reads a responder's message: "TAKE K7", "PASS", "CLOSE K7",
// "LIST", "HELP", "#K7 some text", or plain text for the one they hold.
func parseCommand(body string) command {
	body = strings.TrimSpace(body)
	if strings.HasPrefix(body, "#") {
		h, rest, _ := strings.Cut(body[1:], " ")
		if ValidHandle(h) && strings.TrimSpace(rest) != "" {
			return command{verb: Say, handle: strings.ToUpper(h), text: strings.TrimSpace(rest)}
		}
	}
	words := strings.Fields(body)
	if len(words) == 0 {
		return command{verb: help}
	}
	first := strings.ToUpper(strings.TrimFunc(words[0], unicode.IsPunct))
	if len(words) == 1 && carrierWords[first] {
		return command{verb: optOut}
	}
	verb := map[string]Verb{"TAKE": Take, "PASS": Pass, "CLOSE": Close, "LIST": list, "HELP": help}[first]
	switch {
	case verb == "":
	case len(words) == 1 && verb == Take:
		return command{verb: help} // TAKE needs a handle; never relay it
	case len(words) == 1:
		return command{verb: verb}
	case len(words) == 2 && verb != list && verb != help:
		if h := strings.TrimFunc(words[1], unicode.IsPunct); ValidHandle(h) {
			return command{verb: verb, handle: strings.ToUpper(h)}
		}
	}
	return command{verb: Say, text: body}
}

// ValidHandle reports whether h could be a handle: a letter and one or two
// digits (K7, M23), or N and a number for the overflow and alerts.
func ValidHandle(h string) bool {
	if len(h) < 2 || len(h) > 12 {
		return false
	}
	c := h[0] | 0x20
	if c < 'a' || c > 'z' {
		return false
	}
	if len(h) > 3 && c != 'n' {
		return false
	}
	for i := 1; i < len(h); i++ {
		if h[i] < '0' || h[i] > '9' {
			return false
		}
	}
	return true
}
