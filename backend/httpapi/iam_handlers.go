package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"headway/api"
	"headway/backend/identity"
	"headway/backend/rbac"
)

// ListConsoleUsers lists console users with their roles and links.
func (s *server) ListConsoleUsers(ctx context.Context, _ api.ListConsoleUsersRequestObject) (api.ListConsoleUsersResponseObject, error) {
	users, err := s.identity.ListConsoleUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := api.ConsoleUserList{Users: make([]api.ConsoleUser, 0, len(users))}
	for i := range users {
		out.Users = append(out.Users, *consoleUserOut(&users[i]))
	}
	return api.ListConsoleUsers200JSONResponse(out), nil
}

// UpdateConsoleUser changes a console user's role or whether it is pinned.
func (s *server) UpdateConsoleUser(ctx context.Context, req api.UpdateConsoleUserRequestObject) (api.UpdateConsoleUserResponseObject, error) {
	id, err := consoleUserID(req.UserId)
	if err != nil {
		return nil, err
	}
	if req.Body == nil || (req.Body.Role == nil && req.Body.RolePinned == nil) {
		return nil, &Error{Status: http.StatusBadRequest, Code: "nothing_to_change", Message: "The request changes nothing.", Hint: `Send {"role": "viewer"} or {"rolePinned": false}.`}
	}
	var role *rbac.Role
	if req.Body.Role != nil {
		r := rbac.Role(*req.Body.Role)
		role = &r
	}
	user, err := s.identity.UpdateConsoleUser(ctx, actorOf(principalFrom(ctx)), id, role, req.Body.RolePinned)
	if err != nil {
		return nil, err
	}
	return api.UpdateConsoleUser200JSONResponse(*consoleUserOut(&user)), nil
}

// DeleteConsoleUser deletes a console user; their sessions end with them.
func (s *server) DeleteConsoleUser(ctx context.Context, req api.DeleteConsoleUserRequestObject) (api.DeleteConsoleUserResponseObject, error) {
	id, err := consoleUserID(req.UserId)
	if err != nil {
		return nil, err
	}
	if err := s.identity.DeleteConsoleUser(ctx, actorOf(principalFrom(ctx)), id); err != nil {
		return nil, err
	}
	return api.DeleteConsoleUser204Response{}, nil
}

// LinkConsoleUser links a console user to a Headscale user.
func (s *server) LinkConsoleUser(ctx context.Context, req api.LinkConsoleUserRequestObject) (api.LinkConsoleUserResponseObject, error) {
	id, err := consoleUserID(req.UserId)
	if err != nil {
		return nil, err
	}
	if req.Body == nil || req.Body.HeadscaleUserId == "" {
		return nil, errHeadscaleUserIDMissing
	}
	user, err := s.identity.Link(ctx, actorOf(principalFrom(ctx)), id, req.Body.HeadscaleUserId)
	if err != nil {
		return nil, err
	}
	return api.LinkConsoleUser200JSONResponse(*consoleUserOut(&user)), nil
}

// UnlinkConsoleUser removes a console user's link to their Headscale user.
func (s *server) UnlinkConsoleUser(ctx context.Context, req api.UnlinkConsoleUserRequestObject) (api.UnlinkConsoleUserResponseObject, error) {
	id, err := consoleUserID(req.UserId)
	if err != nil {
		return nil, err
	}
	user, err := s.identity.Unlink(ctx, actorOf(principalFrom(ctx)), id)
	if err != nil {
		return nil, err
	}
	return api.UnlinkConsoleUser200JSONResponse(*consoleUserOut(&user)), nil
}

// TransferOwnership makes another console user the owner; the caller becomes admin.
func (s *server) TransferOwnership(ctx context.Context, req api.TransferOwnershipRequestObject) (api.TransferOwnershipResponseObject, error) {
	id, err := consoleUserID(req.UserId)
	if err != nil {
		return nil, err
	}
	user, err := s.identity.TransferOwnership(ctx, actorOf(principalFrom(ctx)), id)
	if err != nil {
		return nil, err
	}
	return api.TransferOwnership200JSONResponse(*consoleUserOut(&user)), nil
}

// ListHeadscaleUsers lists Headscale users with machine counts and links.
func (s *server) ListHeadscaleUsers(ctx context.Context, _ api.ListHeadscaleUsersRequestObject) (api.ListHeadscaleUsersResponseObject, error) {
	users, err := s.identity.HeadscaleUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := api.HeadscaleUserList{Users: make([]api.HeadscaleUser, 0, len(users))}
	for _, u := range users {
		out.Users = append(out.Users, headscaleUserOut(u))
	}
	return api.ListHeadscaleUsers200JSONResponse(out), nil
}

var errHeadscaleUserIDMissing = &Error{Status: http.StatusBadRequest, Code: "headscale_user_id_missing",
	Message: "No Headscale user was named.", Hint: `Send {"headscaleUserId": "<id>"}; GET /users lists them.`}

// consoleUserID parses a console user id from the path.
func consoleUserID(raw string) (int64, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, &Error{Status: http.StatusNotFound, Code: "console_user_not_found", Message: "There is no console user with that id.", Hint: "GET /console-users lists them."}
	}
	return id, nil
}

func headscaleUserOut(u identity.HeadscaleUser) api.HeadscaleUser {
	out := api.HeadscaleUser{
		Id: u.ID, Name: u.Name, DisplayName: u.DisplayName, Email: u.Email,
		Provider: u.Provider, ProviderId: u.ProviderID, CreatedAt: u.CreatedAt, NodeCount: u.NodeCount,
	}
	if u.LinkedConsoleUserID != 0 {
		linked := strconv.FormatInt(u.LinkedConsoleUserID, 10)
		out.LinkedConsoleUserId = &linked
	}
	return out
}

// CreateHeadscaleUser creates a Headscale user.
func (s *server) CreateHeadscaleUser(ctx context.Context, req api.CreateHeadscaleUserRequestObject) (api.CreateHeadscaleUserResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	u, err := s.machines.CreateUser(ctx, req.Body.Name, deref(req.Body.DisplayName), deref(req.Body.Email))
	if err != nil {
		return nil, err
	}
	return api.CreateHeadscaleUser201JSONResponse(headscaleUserOut(identity.HeadscaleUser{User: u})), nil
}

// RenameHeadscaleUser renames a local Headscale user.
func (s *server) RenameHeadscaleUser(ctx context.Context, req api.RenameHeadscaleUserRequestObject) (api.RenameHeadscaleUserResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	u, err := s.machines.RenameUser(ctx, req.HeadscaleUserId, req.Body.Name)
	if err != nil {
		return nil, err
	}
	snap := s.tailnet.Snapshot()
	return api.RenameHeadscaleUser200JSONResponse(headscaleUserOut(identity.HeadscaleUser{User: u, NodeCount: snap.NodeCounts()[u.ID]})), nil
}

// DeleteHeadscaleUser deletes a Headscale user without machines.
func (s *server) DeleteHeadscaleUser(ctx context.Context, req api.DeleteHeadscaleUserRequestObject) (api.DeleteHeadscaleUserResponseObject, error) {
	if err := s.machines.DeleteUser(ctx, req.HeadscaleUserId); err != nil {
		return nil, err
	}
	return api.DeleteHeadscaleUser204Response{}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
