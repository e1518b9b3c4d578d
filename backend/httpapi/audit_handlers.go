package httpapi

import (
	"context"
	"errors"

	"headway/api"
)

// Placeholders until the audit handlers land.

func (s *server) ListAuditEvents(ctx context.Context, req api.ListAuditEventsRequestObject) (api.ListAuditEventsResponseObject, error) {
	return nil, errors.New("not implemented")
}

func (s *server) ExportAuditEvents(ctx context.Context, req api.ExportAuditEventsRequestObject) (api.ExportAuditEventsResponseObject, error) {
	return nil, errors.New("not implemented")
}
