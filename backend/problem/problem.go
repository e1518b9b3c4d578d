// Package problem is the one error shape services return for outcomes a caller can act on.
//
// A *Problem carries the HTTP status, a stable snake_case code, a message and
// a hint written for people, and the cause for the log. Services declare
// their problems as sentinels and return copies with the cause attached;
// callers match them with errors.Is (by code) and read them with errors.As.
package problem

import "fmt"

// Problem is an expected failure, explained.
type Problem struct {
	Status  int
	Code    string
	Message string
	Hint    string
	Field   string // the input at fault, when one is (e.g. "records[2].value")
	Err     error  // the cause, for the log only
}

// Error returns the code and message, followed by the cause.
func (p *Problem) Error() string {
	if p.Err != nil {
		return p.Code + ": " + p.Message + ": " + p.Err.Error()
	}
	return p.Code + ": " + p.Message
}

// Unwrap returns the cause.
func (p *Problem) Unwrap() error { return p.Err }

// Is reports whether target is a *Problem with the same Code.
func (p *Problem) Is(target error) bool {
	t, ok := target.(*Problem)
	return ok && t.Code == p.Code
}

// With returns a copy of p caused by err.
func (p *Problem) With(err error) *Problem {
	c := *p
	c.Err = err
	return &c
}

// WithHint returns a copy of p with another hint, caused by err.
func (p *Problem) WithHint(hint string, err error) *Problem {
	c := p.With(err)
	c.Hint = hint
	return c
}

// About returns a copy of p whose message names the input at fault.
func (p *Problem) About(field, format string, args ...any) *Problem {
	c := *p
	c.Field = field
	c.Message = fmt.Sprintf(format, args...)
	return &c
}
