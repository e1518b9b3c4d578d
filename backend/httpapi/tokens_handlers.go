package httpapi

import (
	"context"
	"errors"

	"headway/api"
)

// Placeholders until the token handlers land.

func (s *server) ListTokens(ctx context.Context, req api.ListTokensRequestObject) (api.ListTokensResponseObject, error) {
	return nil, errors.New("not implemented")
}

func (s *server) CreateToken(ctx context.Context, req api.CreateTokenRequestObject) (api.CreateTokenResponseObject, error) {
	return nil, errors.New("not implemented")
}

func (s *server) RevokeToken(ctx context.Context, req api.RevokeTokenRequestObject) (api.RevokeTokenResponseObject, error) {
	return nil, errors.New("not implemented")
}
