package rbac

import "fmt"

// CanAssign reports whether the actor (actorRole, actorID) may change the role
// of the console user targetID from targetCurrent to newRole; nil means yes.
// Refusals, in the order checked:
//   - ErrRoleInvalid: a role is unknown;
//   - ErrRoleChangeForbidden: the actor lacks configure_iam;
//   - ErrCannotChangeOwnRole: actorID is targetID;
//   - ErrOwnerNotAssignable: newRole is Owner (use CanTransferOwnership);
//   - ErrOwnerRoleLocked: the target is the owner;
//   - ErrTargetExceedsActor: the target's current role holds a capability the
//     actor lacks (an it_admin cannot demote an admin);
//   - ErrRoleExceedsActor: newRole holds a capability the actor lacks (an
//     it_admin cannot grant network_admin, which has write_policy).
func CanAssign(actorRole Role, actorID, targetID string, targetCurrent, newRole Role) error {
	for _, r := range []Role{actorRole, targetCurrent, newRole} {
		if !r.Valid() {
			return fmt.Errorf("assign role: %q: %w", r, ErrRoleInvalid)
		}
	}
	if !actorRole.Has(ConfigureIAM) {
		return ErrRoleChangeForbidden
	}
	if actorID == targetID {
		return ErrCannotChangeOwnRole
	}
	if newRole == Owner {
		return ErrOwnerNotAssignable
	}
	if targetCurrent == Owner {
		return ErrOwnerRoleLocked
	}
	if err := covers(actorRole, targetCurrent, ErrTargetExceedsActor); err != nil {
		return err
	}
	return covers(actorRole, newRole, ErrRoleExceedsActor)
}

// CanDelete reports whether the actor may delete the console user targetID,
// whose role is targetRole; nil means yes. Refusals, in the order checked:
// ErrRoleInvalid, ErrUserDeleteForbidden (no configure_iam),
// ErrCannotDeleteSelf, ErrOwnerNotDeletable, and ErrTargetExceedsActor (the
// target's role holds a capability the actor lacks).
func CanDelete(actorRole Role, actorID, targetID string, targetRole Role) error {
	for _, r := range []Role{actorRole, targetRole} {
		if !r.Valid() {
			return fmt.Errorf("delete user: %q: %w", r, ErrRoleInvalid)
		}
	}
	if !actorRole.Has(ConfigureIAM) {
		return ErrUserDeleteForbidden
	}
	if actorID == targetID {
		return ErrCannotDeleteSelf
	}
	if targetRole == Owner {
		return ErrOwnerNotDeletable
	}
	return covers(actorRole, targetRole, ErrTargetExceedsActor)
}

// CanTransferOwnership reports whether the actor may make the console user
// targetID the owner; nil means yes. Only the owner may (ErrOwnerOnly), and
// not to themselves (ErrCannotTransferToSelf). The target's current role does
// not matter. On success the caller writes both changes in one transaction:
// the target becomes Owner and the previous owner becomes Admin.
func CanTransferOwnership(actorRole Role, actorID, targetID string) error {
	if actorRole != Owner {
		return ErrOwnerOnly
	}
	if actorID == targetID {
		return ErrCannotTransferToSelf
	}
	return nil
}

// CanLink reports whether the actor may link a console user to a Headscale
// user, or unlink one; nil means yes, ErrLinkForbidden without configure_iam.
func CanLink(actorRole Role) error {
	if !actorRole.Has(ConfigureIAM) {
		return ErrLinkForbidden
	}
	return nil
}

// covers returns refusal, naming the missing capabilities, unless actor holds
// every capability of r.
func covers(actor, r Role, refusal *Error) error {
	missing := r.Set().Without(actor.Set())
	if missing.Len() == 0 {
		return nil
	}
	return fmt.Errorf("%s lacks %s of %s: %w", actor, missing, r, refusal)
}
