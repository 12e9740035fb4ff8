package twilio_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/twilio"
)

// replySeeds are texts a reply might hold, kind and hostile.
var replySeeds = []string{
	"",
	" ",
	"\n",
	"Hi, this is Textline. Reply MENU for options, STOP to opt out.",
	"Hola, soy Textline. ¿Cómo estás? Responde MENÚ. 😀",
	"If you are in danger, call 911. Call or text 988.",
	"a</Message><Redirect>https://evil.example.org</Redirect><Message>b",
	"<![CDATA[x]]> ]]> &amp; &#0; &#x1; &lt; <!-- c --> <?pi x?>",
	"\x00\x01\x08\x0b\x0c\x1b\x7f",
	"line1\r\nline2\rline3\n",
	"\xff\xfe\xc0\xafinvalid",
	"\ufffe\uffff\ufffd\u202e\u200b",
	"\xed\xa0\x80 surrogate half",
	"\U0010FFFF\U0001F600",
	"\x00a",
	"'\"&<>",
}

// xmlText is what an XML parser reads back of s once written as text:
// invalid UTF-8 and characters outside XML 1.0's Char production are gone,
// and line ends are normalised to \n.
func xmlText(s string) string {
	var b strings.Builder
	// Invalid bytes go first, so that a real U+FFFD is told from them.
	for _, r := range strings.ToValidUTF8(s, "") {
		if r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000 {
			b.WriteRune(r)
		}
	}
	out := strings.ReplaceAll(b.String(), "\r\n", "\n")
	return strings.ReplaceAll(out, "\r", "\n")
}

func FuzzReply(f *testing.F) {
	for _, s := range replySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := twilio.Reply(s)
		msgs, err := twimlMessages(doc)
		if err != nil {
			t.Fatalf("Reply(%q) is not TwiML: %v\n%s", s, err, doc)
		}
		want := xmlText(s)
		if strings.ContainsFunc(s, unicode.IsLetter) && len(msgs) != 1 {
			t.Fatalf("Reply(%q) has %d messages, want 1\n%s", s, len(msgs), doc)
		}
		switch {
		case want == "" && len(msgs) != 0:
			t.Fatalf("Reply(%q) has messages %q, want none", s, msgs)
		case want != "" && (len(msgs) != 1 || msgs[0] != want):
			t.Fatalf("Reply(%q) has messages %q, want [%q]", s, msgs, want)
		}
	})
}

// echoEngine answers with what it was sent, so arbitrary text reaches the
// reply too.
type echoEngine struct{}

func (echoEngine) Handle(_ context.Context, in bot.Inbound) (bot.Reply, error) {
	return bot.Reply{Text: "you said: " + in.Body}, nil
}

func (echoEngine) Fallback(bool) bot.Reply { return bot.Reply{Text: fallbackText} }

func FuzzWebhookForm(f *testing.F) {
	for _, s := range []string{
		message().Encode(),
		"ToCountry=US&ToState=CA&SmsMessageSid=SM1&NumMedia=0&ToCity=&FromZip=94105&SmsSid=SM1&FromState=CA&SmsStatus=received&FromCity=SAN+FRANCISCO&Body=Hi+there&FromCountry=US&To=%2B15550001111&MessagingServiceSid=MG1&ToZip=&NumSegments=1&MessageSid=SM1&AccountSid=AC1&From=%2B15551234567&ApiVersion=2010-04-01",
		"MessageSid=SM1&From=%2B15551234567&Body=%FF%FE%00%07%3C%2FMessage%3E%26amp%3B",
		"MessageSid=SM1&From=%2B15551234567&Body=&NumMedia=1&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm",
		"MessageSid=SM1&From=%2B15551234567&NumMedia=-99999999999999999999",
		"MessageSid=SM1&From=whatsapp%3A%2B15551234567&Body=hola",
		"MessageSid=SM1&MessageSid=SM2&From=a&From=b",
		"MessageSid=&From=",
		"From=%2B15551234567",
		"",
		"&&&===&",
		"%zz",
		"a=1;b=2",
		"Body=%",
		"\x00\xff\n\r",
		`{"MessageSid":"SM1","From":"+15551234567"}`,
		"MessageSid=SM1&From=%2B1&Body=" + strings.Repeat("x", twilio.MaxRequestBytes),
		"MessageSid=SM1&From=%2B1&Body=" + strings.Repeat("%F0%9F%98%80", 2000),
	} {
		f.Add(s)
	}
	h := twilio.NewHandler(echoEngine{}, twilio.Unverified(), bot.NewPseudonymizer(pseudoKey))
	h.Timeout = 5 * time.Second
	h.Log = slog.New(slog.DiscardHandler)
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, webhookPath, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status = %d for body %q", rec.Code, body)
		}
		msgs, err := twimlMessages(rec.Body.String())
		if err != nil {
			t.Fatalf("response is not TwiML: %v\nbody %q\nresponse %s", err, body, rec.Body)
		}
		// The echo engine always answers; refusals never carry a message.
		wantMsgs := 0
		if rec.Code == http.StatusOK {
			wantMsgs = 1
		}
		if len(msgs) != wantMsgs {
			t.Fatalf("status %d with %d messages, want %d", rec.Code, len(msgs), wantMsgs)
		}
		if len(body) > twilio.MaxRequestBytes && rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status = %d for a %d-byte body, want 413", rec.Code, len(body))
		}
	})
}
