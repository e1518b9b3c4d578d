// Package storetest gives each test its own Postgres database, migrated or empty.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"headway/backend/store"
	"headway/backend/store/migrations"
)

// EnvAdminURL names the variable holding the URL of a database whose user may
// create and drop databases. Unset, DefaultAdminURL is used.
const EnvAdminURL = "HEADWAY_TEST_DATABASE_URL"

// DefaultAdminURL is the local trust-auth Postgres of a development machine.
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// templateLockKey serializes template creation across test binaries running
// in parallel (go test runs packages as separate processes).
const templateLockKey int64 = 0x6865616477617902

// setupTimeout bounds each administrative step.
const setupTimeout = 2 * time.Minute

// template is built once per test binary.
var template struct {
	once sync.Once
	name string
	err  error
}

// New returns a Store on a fresh, fully migrated database of its own. The
// store is closed and the database dropped when the test ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	dbURL := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	s, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("storetest: open test database: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// URL returns the URL of a fresh, fully migrated database holding no data,
// cloned from a template migrated once per test binary. It is dropped when
// the test ends.
func URL(t testing.TB) string {
	t.Helper()
	admin := adminURL()
	template.once.Do(func() {
		template.name, template.err = ensureTemplate(admin)
	})
	if template.err != nil {
		t.Fatalf("storetest: %v%s", template.err, hint(admin))
	}
	return create(t, admin, "TEMPLATE "+pgx.Identifier{template.name}.Sanitize())
}

// EmptyURL returns the URL of a fresh database with no migrations applied,
// for testing migrations themselves. It is dropped when the test ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return create(t, adminURL(), "TEMPLATE template0")
}

func adminURL() string {
	if u := os.Getenv(EnvAdminURL); u != "" {
		return u
	}
	return DefaultAdminURL
}

func hint(admin string) string {
	return fmt.Sprintf("\n\tstoretest needs a Postgres whose user may create databases, at %s;"+
		" start one or set %s to its URL (postgres://user@host:port/db?sslmode=disable)", redact(admin), EnvAdminURL)
}

// create makes a new database with the given CREATE DATABASE options and
// registers its removal.
func create(t testing.TB, admin, options string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()

	name := "headway_test_" + strings.ToLower(rand.Text()[:16])
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("storetest: connect: %v%s", err, hint(admin))
	}
	defer conn.Close(context.Background())
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident+" "+options); err != nil {
		t.Fatalf("storetest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("storetest: connect to drop %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	u, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return u
}

// ensureTemplate returns the name of a migrated template database for the
// current migrations, building it if no earlier test binary has.
func ensureTemplate(admin string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()

	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "headway_tmpl_" + sum[:16]
	ident := pgx.Identifier{name}.Sanitize()

	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return "", fmt.Errorf("wait for template lock: %w", err)
	}
	// Closing the connection releases the lock.

	// A template is complete once marked IS_TEMPLATE; anything else under the
	// name is left over from a build that died part-way.
	var isTemplate bool
	err = conn.QueryRow(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", name).Scan(&isTemplate)
	switch {
	case err == nil && isTemplate:
		return name, nil
	case err == nil:
		if _, err := conn.Exec(ctx, "DROP DATABASE "+ident+" WITH (FORCE)"); err != nil {
			return "", fmt.Errorf("drop unfinished template %s: %w", name, err)
		}
	case !errors.Is(err, pgx.ErrNoRows):
		return "", fmt.Errorf("look up template %s: %w", name, err)
	}

	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident+" TEMPLATE template0"); err != nil {
		return "", fmt.Errorf("create template %s: %w", name, err)
	}
	u, err := withDatabase(admin, name)
	if err != nil {
		return "", err
	}
	if err := store.Migrate(ctx, u, slog.New(slog.DiscardHandler)); err != nil {
		return "", fmt.Errorf("migrate template %s: %w", name, err)
	}
	// No connections allowed: CREATE DATABASE … TEMPLATE fails while anyone
	// is connected to the template.
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return "", fmt.Errorf("mark template %s: %w", name, err)
	}
	return name, nil
}

// migrationsHash identifies the current set of migrations, so a changed
// migration gets a template of its own.
func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// withDatabase returns admin with its database replaced by name.
func withDatabase(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("%s must be a postgres:// URL", EnvAdminURL)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// redact hides the password of a URL for messages.
func redact(admin string) string {
	u, err := url.Parse(admin)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
