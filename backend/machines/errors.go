package machines

import (
	"errors"
	"fmt"
	"net/http"

	"headway/backend/headscale"
	"headway/backend/problem"
)

// Error is a refusal written for the people and programs calling the API.
// Status is the HTTP status it suggests, Code is stable snake_case, Message
// and Hint are shown as they are; Err is the cause, for the log only (it may
// be nil).
//
// Every *Error this package returns matches one of the sentinels below with
// errors.Is (same Code), and unwraps to its cause, so errors.Is(err,
// headscale.ErrUnreachable) also holds for headscale_unavailable. Other
// errors are unexpected (500) and wrap their cause with a "machines: …"
// prefix.
type Error = problem.Problem

// Refusals. Compare with errors.Is; read the fields with errors.As.
var (
	ErrForbidden = &Error{Status: http.StatusForbidden, Code: "forbidden",
		Message: "You can only manage your own machines.",
		Hint:    "Ask an administrator to make this change."}
	ErrMachineNotFound = &Error{Status: http.StatusNotFound, Code: "machine_not_found",
		Message: "That machine does not exist.",
		Hint:    "It may have been deleted; reload the list of machines."}
	ErrMachineNameInvalid = &Error{Status: http.StatusBadRequest, Code: "machine_name_invalid",
		Message: "That is not a valid machine name.",
		Hint:    "A machine name is its MagicDNS name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit."}
	ErrMachineNameTaken = &Error{Status: http.StatusConflict, Code: "machine_name_taken",
		Message: "Another machine already has that name.",
		Hint:    "Machine names are unique in the tailnet: choose another, or rename the other machine first."}
	ErrExpiryInvalid = &Error{Status: http.StatusBadRequest, Code: "expiry_invalid",
		Message: "Choose an expiry time or no expiry, not both.",
		Hint:    "Leave the time empty to expire the key now."}
	ErrTagInvalid = &Error{Status: http.StatusBadRequest, Code: "tag_invalid",
		Message: "That is not a valid tag.",
		Hint:    "Tags look like tag:name, in lower case and without spaces."}
	ErrTagNotAllowed = &Error{Status: http.StatusBadRequest, Code: "tag_not_allowed",
		Message: "Headscale does not allow these tags.",
		Hint:    "Every tag must be listed in the policy's tagOwners: add it there first."}
	ErrRouteInvalid = &Error{Status: http.StatusBadRequest, Code: "route_invalid",
		Message: "That is not a valid route.",
		Hint:    "Routes are IP prefixes such as 192.168.1.0/24 or fd00:1::/64."}
	ErrRegistrationNotFound = &Error{Status: http.StatusNotFound, Code: "registration_not_found",
		Message: "No machine is waiting to register with that id.",
		Hint:    "Check the id the machine showed (hskey-authreq-…); it expires after a while, so start the login on the machine again if needed."}
	ErrHeadscaleUserNotFound = &Error{Status: http.StatusNotFound, Code: "headscale_user_not_found",
		Message: "That Headscale user does not exist.",
		Hint:    "It may have been deleted; reload the list of Headscale users."}
	ErrUserNameInvalid = &Error{Status: http.StatusBadRequest, Code: "user_name_invalid",
		Message: "That is not a valid user name.",
		Hint:    "A user name has at least 2 characters, starts with a letter, and holds only letters, digits, '-', '.', '_' and at most one '@'."}
	ErrUserNameTaken = &Error{Status: http.StatusConflict, Code: "user_name_taken",
		Message: "Another Headscale user already has that name.",
		Hint:    "User names are unique: choose another."}
	ErrUserFromOIDC = &Error{Status: http.StatusBadRequest, Code: "user_from_oidc",
		Message: "This user comes from your identity provider and cannot be renamed here.",
		Hint:    "Change the name in the identity provider; Headscale takes it over at the user's next sign-in."}
	ErrUserHasMachines = &Error{Status: http.StatusConflict, Code: "user_has_machines",
		Message: "This user still has machines.",
		Hint:    "Delete or re-register their machines first."}
	ErrHeadscaleUnavailable = &Error{Status: http.StatusBadGateway, Code: "headscale_unavailable",
		Message: "Headscale cannot be reached.",
		Hint:    "Check that Headscale is running and that headscale.url points at it."}
	ErrHeadscaleKeyInvalid = &Error{Status: http.StatusBadGateway, Code: "headscale_key_invalid",
		Message: "Headscale rejected Headway's API key.",
		Hint:    "Headway's own API key expired or was revoked: create a new one and set headscale.api_key; run headway doctor."}
)

// HeadscaleError turns a Headscale failure that no caller can fix into its
// *Error: headscale.ErrUnreachable into headscale_unavailable and
// headscale.ErrUnauthorized into headscale_key_invalid (both 502), with err
// as the cause. Any other error, nil included, is returned unchanged.
func HeadscaleError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, headscale.ErrUnreachable):
		return ErrHeadscaleUnavailable.With(err)
	case errors.Is(err, headscale.ErrUnauthorized):
		return ErrHeadscaleKeyInvalid.With(err)
	}
	return err
}

// headscaleFailure maps an error from Headscale during op: the two 502s,
// ErrNotFound to notFound (when not nil), anything else wrapped.
func headscaleFailure(op string, err error, notFound *Error) error {
	if e := HeadscaleError(err); e != err {
		return e
	}
	if notFound != nil && errors.Is(err, headscale.ErrNotFound) {
		return notFound.With(err)
	}
	return fmt.Errorf("machines: %s: %w", op, err)
}

// headscaleMessage returns Headscale's own message in err, or "".
func headscaleMessage(err error) string {
	var ae *headscale.APIError
	if errors.As(err, &ae) {
		return ae.Message
	}
	return ""
}
