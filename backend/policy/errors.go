package policy

import (
	"fmt"
	"net/http"

	"headway/backend/machines"
	"headway/backend/problem"
)

// Error is a refusal written for the people and programs calling the API.
// Status is the HTTP status it suggests, Code is stable snake_case, Message
// and Hint are shown as they are; Err is the cause, for the log only (it may
// be nil).
//
// Every *Error this package returns matches one of the sentinels below with
// errors.Is (same Code); policy_invalid also holds an *InvalidError with
// Headscale's message, line and column (errors.As). Headscale being
// unreachable or refusing Headway's key comes back as
// machines.ErrHeadscaleUnavailable or machines.ErrHeadscaleKeyInvalid (502).
// Other errors are unexpected (500) and wrap their cause with a "policy: …"
// prefix.
type Error = problem.Problem

// Refusals. Compare with errors.Is; read the fields with errors.As.
var (
	ErrConflict = &Error{Status: http.StatusConflict, Code: "policy_conflict",
		Message: "Someone changed the policy since you loaded it; nothing was saved.",
		Hint:    "Reload the policy to see their change; your text is kept in the editor, so you can apply your edit again."}
	ErrInvalid = &Error{Status: http.StatusBadRequest, Code: "policy_invalid",
		Message: "Headscale refused the policy; nothing was saved.",
		Hint:    "Fix the policy and save again."}
	ErrReadOnly = &Error{Status: http.StatusConflict, Code: "policy_read_only",
		Message: "Headscale reads the policy from a file, so it cannot be changed here.",
		Hint:    "Edit the file named by policy.path in Headscale's configuration, or set policy.mode: database there to edit the policy in Headway."}
)

// InvalidError is Headscale's verdict on a policy it refused: its message
// and, when the message names one, the 1-based line and column of the fault
// (0 when not given).
type InvalidError struct {
	Message      string
	Line, Column int
	Err          error // Headscale's answer
}

func (e *InvalidError) Error() string { return "invalid policy: " + e.Message }

// Unwrap returns Headscale's answer.
func (e *InvalidError) Unwrap() error { return e.Err }

// invalid is ErrInvalid for ie, with Headscale's message and the position
// in the text shown to the user.
func invalid(ie *InvalidError) *Error {
	e := ErrInvalid.With(ie)
	e.Message = "Headscale refused the policy: " + ie.Message
	if ie.Line > 0 {
		e.Hint = fmt.Sprintf("Fix the policy at line %d, column %d, and save again; nothing was saved.", ie.Line, ie.Column)
	} else {
		e.Hint = "Fix the policy and save again; nothing was saved."
	}
	return e
}

// headscaleFailure maps an error from Headscale during op: the two 502s,
// anything else wrapped.
func headscaleFailure(op string, err error) error {
	if e := machines.HeadscaleError(err); e != err {
		return e
	}
	return fmt.Errorf("policy: %s: %w", op, err)
}
