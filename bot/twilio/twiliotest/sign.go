package twiliotest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Sign is X-Twilio-Signature for a request to target with form, computed
// the way Twilio documents it and without twilio-go: HMAC-SHA1 keyed with
// the auth token over the URL followed by each form key, in sorted order,
// and its value; base64 encoded. Tests and the load tool sign with it,
// the webhook verifies with twilio-go.
func Sign(token, target string, form url.Values) string {
	var b strings.Builder
	b.WriteString(target)
	for _, k := range slices.Sorted(maps.Keys(form)) {
		b.WriteString(k)
		b.WriteString(form.Get(k))
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
