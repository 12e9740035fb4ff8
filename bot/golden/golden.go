// Package golden runs transcript scripts against golden files, for the
// tests that tell a conversation's story: each testdata/transcripts/NAME.txt
// is played, and what it printed must equal NAME.golden.
package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Run plays every script in dir with play and compares what it printed
// with the script's golden file; with update it rewrites the golden files
// instead.
func Run(t *testing.T, dir string, update bool, play func(t *testing.T, script string) string) {
	t.Helper()
	scripts, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in %s: %v", dir, err)
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".txt")
		t.Run(name, func(t *testing.T) {
			got := play(t, script)
			file := strings.TrimSuffix(script, ".txt") + ".golden"
			if update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run the test with -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s changed (-golden +now); if intended, run the test with -update:\n%s", name, diff)
			}
		})
	}
}
