package safety_test

import (
	"strings"
	"testing"

	"github.com/textline/textline/bot/safety"
	"github.com/textline/textline/content"
)

func TestParseLabelled(t *testing.T) {
	for _, tc := range []struct {
		line, err string
	}{
		{`{"text":"i want to die","expect":"suicide_risk","severity":"high","lang":"en"}`, ""},
		{`{"text":"hola","expect":"benign","severity":"none","lang":"es"}`, ""},
		{`{"text":"hi","expect":"benign"}`, ""},
		{`{"text":"x","expect":"sad"}`, `unknown category "sad"`},
		{`{"text":"i want to die","expect":"suicide_risk"}`, "needs a severity"},
		{`{"text":"i want to die","expect":"suicide_risk","severity":"urgent"}`, "needs a severity"},
		{`{"text":"hi","expect":"benign","severity":"high"}`, "takes no severity"},
		{`{"text":"hi","expect":"benign","lang":"fr"}`, `unknown language "fr"`},
		{`{"text":`, "line 1"},
	} {
		_, err := safety.ParseLabelled([]byte(tc.line + "\n"))
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: error %v, want %q", tc.line, err, tc.err)
		}
	}
}

// A model trained on other classes than the classifier reads is refused
// when the triage is compiled, not misread when a message comes.
func TestCompileRefusesMismatchedModels(t *testing.T) {
	lib, err := content.Load(content.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	tr := lib.Triage
	tr.CategoryModel, tr.SeverityModel = tr.SeverityModel, tr.CategoryModel
	if _, err := safety.Compile(tr); err == nil || !strings.Contains(err.Error(), "category model has classes") {
		t.Errorf("swapped models compiled: %v", err)
	}
	tr = lib.Triage
	tr.CategoryModel = nil
	if _, err := safety.Compile(tr); err == nil {
		t.Error("a severity model without a category model compiled")
	}
}
