package twilio

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Form is a webhook's form as Twilio signs it: the first value of each
// field, sorted by key, as ParseForm returns it.
type Form []Field

// Field is one field of a Form.
type Field struct{ Key, Value string }

// Get returns the value of key, or "" when the form has none.
func (f Form) Get(key string) string {
	if i, ok := slices.BinarySearchFunc(f, key, func(fl Field, key string) int { return strings.Compare(fl.Key, key) }); ok {
		return f[i].Value
	}
	return ""
}

// maxFields is url.ParseQuery's bound on the fields of a query.
const maxFields = 10_000

// ParseForm reads an application/x-www-form-urlencoded body by the rules
// of url.ParseQuery (at most maxFields fields; a semicolon in a key and a
// bad escape are errors, and what parses is kept), keeping the first
// value of each field, sorted by key as the signature takes them.
func ParseForm(body string) (Form, error) {
	n := strings.Count(body, "&") + 1
	if n > maxFields {
		return nil, errors.New("number of URL query parameters exceeded limit")
	}
	f := make(Form, 0, n)
	var err error
	for body != "" {
		var key string
		key, body, _ = strings.Cut(body, "&")
		if strings.Contains(key, ";") {
			err = cmp.Or(err, errors.New("invalid semicolon separator in query"))
			continue
		}
		if key == "" {
			continue
		}
		key, value, _ := strings.Cut(key, "=")
		key, err1 := url.QueryUnescape(key)
		if err1 != nil {
			err = cmp.Or(err, err1)
			continue
		}
		value, err1 = url.QueryUnescape(value)
		if err1 != nil {
			err = cmp.Or(err, err1)
			continue
		}
		f = append(f, Field{Key: key, Value: value})
	}
	// Sorted stably, the first value of a key leads its run.
	slices.SortStableFunc(f, func(a, b Field) int { return strings.Compare(a.Key, b.Key) })
	return slices.CompactFunc(f, func(a, b Field) bool { return a.Key == b.Key }), err
}

// readBuffers hold bodies while they are read.
var readBuffers = sync.Pool{New: func() any { return new([]byte) }}

// readForm reads a form-encoded body of at most MaxRequestBytes.
func readForm(w http.ResponseWriter, r *http.Request) (Form, error) {
	buf := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(buf)
	b, err := readAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes), (*buf)[:0])
	*buf = b
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	form, err := ParseForm(string(b))
	if err != nil {
		return nil, fmt.Errorf("parse form: %w", err)
	}
	return form, nil
}

// readAll appends what r holds to b, as io.ReadAll does to a new slice.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
