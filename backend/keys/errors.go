package keys

import (
	"errors"
	"fmt"
	"net/http"

	"headway/backend/headscale"
	"headway/backend/machines"
	"headway/backend/problem"
)

// Error is a refusal written for the people and programs calling the API.
// Status is the HTTP status it suggests, Code is stable snake_case, Message
// and Hint are shown as they are; Err is the cause, for the log only (it may
// be nil).
//
// Every *Error this package returns matches one of the sentinels below with
// errors.Is (same Code). Headscale being unreachable or refusing Headway's
// key comes back as machines.ErrHeadscaleUnavailable or
// machines.ErrHeadscaleKeyInvalid (502). Other errors are unexpected (500)
// and wrap their cause with a "keys: …" prefix.
type Error = problem.Problem

// Refusals. Compare with errors.Is; read the fields with errors.As.
var (
	ErrForbidden = &Error{Status: http.StatusForbidden, Code: "forbidden",
		Message: "You can only manage pre-auth keys of your own Headscale user.",
		Hint:    "Ask an administrator for a key for another user or a tag-only key."}
	ErrNotLinked = &Error{Status: http.StatusConflict, Code: "not_linked",
		Message: "Your console account is not linked to a Headscale user; ask an administrator to link it, or link yourself during onboarding.",
		Hint:    "Pre-auth keys belong to a Headscale user: without one, there is nothing to create a key for."}
	ErrExpirationInvalid = &Error{Status: http.StatusBadRequest, Code: "expiration_invalid",
		Message: "Choose an expiration in the future.",
		Hint:    "Pick a date and time ahead of now."}
	ErrTagInvalid = &Error{Status: http.StatusBadRequest, Code: "tag_invalid",
		Message: "That is not a valid tag.",
		Hint:    "Tags look like tag:name, in lower case and without spaces."}
	ErrTagsRequired = &Error{Status: http.StatusBadRequest, Code: "tag_invalid",
		Message: "A tag-only key needs at least one tag.",
		Hint:    "Add a tag such as tag:server, or choose a user for the key."}
	ErrHeadscaleUserNotFound = &Error{Status: http.StatusNotFound, Code: "headscale_user_not_found",
		Message: "That Headscale user does not exist.",
		Hint:    "It may have been deleted; reload the list of Headscale users."}
	ErrPreAuthKeyNotFound = &Error{Status: http.StatusNotFound, Code: "preauthkey_not_found",
		Message: "That pre-auth key does not exist.",
		Hint:    "It may have been deleted; reload the list of pre-auth keys."}
	ErrAPIKeyNotFound = &Error{Status: http.StatusNotFound, Code: "apikey_not_found",
		Message: "That API key does not exist.",
		Hint:    "It may have been deleted; reload the list of API keys."}
	ErrOwnAPIKey = &Error{Status: http.StatusConflict, Code: "own_api_key",
		Message: "This is the API key Headway itself uses to reach Headscale.",
		Hint:    "Create a new key, set it as headscale.api_key and restart Headway; then expire or delete this one."}
)

// expirationInvalid is ErrExpirationInvalid saying how far ahead the
// expiration may lie.
func expirationInvalid(maxDays int) *Error {
	e := *ErrExpirationInvalid
	e.Message = fmt.Sprintf("Choose an expiration in the future, at most %d days ahead.", maxDays)
	e.Hint = fmt.Sprintf("Pick a date and time between now and %d days from now.", maxDays)
	return &e
}

// headscaleFailure maps an error from Headscale during op: the two 502s,
// ErrNotFound to notFound (when not nil), anything else wrapped.
func headscaleFailure(op string, err error, notFound *Error) error {
	if e := machines.HeadscaleError(err); e != err {
		return e
	}
	if notFound != nil && errors.Is(err, headscale.ErrNotFound) {
		return notFound.With(err)
	}
	return fmt.Errorf("keys: %s: %w", op, err)
}
