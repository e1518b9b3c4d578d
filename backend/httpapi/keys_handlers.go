package httpapi

import (
	"context"
	"net/http"
	"time"

	"headway/api"
	"headway/backend/headscale"
	"headway/backend/keys"
	"headway/backend/rbac"
)

// ListPreAuthKeys lists pre-auth keys: all of them for those who may create any, else the caller's own.
func (s *server) ListPreAuthKeys(ctx context.Context, req api.ListPreAuthKeysRequestObject) (api.ListPreAuthKeysResponseObject, error) {
	p := req.Params
	filter := keys.PreAuthKeyFilter{TagOnly: p.TagOnly, Reusable: p.Reusable, Ephemeral: p.Ephemeral}
	if p.User != nil {
		filter.UserID = *p.User
	}
	if p.State != nil {
		if !p.State.Valid() {
			return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_parameter", Message: "The parameter state has a value this list does not accept.", Hint: "Use active, used or expired."}
		}
		filter.State = string(*p.State)
	}
	now := time.Now()
	list, err := s.keys.ListPreAuthKeys(ctx, keyCaller(ctx), filter, now)
	if err != nil {
		return nil, err
	}
	out := api.PreAuthKeyList{PreAuthKeys: make([]api.PreAuthKey, 0, len(list))}
	for _, k := range list {
		out.PreAuthKeys = append(out.PreAuthKeys, s.preAuthKeyOut(k, now))
	}
	return api.ListPreAuthKeys200JSONResponse(out), nil
}

// CreatePreAuthKey creates a pre-auth key; the answer holds it in full, once.
func (s *server) CreatePreAuthKey(ctx context.Context, req api.CreatePreAuthKeyRequestObject) (api.CreatePreAuthKeyResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	b := req.Body
	k := keys.NewPreAuthKey{UserID: deref(b.User), Expiration: b.Expiration, Reusable: b.Reusable != nil && *b.Reusable, Ephemeral: b.Ephemeral != nil && *b.Ephemeral}
	if b.AclTags != nil {
		k.ACLTags = *b.AclTags
	}
	now := time.Now()
	created, err := s.keys.CreatePreAuthKey(ctx, keyCaller(ctx), k, now)
	if err != nil {
		return nil, err
	}
	return api.CreatePreAuthKey201JSONResponse(s.preAuthKeyOut(created, now)), nil
}

// ExpirePreAuthKey expires a pre-auth key now.
func (s *server) ExpirePreAuthKey(ctx context.Context, req api.ExpirePreAuthKeyRequestObject) (api.ExpirePreAuthKeyResponseObject, error) {
	if err := s.keys.ExpirePreAuthKey(ctx, keyCaller(ctx), req.PreAuthKeyId); err != nil {
		return nil, err
	}
	return api.ExpirePreAuthKey204Response{}, nil
}

// ListAPIKeys lists Headscale API keys by prefix.
func (s *server) ListAPIKeys(ctx context.Context, _ api.ListAPIKeysRequestObject) (api.ListAPIKeysResponseObject, error) {
	list, err := s.keys.ListAPIKeys(ctx, time.Now())
	if err != nil {
		return nil, err
	}
	out := api.APIKeyList{ApiKeys: make([]api.APIKey, 0, len(list))}
	for _, k := range list {
		out.ApiKeys = append(out.ApiKeys, api.APIKey{
			Id: k.ID, Prefix: k.Prefix, Expiration: k.Expiration, CreatedAt: k.CreatedAt, LastSeen: k.LastSeen,
			Expired: k.Expired, UsedByHeadway: k.UsedByHeadway,
		})
	}
	return api.ListAPIKeys200JSONResponse(out), nil
}

// CreateAPIKey creates a Headscale API key; the answer holds it in full, once.
func (s *server) CreateAPIKey(ctx context.Context, req api.CreateAPIKeyRequestObject) (api.CreateAPIKeyResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	key, exp, err := s.keys.CreateAPIKey(ctx, req.Body.Expiration, time.Now())
	if err != nil {
		return nil, err
	}
	return api.CreateAPIKey201JSONResponse(api.NewAPIKey{ApiKey: key, Expiration: exp}), nil
}

// ExpireAPIKey expires a Headscale API key now.
func (s *server) ExpireAPIKey(ctx context.Context, req api.ExpireAPIKeyRequestObject) (api.ExpireAPIKeyResponseObject, error) {
	if err := s.keys.ExpireAPIKey(ctx, req.Prefix); err != nil {
		return nil, err
	}
	return api.ExpireAPIKey204Response{}, nil
}

// DeleteAPIKey deletes a Headscale API key.
func (s *server) DeleteAPIKey(ctx context.Context, req api.DeleteAPIKeyRequestObject) (api.DeleteAPIKeyResponseObject, error) {
	if err := s.keys.DeleteAPIKey(ctx, req.Prefix); err != nil {
		return nil, err
	}
	return api.DeleteAPIKey204Response{}, nil
}

// keyCaller describes the caller to the keys service.
func keyCaller(ctx context.Context) keys.Caller {
	p := principalFrom(ctx)
	c := keys.Caller{AnyUser: capabilitiesOf(p).Has(rbac.GenerateAuthKeys)}
	if p.User != nil {
		c.HeadscaleUserID = p.User.HeadscaleUserID
	}
	return c
}

func (s *server) preAuthKeyOut(k headscale.PreAuthKey, now time.Time) api.PreAuthKey {
	out := api.PreAuthKey{
		Id: k.ID, Key: k.Key, TagOnly: k.UserID == "", AclTags: nonNil(k.ACLTags),
		Reusable: k.Reusable, Ephemeral: k.Ephemeral, Used: k.Used, Expired: keys.Expired(k, now),
		Expiration: k.Expiration, CreatedAt: k.CreatedAt,
	}
	if k.UserID != "" {
		user := api.MachineUser{Id: k.UserID, Name: k.User}
		if u, ok := s.tailnet.Snapshot().User(k.UserID); ok {
			user.Name = u.Name
			if u.DisplayName != "" {
				user.DisplayName = &u.DisplayName
			}
		}
		out.User = &user
	}
	return out
}
