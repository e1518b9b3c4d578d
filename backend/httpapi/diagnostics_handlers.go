package httpapi

import (
	"context"
	"errors"

	"headway/api"
)

// Placeholder until the diagnostics handler lands.

func (s *server) GetDiagnostics(ctx context.Context, req api.GetDiagnosticsRequestObject) (api.GetDiagnosticsResponseObject, error) {
	return nil, errors.New("not implemented")
}
