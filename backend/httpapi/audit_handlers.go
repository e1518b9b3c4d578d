package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"headway/api"
	"headway/backend/audit"
	"headway/backend/store"
)

// ListAuditEvents answers one page of the audit trail, newest first.
func (s *server) ListAuditEvents(ctx context.Context, req api.ListAuditEventsRequestObject) (api.ListAuditEventsResponseObject, error) {
	p := req.Params
	f := auditFilter(p.Actor, p.Action, p.TargetType, p.TargetId, p.Result, p.Since, p.Until)
	limit := 0
	if p.Limit != nil {
		limit = *p.Limit
		if limit == 0 {
			limit = -1 // asked for nothing: refused like any other size out of range
		}
	}
	page, err := s.audit.List(ctx, f, deref(p.Cursor), limit)
	if err != nil {
		return nil, err
	}
	out := api.AuditEventPage{Events: make([]api.AuditEvent, 0, len(page.Events))}
	for _, e := range page.Events {
		out.Events = append(out.Events, auditEventOut(e))
	}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	return api.ListAuditEvents200JSONResponse(out), nil
}

// ExportAuditEvents streams every matching event as NDJSON or CSV.
func (s *server) ExportAuditEvents(ctx context.Context, req api.ExportAuditEventsRequestObject) (api.ExportAuditEventsResponseObject, error) {
	p := req.Params
	f := auditFilter(p.Actor, p.Action, p.TargetType, p.TargetId, p.Result, p.Since, p.Until)
	if err := f.Validate(); err != nil {
		return nil, err
	}
	format := api.Ndjson
	if p.Format != nil {
		if !p.Format.Valid() {
			return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_parameter",
				Message: "The parameter format has a value this export does not accept.", Hint: "Use ndjson or csv."}
		}
		format = *p.Format
	}
	return auditExport{ctx: ctx, recorder: s.audit, logger: s.logger, filter: f, csv: format == api.Csv}, nil
}

// auditFilter gathers the filter parameters both operations share.
func auditFilter(actor, action, targetType, targetID *string, result *api.AuditResult, since, until *time.Time) audit.Filter {
	f := audit.Filter{Actor: deref(actor), Action: deref(action), TargetType: deref(targetType), TargetID: deref(targetID)}
	if result != nil {
		f.Result = audit.Result(*result)
	}
	if since != nil {
		f.Since = *since
	}
	if until != nil {
		f.Until = *until
	}
	return f
}

// auditEventOut is an event as the contract shapes it.
func auditEventOut(e store.AuditEvent) api.AuditEvent {
	out := api.AuditEvent{
		Id: strconv.FormatInt(e.ID, 10), Time: e.At.UTC(), Action: e.Action, TargetType: e.TargetType,
		Result: api.AuditResult(e.Result), RequestId: e.RequestID, ClientIp: e.ClientIP,
		Actor:  api.AuditActor{Type: api.AuditActorType(e.ActorType), Name: e.ActorName},
		Before: jsonObject(e.Before), After: jsonObject(e.After),
	}
	if e.ActorUserID != 0 {
		id := strconv.FormatInt(e.ActorUserID, 10)
		out.Actor.UserId = &id
	}
	if e.ActorRole != "" {
		role := api.Role(e.ActorRole)
		out.Actor.Role = &role
	}
	if e.TargetID != "" {
		out.TargetId = &e.TargetID
	}
	if e.Diff != "" {
		out.Diff = &e.Diff
	}
	if e.ErrorCode != "" {
		out.ErrorCode = &e.ErrorCode
	}
	return out
}

// jsonObject decodes a recorded object; nil when none was recorded.
func jsonObject(raw json.RawMessage) *map[string]any {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil
	}
	return &m
}
