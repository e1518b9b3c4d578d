package headscale

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// User is a Headscale user. Local users (created through the API or CLI)
// have an empty Provider; users created by an OIDC login have Provider
// "oidc" and ProviderID "{issuer}/{subject}".
type User struct {
	ID            string
	Name          string
	DisplayName   string
	Email         string
	ProviderID    string
	Provider      string
	ProfilePicURL string
	CreatedAt     time.Time
}

type userJSON struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	CreatedAt     *time.Time `json:"createdAt"`
	DisplayName   string     `json:"displayName"`
	Email         string     `json:"email"`
	ProviderID    string     `json:"providerId"`
	Provider      string     `json:"provider"`
	ProfilePicURL string     `json:"profilePicUrl"`
}

func (u userJSON) user() User {
	out := User{
		ID:            u.ID,
		Name:          u.Name,
		DisplayName:   u.DisplayName,
		Email:         u.Email,
		ProviderID:    u.ProviderID,
		Provider:      u.Provider,
		ProfilePicURL: u.ProfilePicURL,
	}
	if t := optionalTime(u.CreatedAt); t != nil {
		out.CreatedAt = *t
	}
	return out
}

// ListUsers returns every user, ordered by id (GET /api/v1/user).
func (c *Client) ListUsers(ctx context.Context) ([]User, error) {
	return c.listUsers(ctx, "list users", "")
}

// listUsers lists all users, or those called name when name is not empty.
func (c *Client) listUsers(ctx context.Context, op, name string) ([]User, error) {
	path := "/api/v1/user"
	if name != "" {
		path += "?name=" + url.QueryEscape(name)
	}
	var out struct {
		Users []userJSON `json:"users"`
	}
	if err := c.do(ctx, request{name: "list_users", op: op, method: http.MethodGet, path: path, auth: true}, &out); err != nil {
		return nil, err
	}
	users := make([]User, 0, len(out.Users))
	for _, u := range out.Users {
		users = append(users, u.user())
	}
	return users, nil
}

// CreateUser creates a local user (POST /api/v1/user). displayName and email
// may be empty. Headscale does not validate names and only refuses a name
// another local user has; this client also refuses one any user has (an
// OIDC user included) with ErrConflict, since Headscale resolves users by name
// when registering nodes.
func (c *Client) CreateUser(ctx context.Context, name, displayName, email string) (User, error) {
	const op = "create user"
	if name == "" {
		return User{}, fmt.Errorf("headscale: %s: %w: empty name", op, ErrInvalid)
	}
	if err := c.refuseTakenName(ctx, op, name, ""); err != nil {
		return User{}, err
	}
	var out struct {
		User userJSON `json:"user"`
	}
	body := map[string]string{"name": name, "displayName": displayName, "email": email}
	if err := c.do(ctx, request{name: "create_user", op: op, method: http.MethodPost, path: "/api/v1/user", auth: true, body: body}, &out); err != nil {
		return User{}, err
	}
	return out.User.user(), nil
}

// RenameUser gives user id the name newName
// (POST /api/v1/user/{id}/rename/{new}). A name another user has is refused
// with ErrConflict before anything is sent: Headscale checks uniqueness only
// among local users, and a duplicate involving an OIDC user breaks its lookups
// by name. An unknown id is ErrNotFound.
func (c *Client) RenameUser(ctx context.Context, id, newName string) (User, error) {
	op, err := withID("rename user", id)
	if err != nil {
		return User{}, err
	}
	if newName == "" {
		return User{}, fmt.Errorf("headscale: %s: %w: empty name", op, ErrInvalid)
	}
	if err := c.refuseTakenName(ctx, op, newName, id); err != nil {
		return User{}, err
	}
	var out struct {
		User userJSON `json:"user"`
	}
	path := "/api/v1/user/" + id + "/rename/" + url.PathEscape(newName)
	if err := c.do(ctx, request{name: "rename_user", op: op, method: http.MethodPost, path: path, auth: true}, &out); err != nil {
		return User{}, err
	}
	return out.User.user(), nil
}

// refuseTakenName returns ErrConflict when a user other than exceptID is
// called name.
func (c *Client) refuseTakenName(ctx context.Context, op, name, exceptID string) error {
	users, err := c.listUsers(ctx, op, name)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Name == name && u.ID != exceptID {
			return fmt.Errorf("headscale: %s: %w: user %s is already called %q", op, ErrConflict, u.ID, truncate(name, 64))
		}
	}
	return nil
}

// DeleteUser deletes user id (DELETE /api/v1/user/{id}). A user owning nodes
// cannot be deleted (ErrUserHasNodes); tagged nodes it registered do not
// count, as tags own them. An unknown id is ErrNotFound.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	op, err := withID("delete user", id)
	if err != nil {
		return err
	}
	return c.do(ctx, request{name: "delete_user", op: op, method: http.MethodDelete, path: "/api/v1/user/" + id, auth: true}, nil)
}
