package audit

import (
	"context"
	"log/slog"
	"time"

	"headway/backend/store"
)

// writeTimeout bounds writing one event once the operation is over; the
// request's own deadline may have passed or its client gone by then.
const writeTimeout = 10 * time.Second

// Recorder writes the entries no transaction wrote, and reads and prunes the
// trail. It is safe for concurrent use.
type Recorder struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
}

// NewRecorder returns a Recorder on st. logger may be nil.
func NewRecorder(st *store.Store, logger *slog.Logger) *Recorder {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Recorder{store: st, log: logger, now: time.Now}
}

// Finish writes e with the operation's outcome, unless it was written
// already (by InTx, with the change it records, or by an earlier Finish).
// code is the error's stable code, "" for OK. The operation has happened
// whatever becomes of its event, so a failure to write is logged, not
// returned: the caller's answer must not depend on it.
func (r *Recorder) Finish(ctx context.Context, e *Entry, result Result, code string) {
	if e == nil || !e.claim() {
		return
	}
	if result == OK {
		code = ""
	}
	ev := e.event(result, code, r.now())
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if _, err := r.store.InsertAuditEvent(ctx, ev); err != nil {
		r.log.ErrorContext(ctx, "audit event lost", "action", ev.Action, "target_type", ev.TargetType,
			"target_id", ev.TargetID, "result", ev.Result, "request_id", ev.RequestID, "error", err)
	}
}
