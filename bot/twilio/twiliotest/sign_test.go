package twiliotest_test

import (
	"net/url"
	"testing"

	"github.com/textline/textline/bot/twilio/twiliotest"
)

// Sign is pinned to the test vector Twilio publishes (and twilio-go
// tests against).
func TestSignVector(t *testing.T) {
	form := url.Values{
		"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"}, "Caller": {"+14158675309"},
		"From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"},
	}
	if got := twiliotest.Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form); got != "vOEb5UThFn24KEfnOFLQY2AE5FY=" {
		t.Errorf("Sign = %s", got)
	}
}
