package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
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
		return 0, fmt.Errorf("store: insert audit event %s: %w", e.Action, classify(err))
	}
	return id, nil
}

// AuditFilter selects audit events; zero fields select everything.
type AuditFilter struct {
	// Actor matches the actor's name, or the console user id written in
	// decimal, exactly.
	Actor string
	// Action matches exactly, or with ActionPrefix every action starting
	// with it.
	Action       string
	ActionPrefix bool
	TargetType   string
	TargetID     string
	Result       string
	Since        time.Time // at or after
	Until        time.Time // before
	// BeforeID selects events older than the event with this id: the
	// position of a page in the newest-first order.
	BeforeID int64
}

// ListAuditEvents returns at most limit events matching f, newest first
// (by id, the order in which they were written). Only the conditions f sets
// are written into the statement, so that the indexes on action, target
// and time serve the filters that use them.
func (q *Queries) ListAuditEvents(ctx context.Context, f AuditFilter, limit int) ([]AuditEvent, error) {
	var conds []string
	var args []any
	// where adds cond, a format whose %d (or %[1]d, used twice) becomes the
	// placeholder of arg.
	where := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.Actor != "" {
		if id, err := strconv.ParseInt(f.Actor, 10, 64); err == nil {
			args = append(args, f.Actor, id)
			conds = append(conds, fmt.Sprintf("(actor_name = $%d OR actor_user_id = $%d)", len(args)-1, len(args)))
		} else {
			where("actor_name = $%d", f.Actor)
		}
	}
	switch {
	case f.Action != "" && f.ActionPrefix:
		where("left(action, length($%[1]d)) = $%[1]d", f.Action)
	case f.Action != "":
		where("action = $%d", f.Action)
	}
	if f.TargetType != "" {
		where("target_type = $%d", f.TargetType)
	}
	if f.TargetID != "" {
		where("target_id = $%d", f.TargetID)
	}
	if f.Result != "" {
		where("result = $%d", f.Result)
	}
	if !f.Since.IsZero() {
		where("at >= $%d", f.Since)
	}
	if !f.Until.IsZero() {
		where("at < $%d", f.Until)
	}
	if f.BeforeID != 0 {
		where("id < $%d", f.BeforeID)
	}
	sql := `SELECT id, at, actor_type, actor_name, coalesce(actor_user_id, 0), actor_role, action,
		target_type, target_id, before, after, diff, result, error_code, request_id, client_ip
	FROM audit_events`
	if len(conds) > 0 {
		sql += " WHERE " + strings.Join(conds, " AND ")
	}
	args = append(args, limit)
	sql += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	rows, err := q.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit events: %w", classify(err))
	}
	events, err := pgx.CollectRows(rows, scanAuditEvent)
	if err != nil {
		return nil, fmt.Errorf("store: list audit events: %w", classify(err))
	}
	return events, nil
}

func scanAuditEvent(row pgx.CollectableRow) (AuditEvent, error) {
	var e AuditEvent
	var before, after []byte
	err := row.Scan(&e.ID, &e.At, &e.ActorType, &e.ActorName, &e.ActorUserID, &e.ActorRole, &e.Action,
		&e.TargetType, &e.TargetID, &before, &after, &e.Diff, &e.Result, &e.ErrorCode, &e.RequestID, &e.ClientIP)
	if before != nil {
		e.Before = before
	}
	if after != nil {
		e.After = after
	}
	return e, err
}

// DeleteAuditEventsBefore deletes at most limit of the events written
// before t and returns how many went. Pruning in bounded batches keeps each
// statement short, however much is due.
func (q *Queries) DeleteAuditEventsBefore(ctx context.Context, t time.Time, limit int) (int64, error) {
	const sql = `DELETE FROM audit_events WHERE id IN (
		SELECT id FROM audit_events WHERE at < $1 ORDER BY at LIMIT $2)`
	tag, err := q.db.Exec(ctx, sql, t, limit)
	if err != nil {
		return 0, fmt.Errorf("store: delete audit events before %s: %w", t.Format(time.RFC3339), classify(err))
	}
	return tag.RowsAffected(), nil
}

// jsonOrNull passes JSON on as text for a jsonb column, nil as NULL.
func jsonOrNull(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	return string(raw)
}
