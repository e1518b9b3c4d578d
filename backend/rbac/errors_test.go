package rbac_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"headway/backend/rbac"
)

var allErrors = []*rbac.Error{
	rbac.ErrRoleInvalid,
	rbac.ErrRoleChangeForbidden, rbac.ErrCannotChangeOwnRole, rbac.ErrOwnerNotAssignable,
	rbac.ErrOwnerRoleLocked, rbac.ErrRoleExceedsActor, rbac.ErrTargetExceedsActor,
	rbac.ErrUserDeleteForbidden, rbac.ErrCannotDeleteSelf, rbac.ErrOwnerNotDeletable,
	rbac.ErrOwnerOnly, rbac.ErrCannotTransferToSelf,
	rbac.ErrLinkForbidden,
	rbac.ErrOwnerNotMappable, rbac.ErrMappingGroupEmpty,
}

func TestErrorCodes(t *testing.T) {
	t.Parallel()
	snake := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	seen := map[string]bool{}
	for _, e := range allErrors {
		if !snake.MatchString(e.Code) || e.Message == "" || e.Hint == "" {
			t.Errorf("%#v: want a snake_case code, a message and a hint", e)
		}
		if seen[e.Code] {
			t.Errorf("code %q used twice", e.Code)
		}
		seen[e.Code] = true
	}
	// Codes are part of the API contract; these must not change.
	for _, code := range []string{"role_change_forbidden", "cannot_change_own_role", "owner_not_assignable",
		"owner_role_locked", "role_exceeds_actor", "target_exceeds_actor", "owner_not_deletable",
		"cannot_delete_self", "owner_only"} {
		if !seen[code] {
			t.Errorf("no error has code %q", code)
		}
	}
}

// A wrapped refusal still yields its code, and its log text names what the actor lacks.
func TestErrorDetail(t *testing.T) {
	t.Parallel()
	err := rbac.CanAssign(rbac.ITAdmin, "a", "b", rbac.Viewer, rbac.NetworkAdmin)
	var e *rbac.Error
	if !errors.As(err, &e) || e.Code != "role_exceeds_actor" {
		t.Fatalf("CanAssign(it_admin → network_admin) = %v, want role_exceeds_actor", err)
	}
	if want := "it_admin lacks [write_network write_policy] of network_admin: role_exceeds_actor: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error text = %q, want prefix %q", err.Error(), want)
	}
}
