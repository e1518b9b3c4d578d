package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"headway/backend/audit"
	"headway/backend/headscale"
	"headway/backend/rbac"
	"headway/backend/store"
)

// HeadscaleUser is a Headscale user with its node count and the console
// user linked to it (0 when none).
type HeadscaleUser struct {
	headscale.User
	NodeCount           int
	LinkedConsoleUserID int64
}

// ListConsoleUsers returns every console user, the owner first, then by name.
func (s *Service) ListConsoleUsers(ctx context.Context) ([]store.ConsoleUser, error) {
	users, err := s.store.ListConsoleUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("list console users: %w", err)
	}
	return users, nil
}

// UpdateConsoleUser changes console user targetID's role, whether it is
// pinned, or both. Setting role pins it unless pinned says otherwise; pinned
// alone lets oidc.role_mapping apply again at the next sign-in (false) or
// stops it (true). The change takes effect on the user's next request.
//
// rbac.CanAssign decides (refusals are *rbac.Error); with pinned alone the
// role stays, so the actor needs configure_iam, may not touch their own or
// the owner's role, and must hold every capability of the target's role.
// An unknown target is ErrConsoleUserNotFound.
func (s *Service) UpdateConsoleUser(ctx context.Context, a Actor, targetID int64, role *rbac.Role, pinned *bool) (store.ConsoleUser, error) {
	var out store.ConsoleUser
	err := audit.InTx(ctx, s.store, func(q *store.Queries) error {
		target, err := q.LockConsoleUser(ctx, targetID)
		if err != nil {
			return consoleUserNotFound(err)
		}
		current := rbac.Role(target.Role)
		newRole := current
		if role != nil {
			newRole = *role
		} else if current == rbac.Owner {
			newRole = rbac.Admin // so that CanAssign answers owner_role_locked
		}
		if err := rbac.CanAssign(a.Role, a.id(), formatID(targetID), current, newRole); err != nil {
			return err
		}
		switch {
		case role != nil:
			pin := true
			if pinned != nil {
				pin = *pinned
			}
			out, err = q.SetConsoleUserRole(ctx, targetID, string(*role), pin, s.now())
		case pinned != nil:
			out, err = q.SetConsoleUserRolePinned(ctx, targetID, *pinned, s.now())
		default:
			out = target
		}
		if err != nil {
			return consoleUserNotFound(err)
		}
		audit.SetChange(ctx, roleAudit(target), roleAudit(out))
		return nil
	})
	if err != nil {
		return store.ConsoleUser{}, fmt.Errorf("update console user %d: %w", targetID, err)
	}
	return out, nil
}

// DeleteConsoleUser deletes console user targetID and ends their sessions,
// when rbac.CanDelete allows it. An unknown target is ErrConsoleUserNotFound.
func (s *Service) DeleteConsoleUser(ctx context.Context, a Actor, targetID int64) error {
	err := audit.InTx(ctx, s.store, func(q *store.Queries) error {
		target, err := q.LockConsoleUser(ctx, targetID)
		if err != nil {
			return consoleUserNotFound(err)
		}
		if err := rbac.CanDelete(a.Role, a.id(), formatID(targetID), rbac.Role(target.Role)); err != nil {
			return err
		}
		if err := q.DeleteConsoleUser(ctx, targetID); err != nil {
			return consoleUserNotFound(err)
		}
		audit.SetChange(ctx, map[string]any{"email": target.Email, "name": target.Name, "role": target.Role,
			"headscaleUserId": target.HeadscaleUserID}, nil)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete console user %d: %w", targetID, err)
	}
	return nil
}

// TransferOwnership makes console user targetID the owner; the actor, who
// must be the owner (rbac.CanTransferOwnership), becomes an admin with that
// role pinned. Both changes commit together. An unknown target is
// ErrConsoleUserNotFound.
func (s *Service) TransferOwnership(ctx context.Context, a Actor, targetID int64) (store.ConsoleUser, error) {
	if err := rbac.CanTransferOwnership(a.Role, a.id(), formatID(targetID)); err != nil {
		return store.ConsoleUser{}, fmt.Errorf("transfer ownership to %d: %w", targetID, err)
	}
	var out store.ConsoleUser
	err := audit.InTx(ctx, s.store, func(q *store.Queries) error {
		target, err := q.LockConsoleUser(ctx, targetID)
		if err != nil {
			return consoleUserNotFound(err)
		}
		out, err = q.TransferOwnership(ctx, a.ConsoleUserID, targetID, s.now())
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w: %w", rbac.ErrOwnerOnly, err) // no longer the owner
		}
		if err != nil {
			return consoleUserNotFound(err)
		}
		// The actor, the owner until now, is the event's actor; the target
		// is the new owner.
		audit.SetChange(ctx, roleAudit(target), roleAudit(out))
		return nil
	})
	if err != nil {
		return store.ConsoleUser{}, fmt.Errorf("transfer ownership to %d: %w", targetID, err)
	}
	return out, nil
}

// Link links console user targetID to Headscale user hsUserID, replacing
// any link it had (rbac.CanLink). The Headscale user must exist
// (ErrHeadscaleUserNotFound) and be linked to nobody else
// (ErrHeadscaleUserClaimed). An unknown target is ErrConsoleUserNotFound.
func (s *Service) Link(ctx context.Context, a Actor, targetID int64, hsUserID string) (store.ConsoleUser, error) {
	if err := rbac.CanLink(a.Role); err != nil {
		return store.ConsoleUser{}, fmt.Errorf("link console user %d: %w", targetID, err)
	}
	users, err := s.hs.ListUsers(ctx)
	if err != nil {
		return store.ConsoleUser{}, fmt.Errorf("link console user %d: %w", targetID, err)
	}
	if hsUserID == "" || findUser(users, hsUserID) == nil {
		return store.ConsoleUser{}, fmt.Errorf("link console user %d to %q: %w", targetID, hsUserID, ErrHeadscaleUserNotFound)
	}
	var u store.ConsoleUser
	err = audit.InTx(ctx, s.store, func(q *store.Queries) error {
		before, err := q.LockConsoleUser(ctx, targetID)
		if err != nil {
			return err
		}
		if u, err = q.LinkConsoleUser(ctx, targetID, hsUserID, s.now()); err != nil {
			return err
		}
		audit.SetChange(ctx, linkAudit(before), linkAudit(u))
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		err = fmt.Errorf("%w: %w", ErrHeadscaleUserClaimed, err)
	}
	if err != nil {
		return store.ConsoleUser{}, fmt.Errorf("link console user %d to %s: %w", targetID, hsUserID, consoleUserNotFound(err))
	}
	return u, nil
}

// Unlink removes console user targetID's link, if any (rbac.CanLink). At
// their next sign-in the automatic rules of LinkOnSignIn apply again. An
// unknown target is ErrConsoleUserNotFound.
func (s *Service) Unlink(ctx context.Context, a Actor, targetID int64) (store.ConsoleUser, error) {
	if err := rbac.CanLink(a.Role); err != nil {
		return store.ConsoleUser{}, fmt.Errorf("unlink console user %d: %w", targetID, err)
	}
	var u store.ConsoleUser
	err := audit.InTx(ctx, s.store, func(q *store.Queries) error {
		before, err := q.LockConsoleUser(ctx, targetID)
		if err != nil {
			return err
		}
		if u, err = q.UnlinkConsoleUser(ctx, targetID, s.now()); err != nil {
			return err
		}
		audit.SetChange(ctx, linkAudit(before), linkAudit(u))
		return nil
	})
	if err != nil {
		return store.ConsoleUser{}, fmt.Errorf("unlink console user %d: %w", targetID, consoleUserNotFound(err))
	}
	return u, nil
}

// roleAudit is what the audit trail keeps of a console user's role.
func roleAudit(u store.ConsoleUser) map[string]any {
	return map[string]any{"role": u.Role, "rolePinned": u.RolePinned}
}

// linkAudit is what the audit trail keeps of a console user's link.
func linkAudit(u store.ConsoleUser) map[string]any {
	return map[string]any{"headscaleUserId": u.HeadscaleUserID}
}

// HeadscaleUsers returns every Headscale user by name, with its node count
// and linked console user. It asks Headscale for users and nodes once each.
func (s *Service) HeadscaleUsers(ctx context.Context) ([]HeadscaleUser, error) {
	users, err := s.hs.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("list headscale users: %w", err)
	}
	nodes, err := s.hs.ListNodes(ctx)
	if err != nil {
		return nil, fmt.Errorf("list headscale users: %w", err)
	}
	claimed, err := s.claimedHeadscaleUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("list headscale users: %w", err)
	}
	out := annotate(users, nodes, claimed)
	slices.SortStableFunc(out, func(a, b HeadscaleUser) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// annotate adds node counts (nil nodes: zero) and links to users.
func annotate(users []headscale.User, nodes []headscale.Node, claimed map[string]int64) []HeadscaleUser {
	counts := make(map[string]int, len(users))
	for _, n := range nodes {
		if n.UserID != "" {
			counts[n.UserID]++
		}
	}
	out := make([]HeadscaleUser, 0, len(users))
	for _, u := range users {
		out = append(out, HeadscaleUser{User: u, NodeCount: counts[u.ID], LinkedConsoleUserID: claimed[u.ID]})
	}
	return out
}
