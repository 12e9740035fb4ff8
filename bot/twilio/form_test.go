package twilio_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/textline/textline/bot/twilio"
)

// formSeeds are bodies a webhook might get, kind and hostile.
var formSeeds = []string{
	message().Encode(),
	"ToCountry=US&ToState=CA&SmsMessageSid=SM1&NumMedia=0&ToCity=&FromZip=94105&SmsSid=SM1&Body=Hi+there&To=%2B15550001111&MessageSid=SM1&From=%2B15551234567",
	"MessageSid=SM1&MessageSid=SM2&From=a&From=b&a=&a=2",
	"b=1&a=2&c=3&a=4&b=5",
	"MessageSid=&From=",
	"",
	"&&&===&",
	"=x&=y",
	"%zz",
	"a=%zz&b=1&c=%",
	"a=1;b=2&c=3",
	"Body=%",
	"k",
	"\x00\xff\n\r",
	"a+b=c+d&%41=%42",
	strings.Repeat("a&", 10_000),
	strings.Repeat("a&", 9_999) + "b=1",
}

// ParseForm reads a body as url.ParseQuery does, keeping each field's
// first value.
func FuzzParseForm(f *testing.F) {
	for _, s := range formSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got, err := twilio.ParseForm(body)
		want, wantErr := url.ParseQuery(body)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("ParseForm(%q) error %v, url.ParseQuery %v", body, err, wantErr)
		}
		if !slices.IsSortedFunc(got, func(a, b twilio.Field) int { return strings.Compare(a.Key, b.Key) }) {
			t.Fatalf("ParseForm(%q) = %q: not sorted by key", body, got)
		}
		if len(got) != len(want) {
			t.Fatalf("ParseForm(%q) has %d fields, url.ParseQuery %d", body, len(got), len(want))
		}
		for k, vs := range want {
			if g := got.Get(k); g != vs[0] {
				t.Fatalf("ParseForm(%q).Get(%q) = %q, want %q", body, k, g, vs[0])
			}
		}
	})
}
