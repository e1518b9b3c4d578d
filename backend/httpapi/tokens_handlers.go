package httpapi

import (
	"context"
	"time"

	"headway/api"
	"headway/backend/auth"
	"headway/backend/rbac"
)

// ListTokens lists the caller's API tokens, or with all=true everyone's (configure_iam).
func (s *server) ListTokens(ctx context.Context, req api.ListTokensRequestObject) (api.ListTokensResponseObject, error) {
	p := principalFrom(ctx)
	all := req.Params.All != nil && *req.Params.All
	if all && !managesAllTokens(p) {
		return nil, forbidden(string(rbac.ConfigureIAM))
	}
	tokens, err := s.auth.ListTokens(ctx, p, all)
	if err != nil {
		return nil, err
	}
	out := api.TokenList{Tokens: make([]api.Token, 0, len(tokens)), MaxAgeDays: int(s.auth.TokenMaxAge() / (24 * time.Hour))}
	for _, t := range tokens {
		out.Tokens = append(out.Tokens, tokenOut(t))
	}
	return api.ListTokens200JSONResponse(out), nil
}

// CreateToken creates an API token for the caller; the answer holds it in full, once.
func (s *server) CreateToken(ctx context.Context, req api.CreateTokenRequestObject) (api.CreateTokenResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	b := req.Body
	created, err := s.auth.CreateToken(ctx, principalFrom(ctx), auth.NewToken{Name: b.Name, Role: string(b.Role), ExpiresAt: b.ExpiresAt})
	if err != nil {
		return nil, err
	}
	return api.CreateToken201JSONResponse(api.NewToken{Token: created.Secret, Details: tokenOut(created.Token)}), nil
}

// RevokeToken revokes one of the caller's tokens, or anyone's with configure_iam.
func (s *server) RevokeToken(ctx context.Context, req api.RevokeTokenRequestObject) (api.RevokeTokenResponseObject, error) {
	p := principalFrom(ctx)
	if err := s.auth.RevokeToken(ctx, p, req.TokenId, managesAllTokens(p)); err != nil {
		return nil, err
	}
	return api.RevokeToken204Response{}, nil
}

// managesAllTokens reports whether p may list and revoke everyone's tokens:
// those who configure access (and Headscale API keys, which hold everything).
func managesAllTokens(p *auth.Principal) bool {
	return capabilitiesOf(p).Has(rbac.ConfigureIAM)
}

func tokenOut(t auth.Token) api.Token {
	return api.Token{
		Id: t.ID, Name: t.Name, Prefix: t.Prefix,
		Role: api.Role(t.Role), EffectiveRole: api.Role(t.EffectiveRole), State: api.TokenState(t.State),
		CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt,
		Owner: api.TokenOwner{Id: t.Owner.ID, Email: t.Owner.Email, Name: t.Owner.Name, Role: api.Role(t.Owner.Role)},
	}
}
