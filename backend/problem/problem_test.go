package problem

import (
	"errors"
	"fmt"
	"testing"
)

var errThing = &Problem{Status: 409, Code: "thing_taken", Message: "That thing is taken.", Hint: "Pick another."}

func TestProblemMatchesByCodeAndKeepsItsCause(t *testing.T) {
	cause := errors.New("unique violation")
	err := fmt.Errorf("create thing: %w", errThing.With(cause))

	if !errors.Is(err, errThing) {
		t.Error("errors.Is(wrapped copy, sentinel) = false, want true")
	}
	if !errors.Is(err, cause) {
		t.Error("errors.Is(wrapped copy, cause) = false, want true")
	}
	if errors.Is(err, &Problem{Code: "other"}) {
		t.Error("a problem matched another code")
	}
	var p *Problem
	if !errors.As(err, &p) || p.Status != 409 || p.Hint != "Pick another." {
		t.Errorf("errors.As = %+v, want the sentinel's fields", p)
	}
	if errThing.Err != nil {
		t.Error("With changed the sentinel")
	}
}

func TestAboutAndWithHintCopy(t *testing.T) {
	p := errThing.About("records[2].value", "%q is not an address", "x")
	if p.Field != "records[2].value" || p.Message != `"x" is not an address` || p.Code != "thing_taken" {
		t.Errorf("About = %+v", p)
	}
	h := errThing.WithHint("Try later.", nil)
	if h.Hint != "Try later." || errThing.Hint != "Pick another." {
		t.Errorf("WithHint = %q, sentinel hint %q", h.Hint, errThing.Hint)
	}
}
