package twilio

import (
	"io"
	"net/http"

	"github.com/twilio/twilio-go/twiml"
)

// call988 is the answer when there is no line to dial and nothing else
// to say, or when TwiML cannot be built.
const call988 = `<?xml version="1.0" encoding="UTF-8"?><Response><Say>We cannot connect your call right now. If you are in crisis, please call or text 988.</Say><Hangup/></Response>`

// Voice is the voice webhook, POST /twilio/voice. It answers calls to the
// line's number; it knows nothing of the caller and logs nothing.
type Voice struct {
	verify *Verifier
	answer string
}

// NewVoice returns the webhook: it speaks connect, dials humanLine, and
// speaks noAnswer (988 guidance) if nobody answers; with no humanLine it
// speaks noLine and hangs up, or says call988's words when noLine is
// empty too. verify checks each request's signature.
func NewVoice(verify *Verifier, humanLine, connect, noLine, noAnswer string) *Voice {
	answer := CallTwiML(humanLine, connect, noAnswer)
	if words := speak(noLine); humanLine == "" && words != nil {
		answer = voiceTwiML(append(words, twiml.VoiceHangup{}))
	}
	return &Voice{verify: verify, answer: answer}
}

// CallTwiML is the TwiML for a call Textline starts itself (a texter's
// CALL): speak connect, then dial humanLine, then, when the dial ends
// unanswered, speak noAnswer: a call never ends in silence. With no
// humanLine it is call988.
func CallTwiML(humanLine, connect, noAnswer string) string {
	number := xmlSafe(humanLine)
	if number == "" {
		return call988
	}
	verbs := append(speak(connect), twiml.VoiceDial{Number: number, Timeout: dialTimeout})
	return voiceTwiML(append(verbs, speak(noAnswer)...))
}

// dialTimeout is how many seconds the human line may ring.
const dialTimeout = "30"

// speak is a <Say> of text, or nothing when text is empty.
func speak(text string) []twiml.Element {
	if text = xmlSafe(text); text == "" {
		return nil
	}
	return []twiml.Element{twiml.VoiceSay{Message: text}}
}

// voiceTwiML is a <Response> of verbs, or call988 if that fails.
func voiceTwiML(verbs []twiml.Element) string {
	out, err := twiml.Voice(verbs)
	if err != nil {
		return call988
	}
	return out
}

// ServeHTTP answers a signed POST with the TwiML, and anything else with
// an empty body: 405, 400, 413, or 403 when the signature is bad.
func (v *Voice) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Verify.
	if _, status, err := SignedForm(w, r, v.verify); err != nil {
		w.WriteHeader(status)
		return
	}
	// Write: the answer is the same for every caller.
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, v.answer)
}
