package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEvent is one row of audit_events.
type AuditEvent struct {
	ID          int64
	At          time.Time
	ActorType   string
	ActorName   string
	ActorUserID int64 // 0 when the actor is no console user
	ActorRole   string
	Action      string
	TargetType  string
	TargetID    string
	Before      json.RawMessage // nil when not recorded
	After       json.RawMessage
	Diff        string
	Result      string
	ErrorCode   string
	RequestID   string
	ClientIP    string
}

// InsertAuditEvent records e (its ID is ignored) and returns its id.
func (q *Queries) InsertAuditEvent(ctx context.Context, e AuditEvent) (int64, error) {
	var userID *int64
	if e.ActorUserID != 0 {
		userID = &e.ActorUserID
	}
	var id int64
	err := q.db.QueryRow(ctx, `
		INSERT INTO audit_events (at, actor_type, actor_name, actor_user_id, actor_role, action,
			target_type, target_id, before, after, diff, result, error_code, request_id, client_ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		RETURNING id`,
		e.At, e.ActorType, e.ActorName, userID, e.ActorRole, e.Action,
		e.TargetType, e.TargetID, jsonOrNull(e.Before), jsonOrNull(e.After), e.Diff, e.Result, e.ErrorCode, e.RequestID, e.ClientIP,
	).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert audit event %s: %w", e.Action, classify(err))
	}
	return id, nil
}

// jsonOrNull passes JSON on as text for a jsonb column, nil as NULL.
func jsonOrNull(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return string(raw)
}
