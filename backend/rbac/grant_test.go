package rbac_test

import (
	"errors"
	"fmt"
	"testing"

	"headway/backend/rbac"
)

func TestCanAssign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		actor           rbac.Role
		actorID, target string
		current, next   rbac.Role
		want            *rbac.Error // nil: allowed
	}{
		{"admin grants network_admin", rbac.Admin, "a", "b", rbac.Viewer, rbac.NetworkAdmin, nil},
		{"admin grants admin", rbac.Admin, "a", "b", rbac.Member, rbac.Admin, nil},
		{"admin demotes admin", rbac.Admin, "a", "b", rbac.Admin, rbac.Viewer, nil},
		{"owner grants admin", rbac.Owner, "a", "b", rbac.Viewer, rbac.Admin, nil},
		{"owner demotes admin", rbac.Owner, "a", "b", rbac.Admin, rbac.Member, nil},
		{"it_admin grants viewer", rbac.ITAdmin, "a", "b", rbac.Member, rbac.Viewer, nil},
		{"it_admin grants auditor", rbac.ITAdmin, "a", "b", rbac.Viewer, rbac.Auditor, nil},
		{"it_admin grants it_admin", rbac.ITAdmin, "a", "b", rbac.Viewer, rbac.ITAdmin, nil},
		{"it_admin demotes it_admin", rbac.ITAdmin, "a", "b", rbac.ITAdmin, rbac.Member, nil},
		{"no-op change", rbac.Admin, "a", "b", rbac.Viewer, rbac.Viewer, nil},

		// Regression rows: the promises of the role table.
		{"it_admin cannot grant admin", rbac.ITAdmin, "a", "b", rbac.Viewer, rbac.Admin, rbac.ErrRoleExceedsActor},
		{"it_admin cannot demote admin", rbac.ITAdmin, "a", "b", rbac.Admin, rbac.Viewer, rbac.ErrTargetExceedsActor},
		{"it_admin cannot grant network_admin (write_policy)", rbac.ITAdmin, "a", "b", rbac.Viewer, rbac.NetworkAdmin, rbac.ErrRoleExceedsActor},
		{"it_admin cannot demote network_admin", rbac.ITAdmin, "a", "b", rbac.NetworkAdmin, rbac.Viewer, rbac.ErrTargetExceedsActor},
		{"admin cannot assign owner", rbac.Admin, "a", "b", rbac.Admin, rbac.Owner, rbac.ErrOwnerNotAssignable},
		{"owner cannot assign owner", rbac.Owner, "a", "b", rbac.Admin, rbac.Owner, rbac.ErrOwnerNotAssignable},
		{"owner's role locked for admin", rbac.Admin, "a", "b", rbac.Owner, rbac.Admin, rbac.ErrOwnerRoleLocked},
		{"owner's role locked for it_admin", rbac.ITAdmin, "a", "b", rbac.Owner, rbac.Viewer, rbac.ErrOwnerRoleLocked},
		{"owner cannot change own role", rbac.Owner, "a", "a", rbac.Owner, rbac.Admin, rbac.ErrCannotChangeOwnRole},
		{"admin cannot change own role", rbac.Admin, "a", "a", rbac.Admin, rbac.Viewer, rbac.ErrCannotChangeOwnRole},
		{"it_admin cannot promote self", rbac.ITAdmin, "a", "a", rbac.ITAdmin, rbac.Admin, rbac.ErrCannotChangeOwnRole},
		{"empty ids count as self", rbac.Admin, "", "", rbac.Viewer, rbac.Auditor, rbac.ErrCannotChangeOwnRole},

		{"network_admin lacks configure_iam", rbac.NetworkAdmin, "a", "b", rbac.Member, rbac.Viewer, rbac.ErrRoleChangeForbidden},
		{"auditor lacks configure_iam", rbac.Auditor, "a", "b", rbac.Member, rbac.Viewer, rbac.ErrRoleChangeForbidden},
		{"viewer lacks configure_iam", rbac.Viewer, "a", "b", rbac.Member, rbac.Viewer, rbac.ErrRoleChangeForbidden},
		{"member lacks configure_iam", rbac.Member, "a", "b", rbac.Member, rbac.Viewer, rbac.ErrRoleChangeForbidden},

		{"unknown new role", rbac.Admin, "a", "b", rbac.Viewer, "superuser", rbac.ErrRoleInvalid},
		{"unknown current role", rbac.Admin, "a", "b", "", rbac.Viewer, rbac.ErrRoleInvalid},
		{"unknown actor role", "Admin", "a", "b", rbac.Viewer, rbac.Auditor, rbac.ErrRoleInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := rbac.CanAssign(tc.actor, tc.actorID, tc.target, tc.current, tc.next)
			checkErr(t, err, tc.want, "CanAssign(%s, %q, %q, %s, %s)", tc.actor, tc.actorID, tc.target, tc.current, tc.next)
		})
	}
}

// TestCanAssignInvariants checks every combination of roles: whatever
// CanAssign allows keeps owner out of reach and never lifts anyone above the
// actor.
func TestCanAssignInvariants(t *testing.T) {
	t.Parallel()
	for _, actor := range rbac.Roles() {
		for _, current := range rbac.Roles() {
			for _, next := range rbac.Roles() {
				err := rbac.CanAssign(actor, "a", "b", current, next)
				if err == nil {
					ok := actor.Has(rbac.ConfigureIAM) && next != rbac.Owner && current != rbac.Owner &&
						actor.Set().Covers(next.Set()) && actor.Set().Covers(current.Set())
					if !ok {
						t.Errorf("CanAssign(%s, a, b, %s, %s) = nil, want a refusal", actor, current, next)
					}
					continue
				}
				var e *rbac.Error
				if !errors.As(err, &e) {
					t.Errorf("CanAssign(%s, a, b, %s, %s) = %v, want an *rbac.Error", actor, current, next, err)
				}
			}
		}
	}
}

func TestCanDelete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		actor           rbac.Role
		actorID, target string
		targetRole      rbac.Role
		want            *rbac.Error
	}{
		{"admin deletes admin", rbac.Admin, "a", "b", rbac.Admin, nil},
		{"admin deletes network_admin", rbac.Admin, "a", "b", rbac.NetworkAdmin, nil},
		{"owner deletes admin", rbac.Owner, "a", "b", rbac.Admin, nil},
		{"it_admin deletes viewer", rbac.ITAdmin, "a", "b", rbac.Viewer, nil},
		{"it_admin deletes it_admin", rbac.ITAdmin, "a", "b", rbac.ITAdmin, nil},
		{"it_admin deletes member", rbac.ITAdmin, "a", "b", rbac.Member, nil},

		{"it_admin cannot delete admin", rbac.ITAdmin, "a", "b", rbac.Admin, rbac.ErrTargetExceedsActor},
		{"it_admin cannot delete network_admin", rbac.ITAdmin, "a", "b", rbac.NetworkAdmin, rbac.ErrTargetExceedsActor},
		{"owner not deletable by admin", rbac.Admin, "a", "b", rbac.Owner, rbac.ErrOwnerNotDeletable},
		{"owner not deletable by it_admin", rbac.ITAdmin, "a", "b", rbac.Owner, rbac.ErrOwnerNotDeletable},
		{"owner cannot delete self", rbac.Owner, "a", "a", rbac.Owner, rbac.ErrCannotDeleteSelf},
		{"admin cannot delete self", rbac.Admin, "a", "a", rbac.Admin, rbac.ErrCannotDeleteSelf},
		{"network_admin lacks configure_iam", rbac.NetworkAdmin, "a", "b", rbac.Member, rbac.ErrUserDeleteForbidden},
		{"auditor lacks configure_iam", rbac.Auditor, "a", "b", rbac.Member, rbac.ErrUserDeleteForbidden},
		{"viewer lacks configure_iam", rbac.Viewer, "a", "b", rbac.Member, rbac.ErrUserDeleteForbidden},
		{"unknown target role", rbac.Admin, "a", "b", "root", rbac.ErrRoleInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := rbac.CanDelete(tc.actor, tc.actorID, tc.target, tc.targetRole)
			checkErr(t, err, tc.want, "CanDelete(%s, %q, %q, %s)", tc.actor, tc.actorID, tc.target, tc.targetRole)
		})
	}
}

func TestCanTransferOwnership(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		actor           rbac.Role
		actorID, target string
		want            *rbac.Error
	}{
		{"owner to another", rbac.Owner, "a", "b", nil},
		{"owner to self", rbac.Owner, "a", "a", rbac.ErrCannotTransferToSelf},
		{"admin is not the owner", rbac.Admin, "a", "b", rbac.ErrOwnerOnly},
		{"it_admin is not the owner", rbac.ITAdmin, "a", "b", rbac.ErrOwnerOnly},
		{"member is not the owner", rbac.Member, "a", "b", rbac.ErrOwnerOnly},
		{"unknown role", "Owner", "a", "b", rbac.ErrOwnerOnly},
	}
	for _, tc := range tests {
		err := rbac.CanTransferOwnership(tc.actor, tc.actorID, tc.target)
		checkErr(t, err, tc.want, "%s: CanTransferOwnership(%s, %q, %q)", tc.name, tc.actor, tc.actorID, tc.target)
	}
}

func TestCanLink(t *testing.T) {
	t.Parallel()
	for _, r := range rbac.Roles() {
		var want *rbac.Error
		if r != rbac.Owner && r != rbac.Admin && r != rbac.ITAdmin {
			want = rbac.ErrLinkForbidden
		}
		checkErr(t, rbac.CanLink(r), want, "CanLink(%s)", r)
	}
	checkErr(t, rbac.CanLink("bogus"), rbac.ErrLinkForbidden, "CanLink(bogus)")
}

// checkErr fails unless err matches want (nil: no error), describing the call with format and args.
func checkErr(t *testing.T, err error, want *rbac.Error, format string, args ...any) {
	t.Helper()
	call := fmt.Sprintf(format, args...)
	switch {
	case want == nil && err != nil:
		t.Errorf("%s = %v, want nil", call, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s = %v, want %s", call, err, want.Code)
	}
}
