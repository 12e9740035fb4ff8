package twilio

import (
	"strings"

	"github.com/twilio/twilio-go/twiml"
)

// emptyResponse answers without a message.
const emptyResponse = `<?xml version="1.0" encoding="UTF-8"?><Response/>`

// Reply builds the TwiML answer: a <Response> holding one <Message> with
// text, or none when text is empty. The result is valid XML whatever text
// holds.
func Reply(text string) string {
	text = xmlSafe(text)
	if text == "" {
		return emptyResponse
	}
	out, err := twiml.Messages([]twiml.Element{twiml.MessagingMessage{Body: text}})
	if err != nil {
		return emptyResponse
	}
	return out
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
