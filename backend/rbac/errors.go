package rbac

// Error is a refusal written for the people and programs calling the API.
// Code is stable snake_case; Message and Hint are shown as they are. Every
// Error this package returns is one of the sentinels below, possibly wrapped
// with detail for the log: match with errors.Is, or errors.As to read Code.
//
// ErrRoleInvalid, ErrOwnerNotMappable and ErrMappingGroupEmpty describe bad
// input (400, or a configuration error); the others refuse an action (403).
type Error struct {
	Code    string
	Message string
	Hint    string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Refusals and invalid input.
var (
	ErrRoleInvalid = &Error{Code: "role_invalid",
		Message: "That role does not exist.",
		Hint:    "Use one of owner, admin, network_admin, it_admin, auditor, viewer or member."}

	ErrRoleChangeForbidden = &Error{Code: "role_change_forbidden",
		Message: "You may not change roles.",
		Hint:    "Changing roles needs the configure_iam capability, which the admin and it_admin roles hold."}
	ErrCannotChangeOwnRole = &Error{Code: "cannot_change_own_role",
		Message: "You cannot change your own role.",
		Hint:    "Ask another administrator to change it."}
	ErrOwnerNotAssignable = &Error{Code: "owner_not_assignable",
		Message: "The owner role cannot be assigned.",
		Hint:    "The owner can use transfer ownership to make someone else the owner."}
	ErrOwnerRoleLocked = &Error{Code: "owner_role_locked",
		Message: "The owner's role cannot be changed.",
		Hint:    "The owner can transfer ownership to someone else, and then becomes an admin."}
	ErrRoleExceedsActor = &Error{Code: "role_exceeds_actor",
		Message: "You cannot grant a role with capabilities you do not have.",
		Hint:    "Choose a role whose capabilities are all among yours, or ask an admin."}
	ErrTargetExceedsActor = &Error{Code: "target_exceeds_actor",
		Message: "You cannot change or delete a user whose role has capabilities you do not have.",
		Hint:    "Ask an admin or the owner."}

	ErrUserDeleteForbidden = &Error{Code: "user_delete_forbidden",
		Message: "You may not delete console users.",
		Hint:    "Deleting console users needs the configure_iam capability, which the admin and it_admin roles hold."}
	ErrCannotDeleteSelf = &Error{Code: "cannot_delete_self",
		Message: "You cannot delete yourself.",
		Hint:    "Ask another administrator to delete your account."}
	ErrOwnerNotDeletable = &Error{Code: "owner_not_deletable",
		Message: "The owner cannot be deleted.",
		Hint:    "The owner can transfer ownership to someone else first."}

	ErrOwnerOnly = &Error{Code: "owner_only",
		Message: "Only the owner may transfer ownership.",
		Hint:    "Ask the owner to transfer it."}
	ErrCannotTransferToSelf = &Error{Code: "cannot_transfer_to_self",
		Message: "You are already the owner.",
		Hint:    "Choose another console user to become the owner."}

	ErrLinkForbidden = &Error{Code: "link_forbidden",
		Message: "You may not link console users to Headscale users.",
		Hint:    "Linking needs the configure_iam capability, which the admin and it_admin roles hold."}

	ErrOwnerNotMappable = &Error{Code: "owner_not_mappable",
		Message: "Group mappings and the default role cannot give the owner role.",
		Hint:    "Ownership moves only by transfer; map the group to admin instead."}
	ErrMappingGroupEmpty = &Error{Code: "mapping_group_empty",
		Message: "A group mapping names no group.",
		Hint:    "Set the group as your identity provider sends it, for example admins or /admins."}
)
