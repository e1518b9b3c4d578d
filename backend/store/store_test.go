package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"headway/backend/store"
	"headway/backend/store/storetest"
)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func latest(t *testing.T) uint {
	t.Helper()
	v, err := store.LatestMigration()
	if err != nil {
		t.Fatalf("LatestMigration() error: %v", err)
	}
	if v == 0 {
		t.Fatal("LatestMigration() = 0, want a version")
	}
	return v
}

func open(t *testing.T, url string) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open() error: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func wantVersion(t *testing.T, s *store.Store, want uint) {
	t.Helper()
	v, dirty, err := s.MigrationVersion(t.Context())
	if err != nil {
		t.Fatalf("MigrationVersion() error: %v", err)
	}
	if v != want || dirty {
		t.Errorf("MigrationVersion() = %d, dirty %v; want %d, clean", v, dirty, want)
	}
}

func TestMigrateFresh(t *testing.T) {
	t.Parallel()
	url := storetest.EmptyURL(t)
	s := open(t, url)
	wantVersion(t, s, 0) // never migrated: no schema_migrations table yet

	if err := store.Migrate(t.Context(), url, discard()); err != nil {
		t.Fatalf("Migrate() error: %v", err)
	}
	wantVersion(t, s, latest(t))

	tables, err := queryRows(t, s, `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = 'public' ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"api_tokens", "audit_events", "console_users", "login_attempts", "schema_migrations", "sessions"}
	if diff := cmp.Diff(want, tables); diff != "" {
		t.Errorf("tables after Migrate (-want +got):\n%s", diff)
	}

	// Running again changes nothing and succeeds.
	if err := store.Migrate(t.Context(), url, discard()); err != nil {
		t.Fatalf("second Migrate() error: %v", err)
	}
	wantVersion(t, s, latest(t))
}

func TestMigrateConcurrent(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 5} {
		t.Run(fmt.Sprintf("%d", n), func(t *testing.T) {
			t.Parallel()
			url := storetest.EmptyURL(t)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { errs[i] = store.Migrate(t.Context(), url, discard()) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("Migrate() #%d error: %v", i, err)
				}
			}
			wantVersion(t, open(t, url), latest(t))
		})
	}
}

func TestMigrateDirty(t *testing.T) {
	t.Parallel()
	url := storetest.URL(t)
	s := open(t, url)
	if err := s.InTx(t.Context(), func(q *store.Queries) error {
		return store.ExecForTest(t.Context(), q, `UPDATE schema_migrations SET dirty = true`)
	}); err != nil {
		t.Fatal(err)
	}
	v, dirty, err := s.MigrationVersion(t.Context())
	if err != nil || !dirty || v != latest(t) {
		t.Fatalf("MigrationVersion() = %d, %v, %v; want %d, true, nil", v, dirty, err, latest(t))
	}
	err = store.Migrate(t.Context(), url, discard())
	if err == nil {
		t.Fatal("Migrate() on a dirty database succeeded, want an error")
	}
	want := fmt.Sprintf("dirty at version %d", latest(t))
	if !strings.Contains(err.Error(), want) {
		t.Errorf("Migrate() error = %q, want it to contain %q", err, want)
	}
}

func TestMigrateWaitsForLock(t *testing.T) {
	t.Parallel()
	url := storetest.EmptyURL(t)
	holder, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(context.Background())
	if _, err := holder.Exec(t.Context(), "SELECT pg_advisory_lock($1)", store.MigrateLockKey); err != nil {
		t.Fatal(err)
	}

	// While another process holds the lock, Migrate waits until its context ends.
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if err := store.Migrate(ctx, url, discard()); err == nil {
		t.Fatal("Migrate() under a held lock succeeded, want the context's error")
	}

	// Once released, a waiting Migrate proceeds.
	done := make(chan error, 1)
	go func() { done <- store.Migrate(t.Context(), url, discard()) }()
	time.Sleep(100 * time.Millisecond)
	if _, err := holder.Exec(t.Context(), "SELECT pg_advisory_unlock($1)", store.MigrateLockKey); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Migrate() after release: %v", err)
	}
	wantVersion(t, open(t, url), latest(t))
}

func TestDownMigrationsDropEverything(t *testing.T) {
	t.Parallel()
	url := storetest.URL(t)
	if err := store.MigrateDownForTest(url); err != nil {
		t.Fatalf("down migrations: %v", err)
	}
	s := open(t, url)
	tables, err := queryRows(t, s, `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 0 {
		t.Errorf("tables left after down migrations: %v", tables)
	}
	// And up again from nothing.
	if err := store.Migrate(t.Context(), url, discard()); err != nil {
		t.Fatalf("Migrate() after down: %v", err)
	}
	wantVersion(t, s, latest(t))
}

func TestSchemaConstraints(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()

	exec := func(sql string, args ...any) error {
		return s.InTx(ctx, func(q *store.Queries) error {
			return store.ExecForTest(ctx, q, sql, args...)
		})
	}
	const insertUser = `INSERT INTO console_users (issuer, subject, role) VALUES ($1, $2, $3)`

	if err := exec(insertUser, "https://idp", "alice", "owner"); err != nil {
		t.Fatalf("first owner: %v", err)
	}
	tests := []struct {
		name    string
		sql     string
		args    []any
		wantErr error  // sentinel after classify, if any
		code    string // Postgres error code, if any
	}{
		{"second owner", insertUser, []any{"https://idp", "bob", "owner"}, store.ErrConflict, "23505"},
		{"same subject", insertUser, []any{"https://idp", "alice", "member"}, store.ErrConflict, "23505"},
		{"same subject other issuer", insertUser, []any{"https://other", "alice", "member"}, nil, ""},
		{"unknown role", insertUser, []any{"https://idp", "carol", "superuser"}, nil, "23514"},
		{"issuer without subject", insertUser, []any{"https://idp", nil, "member"}, nil, "23514"},
		{"no oidc identity", insertUser, []any{nil, nil, "admin"}, nil, ""},
		{"second no oidc identity", insertUser, []any{nil, nil, "admin"}, nil, ""}, // NULLs are distinct
		{"oidc session without user",
			`INSERT INTO sessions (token_hash, kind, csrf_token, idle_expires_at, expires_at)
			 VALUES ('\x01', 'oidc', 'c', now(), now())`, nil, nil, "23514"},
		{"unknown session kind",
			`INSERT INTO sessions (token_hash, kind, csrf_token, idle_expires_at, expires_at)
			 VALUES ('\x02', 'password', 'c', now(), now())`, nil, nil, "23514"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := store.Classify(exec(tc.sql, tc.args...))
			if tc.wantErr == nil && tc.code == "" {
				if err != nil {
					t.Fatalf("exec = %v, want success", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("exec succeeded, want error code %s", tc.code)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("Classify(exec) = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr == nil && (errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound)) {
				t.Errorf("Classify(exec) = %v, want no sentinel", err)
			}
			if got := store.CodeForTest(err); got != tc.code {
				t.Errorf("error code = %q, want %q (%v)", got, tc.code, err)
			}
		})
	}

	// Demoting the owner frees the slot.
	if err := exec(`UPDATE console_users SET role = 'admin' WHERE role = 'owner'`); err != nil {
		t.Fatal(err)
	}
	if err := exec(insertUser, "https://idp", "dave", "owner"); err != nil {
		t.Errorf("new owner after demotion: %v", err)
	}
}

func TestSessionsCascade(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	err := s.InTx(ctx, func(q *store.Queries) error {
		if err := store.ExecForTest(ctx, q, `INSERT INTO console_users (issuer, subject) VALUES ('i', 's')`); err != nil {
			return err
		}
		return store.ExecForTest(ctx, q, `INSERT INTO sessions (token_hash, kind, console_user_id, csrf_token, idle_expires_at, expires_at)
			SELECT '\x01', 'oidc', id, 'c', now(), now() FROM console_users`)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(q *store.Queries) error {
		return store.ExecForTest(ctx, q, `DELETE FROM console_users`)
	}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "sessions"); n != 0 {
		t.Errorf("sessions after deleting their user = %d, want 0", n)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	other := errors.New("boom")
	tests := []struct {
		name string
		in   error
		want error
	}{
		{"nil", nil, nil},
		{"no rows", pgx.ErrNoRows, store.ErrNotFound},
		{"wrapped no rows", fmt.Errorf("get: %w", pgx.ErrNoRows), store.ErrNotFound},
		{"other", other, other},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := store.Classify(tc.in)
			if !errors.Is(got, tc.want) || (tc.want == nil) != (got == nil) {
				t.Errorf("Classify(%v) = %v, want %v", tc.in, got, tc.want)
			}
			if tc.in != nil && !errors.Is(got, tc.in) {
				t.Errorf("Classify(%v) = %v, lost the original error", tc.in, got)
			}
		})
	}
}

func TestInTx(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := t.Context()
	const insert = `INSERT INTO console_users (issuer, subject) VALUES ('i', $1)`

	t.Run("rollback on error", func(t *testing.T) {
		boom := errors.New("boom")
		err := s.InTx(ctx, func(q *store.Queries) error {
			if err := store.ExecForTest(ctx, q, insert, "rolled-back"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx() = %v, want %v", err, boom)
		}
		if n := countWhere(t, s, "console_users", "subject = 'rolled-back'"); n != 0 {
			t.Errorf("rows after rollback = %d, want 0", n)
		}
	})

	t.Run("commit", func(t *testing.T) {
		if err := s.InTx(ctx, func(q *store.Queries) error {
			return store.ExecForTest(ctx, q, insert, "committed")
		}); err != nil {
			t.Fatal(err)
		}
		if n := countWhere(t, s, "console_users", "subject = 'committed'"); n != 1 {
			t.Errorf("rows after commit = %d, want 1", n)
		}
	})

	t.Run("retries serialization failures", func(t *testing.T) {
		calls := 0
		err := s.InTx(ctx, func(q *store.Queries) error {
			calls++
			if calls < 3 {
				return store.ExecForTest(ctx, q, `DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$`)
			}
			return nil
		})
		if err != nil || calls != 3 {
			t.Errorf("InTx() = %v after %d calls, want nil after 3", err, calls)
		}
	})

	t.Run("gives up after three retries", func(t *testing.T) {
		calls := 0
		err := s.InTx(ctx, func(q *store.Queries) error {
			calls++
			return store.ExecForTest(ctx, q, `DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$`)
		})
		if got := store.CodeForTest(err); got != "40P01" || calls != 4 {
			t.Errorf("InTx() = %v after %d calls, want 40P01 after 4", err, calls)
		}
	})

	t.Run("no retry for other errors", func(t *testing.T) {
		calls := 0
		err := s.InTx(ctx, func(q *store.Queries) error {
			calls++
			return store.ExecForTest(ctx, q, `SELECT 1/0`)
		})
		if err == nil || calls != 1 {
			t.Errorf("InTx() = %v after %d calls, want an error after 1", err, calls)
		}
	})
}

func TestStoretestIsolation(t *testing.T) {
	t.Parallel()
	a, b := storetest.New(t), storetest.New(t)
	ctx := t.Context()
	if err := a.InTx(ctx, func(q *store.Queries) error {
		return store.ExecForTest(ctx, q, `INSERT INTO console_users (issuer, subject, role) VALUES ('i', 's', 'owner')`)
	}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, a, "console_users"); n != 1 {
		t.Errorf("users in a = %d, want 1", n)
	}
	if n := count(t, b, "console_users"); n != 0 {
		t.Errorf("users in b = %d, want 0 (databases must not share data)", n)
	}
	// Each database has its own owner slot.
	if err := b.InTx(ctx, func(q *store.Queries) error {
		return store.ExecForTest(ctx, q, `INSERT INTO console_users (issuer, subject, role) VALUES ('i', 's', 'owner')`)
	}); err != nil {
		t.Errorf("owner in b: %v", err)
	}
	if err := a.Ping(ctx); err != nil {
		t.Errorf("Ping() = %v", err)
	}
	wantVersion(t, a, latest(t))
}

func TestOpenInvalidURL(t *testing.T) {
	t.Parallel()
	_, err := store.Open(t.Context(), "postgres://u:secret@[bad")
	if err == nil {
		t.Fatal("Open() with a bad URL succeeded")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("Open() error %q leaks the password", err)
	}
}

func count(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	return countWhere(t, s, table, "true")
}

func countWhere(t *testing.T, s *store.Store, table, where string) int {
	t.Helper()
	rows, err := queryRows(t, s, "SELECT count(*)::text FROM "+table+" WHERE "+where)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(rows[0], &n)
	return n
}

func queryRows(t *testing.T, s *store.Store, sql string) ([]string, error) {
	t.Helper()
	var out []string
	err := s.InTx(t.Context(), func(q *store.Queries) error {
		var err error
		out, err = store.StringsForTest(t.Context(), q, sql)
		return err
	})
	return out, err
}
