package machines

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"headway/backend/audit"
	"headway/backend/headscale"
)

// CreateUser creates a local Headscale user. name must be valid as Headscale
// checks it and unused; displayName and email may be empty.
func (s *Service) CreateUser(ctx context.Context, name, displayName, email string) (headscale.User, error) {
	if !validUserName(name) {
		return headscale.User{}, ErrUserNameInvalid.With(fmt.Errorf("create user: %q", name))
	}
	if err := nameFree(s.snap.Snapshot(), name, ""); err != nil {
		return headscale.User{}, err
	}
	audit.SetChange(ctx, nil, map[string]any{"name": name, "displayName": displayName, "email": email})
	u, err := s.hs.CreateUser(ctx, name, displayName, email)
	switch {
	case errors.Is(err, headscale.ErrConflict):
		return headscale.User{}, ErrUserNameTaken.With(err)
	case errors.Is(err, headscale.ErrInvalid):
		return headscale.User{}, ErrUserNameInvalid.With(err)
	case err != nil:
		return headscale.User{}, headscaleFailure("create user", err, nil)
	}
	audit.SetTarget(ctx, "", u.ID)
	s.snap.PutUser(u)
	return u, nil
}

// RenameUser renames Headscale user id. Users from an identity provider
// (Provider "oidc") take their name from it and cannot be renamed.
func (s *Service) RenameUser(ctx context.Context, id, name string) (headscale.User, error) {
	view := s.snap.Snapshot()
	old, ok := view.User(id)
	switch {
	case !ok:
		return headscale.User{}, ErrHeadscaleUserNotFound.With(nil)
	case old.Provider == "oidc":
		return headscale.User{}, ErrUserFromOIDC.With(nil)
	case !validUserName(name):
		return headscale.User{}, ErrUserNameInvalid.With(fmt.Errorf("rename user %s: %q", id, name))
	case name == old.Name:
		return old, nil
	}
	if err := nameFree(view, name, id); err != nil {
		return headscale.User{}, err
	}
	audit.SetChange(ctx, map[string]any{"name": old.Name}, map[string]any{"name": name})
	u, err := s.hs.RenameUser(ctx, id, name)
	switch {
	case errors.Is(err, headscale.ErrConflict):
		return headscale.User{}, ErrUserNameTaken.With(err)
	case errors.Is(err, headscale.ErrNotFound):
		s.snap.DeleteUser(id)
		return headscale.User{}, ErrHeadscaleUserNotFound.With(err)
	case err != nil && strings.Contains(strings.ToLower(headscaleMessage(err)), "oidc"):
		// Headscale releases that refuse to rename OIDC users ("cannot edit
		// OIDC user"); v0.29 does not, so the snapshot check above is what
		// guards it there.
		return headscale.User{}, ErrUserFromOIDC.With(err)
	case errors.Is(err, headscale.ErrInvalid):
		return headscale.User{}, ErrUserNameInvalid.With(err)
	case err != nil:
		return headscale.User{}, headscaleFailure("rename user "+id, err, nil)
	}
	// The snapshot shows the new name on the user's nodes too.
	s.snap.PutUser(u)
	return u, nil
}

// DeleteUser deletes Headscale user id, who must have no machines left.
func (s *Service) DeleteUser(ctx context.Context, id string) error {
	view := s.snap.Snapshot()
	old, ok := view.User(id)
	if !ok {
		return ErrHeadscaleUserNotFound.With(nil)
	}
	audit.SetChange(ctx, map[string]any{"name": old.Name, "displayName": old.DisplayName, "email": old.Email}, nil)
	if n := len(view.NodesOfUser(id)); n > 0 {
		return userHasMachines(n, nil)
	}
	err := s.hs.DeleteUser(ctx, id)
	switch {
	case errors.Is(err, headscale.ErrUserHasNodes):
		// The snapshot is behind: machines were added since.
		return userHasMachines(0, err)
	case errors.Is(err, headscale.ErrNotFound):
		s.snap.DeleteUser(id)
		return ErrHeadscaleUserNotFound.With(err)
	case err != nil:
		return headscaleFailure("delete user "+id, err, nil)
	}
	s.snap.DeleteUser(id)
	return nil
}

// nameFree returns user_name_taken when a user other than exceptID is called
// name.
func nameFree(view View, name, exceptID string) error {
	for _, u := range view.Users() {
		if u.Name == name && u.ID != exceptID {
			return ErrUserNameTaken.With(fmt.Errorf("user %s is already called %q", u.ID, name))
		}
	}
	return nil
}

// userHasMachines is user_has_machines, naming how many machines are left
// when n > 0.
func userHasMachines(n int, err error) *Error {
	e := ErrUserHasMachines.With(err)
	switch {
	case n == 1:
		e.Hint = "Delete or re-register their 1 machine first."
	case n > 1:
		e.Hint = fmt.Sprintf("Delete or re-register their %d machines first.", n)
	}
	return e
}
