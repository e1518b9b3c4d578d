package headscale

import (
	"fmt"
	"strconv"
	"time"
)

// optionalTime turns Headscale's two spellings of "unset" (null, and the zero
// time 0001-01-01T00:00:00Z written after a create without expiry) into nil.
func optionalTime(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	return t
}

// nonNil returns s, or an empty slice when s is nil, so that lists encode as
// [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// withID returns op with id appended ("rename node 7"), or ErrInvalid unless
// id is a Headscale object id: a decimal number above zero. Checking before
// sending keeps odd input out of paths and gives one answer where Headscale's
// would vary.
func withID(op, id string) (string, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 {
		return op, fmt.Errorf("headscale: %s: %w: id %q is not a positive number", op, ErrInvalid, truncate(id, 32))
	}
	return op + " " + id, nil
}
