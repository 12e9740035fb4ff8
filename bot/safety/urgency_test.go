package safety

import "testing"

// urgency, a switch for speed, gives each category its place in
// allCategories, and an unknown one the last place.
func TestUrgencyFollowsTheList(t *testing.T) {
	for i, c := range allCategories {
		if got := urgency(c); got != i {
			t.Errorf("urgency(%s) = %d, want %d", c, got, i)
		}
	}
	if got := urgency("no_such_category"); got != len(allCategories) {
		t.Errorf("urgency of an unknown category = %d, want %d", got, len(allCategories))
	}
}
