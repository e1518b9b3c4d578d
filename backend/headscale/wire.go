package headscale

import "time"

// optionalTime turns Headscale's two spellings of "unset" (null, and the zero
// time 0001-01-01T00:00:00Z written after a create without expiry) into nil.
func optionalTime(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	return t
}
