package headscale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Sentinels for the outcomes callers act on. Test with errors.Is; use
// errors.As with *APIError for the status and Headscale's own message.
var (
	// ErrUnreachable: Headscale could not be reached or did not answer in
	// time (connection refused, DNS failure, timeout, or a proxy in front of
	// it answering 502/503/504). The cause is wrapped.
	ErrUnreachable = errors.New("headscale unreachable")
	// ErrUnauthorized: Headscale rejected the API key (missing, wrong,
	// expired).
	ErrUnauthorized = errors.New("headscale rejected the api key")
	// ErrNotFound: the user, node, key or policy does not exist.
	ErrNotFound = errors.New("not found in headscale")
	// ErrConflict: the change collides with something that exists (duplicate
	// user name, node name not unique).
	ErrConflict = errors.New("conflicts with existing headscale object")
	// ErrUserHasNodes: a user cannot be deleted while it still owns nodes.
	ErrUserHasNodes = errors.New("headscale user still has nodes")
	// ErrInvalid: Headscale (or the client, before sending) rejected the
	// input: a name that is not a DNS label, a malformed tag or route, a
	// policy that does not parse. The *APIError, when there is one, carries
	// Headscale's message (for a policy, with line and column where given).
	ErrInvalid = errors.New("rejected as invalid by headscale")
	// ErrPolicyModeFile: the policy cannot be changed through the API because
	// Headscale reads it from a file (policy.mode: file).
	ErrPolicyModeFile = errors.New("headscale policy is managed in a file")
)

// maxErrorBodyBytes caps how much of an error response is read; messageLimit
// caps how much of it is kept in an error.
const (
	maxErrorBodyBytes = 16 << 10
	messageLimit      = 512
)

// APIError is a non-2xx answer from Headscale. Code and Message come from
// Headscale's JSON error {"code":N,"message":"...","details":[]} (Code is a
// gRPC status code); for a plain-text answer such as 401 "Unauthorized",
// Message holds the (truncated) body and Code is 0.
//
// errors.Is(err, ErrX) works through Unwrap, which applies the mapping below.
type APIError struct {
	Status  int
	Code    int
	Message string
}

func (e *APIError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("status %d", e.Status)
	}
	return fmt.Sprintf("status %d: %s", e.Status, e.Message)
}

// Unwrap returns the sentinel this answer means, or nil.
func (e *APIError) Unwrap() error { return classify(e.Status, e.Message) }

// statusSentinels maps HTTP statuses that are unambiguous on their own.
var statusSentinels = map[int]error{
	http.StatusBadRequest:         ErrInvalid,
	http.StatusUnauthorized:       ErrUnauthorized,
	http.StatusNotFound:           ErrNotFound,
	http.StatusConflict:           ErrConflict,
	http.StatusBadGateway:         ErrUnreachable,
	http.StatusServiceUnavailable: ErrUnreachable,
	http.StatusGatewayTimeout:     ErrUnreachable,
}

// messageSentinels maps Headscale messages to sentinels. Headscale (v0.27 to
// v0.29) answers many client errors with 500 (gRPC Unknown/Internal) and only
// the message tells them apart, so these are matched, case-insensitively as
// substrings, on 5xx answers only: a 400 that mentions "not found" (a policy
// parse error, say) stays invalid input. Entries marked anyStatus are matched
// before the status is looked at, for messages Headscale sends with a
// misleading status. First match wins.
var messageSentinels = []struct {
	contains  string
	err       error
	anyStatus bool
}{
	// Before the "not found" rows: a policy error may quote a missing user.
	{"setting policy: ", ErrInvalid, false},                                          // PUT /api/v1/policy, parse or validation error (500)
	{"verifying ssh rules", ErrInvalid, false},                                       // PUT /api/v1/policy with nodes present
	{"update is disabled for modes other than 'database'", ErrPolicyModeFile, false}, // PUT /api/v1/policy with policy.mode: file
	{"no longer exists in nodestore", ErrNotFound, true},                             // 0.29 rename/expire (500) and approve_routes (400) on a missing node
	{"user not empty", ErrUserHasNodes, false},                                       // "user not empty: node(s) found" (DELETE /api/v1/user/{id})
	{"user not found", ErrNotFound, false},                                           // "user not found"
	{"node not found", ErrNotFound, false},                                           // "node not found", "node not found in registration cache"
	{"acl policy not found", ErrNotFound, false},                                     // GET /api/v1/policy before any policy was set
	{"api key not found", ErrNotFound, false},                                        // "API key not found: record not found"
	{"auth-key not found", ErrNotFound, false},                                       // pre-auth key
	{"record not found", ErrNotFound, false},                                         // gorm's ErrRecordNotFound leaking through (API key expire/delete)
	{"already exists", ErrConflict, false},                                           // "user already exists"
	{"not unique", ErrConflict, false},                                               // "node name is not unique"
	{"unique constraint failed", ErrConflict, false},                                 // sqlite: "UNIQUE constraint failed: users.name (2067)"
	{"duplicate key value violates unique", ErrConflict, false},                      // postgres
	{"is not a valid dns label", ErrInvalid, false},                                  // POST /api/v1/node/{id}/rename/{name}
	{"tag must start with", ErrInvalid, false},                                       // POST /api/v1/node/{id}/tags
	{"tag should be lowercase", ErrInvalid, false},                                   // idem
	{"tags must not contain spaces", ErrInvalid, false},                              // idem
	{"parsing route", ErrInvalid, false},                                             // POST /api/v1/node/{id}/approve_routes
	{"auth-key must be either tagged or owned by user", ErrInvalid, false},           // POST /api/v1/preauthkey without user and tags
	{"auth id has invalid", ErrInvalid, false},                                       // a malformed registration id
}

// classify returns the sentinel for a Headscale answer, or nil.
func classify(status int, message string) error {
	m := strings.ToLower(message)
	for _, s := range messageSentinels {
		if s.anyStatus && strings.Contains(m, s.contains) {
			return s.err
		}
	}
	if err, ok := statusSentinels[status]; ok {
		return err
	}
	if status < 500 {
		return nil
	}
	for _, s := range messageSentinels {
		if strings.Contains(m, s.contains) {
			return s.err
		}
	}
	return nil
}

// apiError builds the *APIError for a non-2xx answer with body b.
func (c *Client) apiError(status int, b []byte) *APIError {
	e := &APIError{Status: status}
	var body struct {
		Code    *int   `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &body) == nil && (body.Code != nil || body.Message != "") {
		if body.Code != nil {
			e.Code = *body.Code
		}
		e.Message = body.Message
	} else {
		e.Message = strings.TrimSpace(string(b))
	}
	e.Message = truncate(c.redactString(e.Message), messageLimit)
	return e
}

// transportError wraps a failure to get an answer. A caller that cancelled
// gets its context error back; anything else, deadlines included, is
// ErrUnreachable with the cause.
func (c *Client) transportError(ctx context.Context, op string, err error) error {
	err = c.redact(err)
	if errors.Is(ctx.Err(), context.Canceled) {
		return fmt.Errorf("headscale: %s: %w", op, err)
	}
	return fmt.Errorf("headscale: %s: %w: %w", op, ErrUnreachable, err)
}

// redact keeps the API key out of err's text while keeping err's chain.
func (c *Client) redact(err error) error {
	if c.apiKey == "" || !strings.Contains(err.Error(), c.apiKey) {
		return err
	}
	return &redactedError{msg: c.redactString(err.Error()), err: err}
}

func (c *Client) redactString(s string) string {
	if c.apiKey == "" {
		return s
	}
	return strings.ReplaceAll(s, c.apiKey, "[redacted]")
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// truncate shortens s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
