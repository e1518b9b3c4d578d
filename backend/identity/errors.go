package identity

import (
	"errors"
	"fmt"
	"net/http"

	"headway/backend/problem"
	"headway/backend/store"
)

// Error is a refusal written for the people and programs calling the API.
// Status is the HTTP status it suggests, Code is stable snake_case, Message
// and Hint are shown as they are. Every Error this package returns is one of
// the sentinels below, possibly wrapped with detail for the log: match with
// errors.Is, or errors.As to read the fields.
//
// The service also returns rbac's refusals (*rbac.Error, 403) unchanged, and
// Headscale's errors (headscale.ErrUnreachable and friends) wrapped.
type Error = problem.Problem

// Refusals.
var (
	// ErrConsoleUserNotFound: no console user has the id. It also matches
	// store.ErrNotFound.
	ErrConsoleUserNotFound = &Error{Status: http.StatusNotFound, Code: "console_user_not_found",
		Message: "That console user does not exist.",
		Hint:    "They may have been deleted; reload the list."}
	ErrHeadscaleUserNotFound = &Error{Status: http.StatusNotFound, Code: "headscale_user_not_found",
		Message: "That Headscale user does not exist.",
		Hint:    "It may have been deleted; reload the list of Headscale users."}
	ErrHeadscaleUserClaimed = &Error{Status: http.StatusConflict, Code: "headscale_user_claimed",
		Message: "That Headscale user is already linked to another console user.",
		Hint:    "Choose another Headscale user, or ask an administrator to unlink it first."}
	ErrHeadscaleUserNotLocal = &Error{Status: http.StatusForbidden, Code: "headscale_user_not_local",
		Message: "You can only link yourself to a local Headscale user.",
		Hint:    "Headscale users created by an identity provider are linked automatically; ask an administrator to link you."}
	ErrAlreadyLinked = &Error{Status: http.StatusConflict, Code: "already_linked",
		Message: "You are already linked to a Headscale user.",
		Hint:    "Ask an administrator to unlink you if the link is wrong."}
	ErrNotLinked = &Error{Status: http.StatusConflict, Code: "not_linked",
		Message: "You are not linked to a Headscale user yet.",
		Hint:    "Link yourself during onboarding, or ask an administrator to link you."}
	// ErrSignInNotAllowed matches every *NotAllowedError (errors.Is).
	ErrSignInNotAllowed = &Error{Status: http.StatusForbidden, Code: CodeSignInNotAllowed,
		Message: "You are not allowed to sign in to this console.",
		Hint:    "Ask an administrator to allow your account."}
	ErrOnboardingNotApplicable = &Error{Status: http.StatusBadRequest, Code: "onboarding_not_applicable",
		Message: "Onboarding is for people signed in through single sign-on.",
		Hint:    "API-key sessions have nothing to set up."}
)

// NotAllowedError refuses a sign-in: the person is not among those
// oidc.allowed_domains, allowed_groups, allowed_users or
// email_verified_required admit. Code is always "sign_in_not_allowed"; Rule
// names the rule that refused ("email_unverified", "domain", "group" or
// "user") for logs and tests. It matches ErrSignInNotAllowed with errors.Is,
// and errors.As to an *Error yields its own Message and Hint with status 403.
type NotAllowedError struct {
	Code    string
	Message string
	Hint    string
	Rule    string
}

// CodeSignInNotAllowed is the Code of every NotAllowedError.
const CodeSignInNotAllowed = "sign_in_not_allowed"

func (e *NotAllowedError) Error() string {
	return fmt.Sprintf("%s (%s): %s", e.Code, e.Rule, e.Message)
}

// Status is the HTTP status a NotAllowedError suggests.
func (e *NotAllowedError) Status() int { return http.StatusForbidden }

// Is reports whether target is ErrSignInNotAllowed.
func (e *NotAllowedError) Is(target error) bool { return target == ErrSignInNotAllowed }

// As sets an **Error target to this refusal as an *Error.
func (e *NotAllowedError) As(target any) bool {
	p, ok := target.(**Error)
	if ok {
		*p = &Error{Status: e.Status(), Code: e.Code, Message: e.Message, Hint: e.Hint}
	}
	return ok
}

// consoleUserNotFound turns store.ErrNotFound into ErrConsoleUserNotFound,
// keeping both in the chain; other errors pass.
func consoleUserNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrConsoleUserNotFound, err)
	}
	return err
}
