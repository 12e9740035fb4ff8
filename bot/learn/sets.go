package learn

import (
	"fmt"
	"os"
	"path/filepath"
)

// ReadSets reads every labelled file matching glob with parse, in the
// order of their names.
func ReadSets[T any](glob string, parse func([]byte) ([]T, error)) ([]T, error) {
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no labelled files match %s", glob)
	}
	var all []T
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		set, err := parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		all = append(all, set...)
	}
	return all, nil
}
