package audit

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"headway/backend/store"
	"headway/backend/store/storetest"
)

var at = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newRecorder returns a Recorder on a fresh database, its clock at at, and
// the log it writes.
func newRecorder(t *testing.T) (*Recorder, *store.Store, *strings.Builder) {
	t.Helper()
	st := storetest.New(t)
	var logs strings.Builder
	r := NewRecorder(st, slog.New(slog.NewTextHandler(&logs, nil)))
	r.now = func() time.Time { return at }
	return r, st, &logs
}

// events returns every event, newest first.
func events(t *testing.T, st *store.Store) []store.AuditEvent {
	t.Helper()
	evs, err := st.ListAuditEvents(t.Context(), store.AuditFilter{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// upsertUser is a change to Headway's own database.
func upsertUser(ctx context.Context, q *store.Queries, subject string) error {
	_, err := q.UpsertOIDCConsoleUser(ctx, store.ConsoleUserProfile{Issuer: "https://idp.example", Subject: subject}, at)
	return err
}

func TestFinishWritesOnce(t *testing.T) {
	t.Parallel()
	r, st, _ := newRecorder(t)
	ctx, e := Begin(t.Context(), "machine.delete", "machine", "5", "req-1", "192.0.2.1")
	SetActor(ctx, Actor{Type: ActorAPIKey, Name: "hskey-api-AAAAAAAAAAAA-***", Role: "admin"})
	r.Finish(ctx, e, Failed, "headscale_unavailable")
	r.Finish(ctx, e, OK, "") // a second outcome changes nothing
	r.Finish(ctx, nil, OK, "")
	evs := events(t, st)
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	if got := evs[0]; got.Result != "failed" || got.ErrorCode != "headscale_unavailable" || got.Action != "machine.delete" ||
		got.ActorName != "hskey-api-AAAAAAAAAAAA-***" || got.TargetID != "5" || !got.At.Equal(at) {
		t.Errorf("event = %+v", got)
	}
	if !e.Written() {
		t.Error("Written() = false after Finish")
	}
}

func TestFinishOKDropsTheCode(t *testing.T) {
	t.Parallel()
	r, st, _ := newRecorder(t)
	ctx, e := Begin(t.Context(), "policy.check", "policy", "", "", "")
	r.Finish(ctx, e, OK, "ignored")
	if evs := events(t, st); len(evs) != 1 || evs[0].Result != "ok" || evs[0].ErrorCode != "" {
		t.Errorf("events = %+v, want one ok without a code", evs)
	}
}

func TestFinishAfterTheClientLeft(t *testing.T) {
	t.Parallel()
	r, st, _ := newRecorder(t)
	ctx, cancel := context.WithCancel(t.Context())
	ctx, e := Begin(ctx, "machine.rename", "machine", "5", "", "")
	cancel() // the change happened; its event must still be written
	r.Finish(ctx, e, Failed, "client_closed_request")
	if evs := events(t, st); len(evs) != 1 {
		t.Errorf("%d events, want 1", len(evs))
	}
}

func TestFinishFailureIsLogged(t *testing.T) {
	t.Parallel()
	r, st, logs := newRecorder(t)
	st.Close() // the database is gone
	ctx, e := Begin(t.Context(), "machine.rename", "machine", "5", "req-9", "")
	r.Finish(ctx, e, OK, "")
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "req-9") {
		t.Errorf("log = %q, want an error naming the request", logs.String())
	}
}

func TestInTxWritesWithTheChange(t *testing.T) {
	t.Parallel()
	r, st, _ := newRecorder(t)
	ctx, e := Begin(t.Context(), "console_user.update", "console_user", "1", "req-1", "")
	err := InTx(ctx, st, func(q *store.Queries) error {
		SetChange(ctx, map[string]any{"role": "viewer"}, map[string]any{"role": "admin"})
		return upsertUser(ctx, q, "alice")
	})
	if err != nil {
		t.Fatal(err)
	}
	if !e.Written() {
		t.Fatal("Written() = false after a committed InTx")
	}
	// The middleware's Finish follows every operation: it must add nothing.
	r.Finish(ctx, e, OK, "")
	// A second change in the same operation adds no second event.
	if err := InTx(ctx, st, func(q *store.Queries) error { return upsertUser(ctx, q, "bob") }); err != nil {
		t.Fatal(err)
	}
	evs := events(t, st)
	if len(evs) != 1 || evs[0].Result != "ok" || string(evs[0].After) != `{"role": "admin"}` {
		t.Fatalf("events = %+v, want one ok event with the change", evs)
	}
}

func TestInTxRollsBackTheEventWithTheChange(t *testing.T) {
	t.Parallel()
	r, st, _ := newRecorder(t)
	ctx, e := Begin(t.Context(), "console_user.update", "console_user", "1", "req-1", "")
	refused := errors.New("refused after the write")
	err := InTx(ctx, st, func(q *store.Queries) error {
		if err := upsertUser(ctx, q, "alice"); err != nil {
			return err
		}
		return refused
	})
	if !errors.Is(err, refused) {
		t.Fatalf("InTx error = %v, want %v", err, refused)
	}
	if e.Written() {
		t.Fatal("Written() = true after a rolled-back InTx")
	}
	if evs := events(t, st); len(evs) != 0 {
		t.Fatalf("events after the rollback = %+v, want none", evs)
	}
	if users, err := st.ListConsoleUsers(t.Context()); err != nil || len(users) != 0 {
		t.Fatalf("console users after the rollback = %v, %v; want none", users, err)
	}
	// The failure itself is recorded once, by Finish.
	r.Finish(ctx, e, Failed, "internal")
	if evs := events(t, st); len(evs) != 1 || evs[0].Result != "failed" {
		t.Fatalf("events = %+v, want one failed", evs)
	}
}

func TestInTxWithoutEntry(t *testing.T) {
	t.Parallel()
	_, st, _ := newRecorder(t)
	if err := InTx(t.Context(), st, func(q *store.Queries) error { return upsertUser(t.Context(), q, "alice") }); err != nil {
		t.Fatal(err)
	}
	if evs := events(t, st); len(evs) != 0 {
		t.Errorf("events = %+v, want none outside an audited operation", evs)
	}
}
