package storetest_test

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"headway/backend/store"
	"headway/backend/store/storetest"
)

func admin(t *testing.T) *pgx.Conn {
	t.Helper()
	u := os.Getenv(storetest.EnvAdminURL)
	if u == "" {
		u = storetest.DefaultAdminURL
	}
	conn, err := pgx.Connect(t.Context(), u)
	if err != nil {
		t.Fatalf("connect to admin database: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func databaseName(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

func exists(t *testing.T, conn *pgx.Conn, name string) bool {
	t.Helper()
	var ok bool
	if err := conn.QueryRow(t.Context(), "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestURLIsMigratedAndDropped(t *testing.T) {
	t.Parallel()
	conn := admin(t)
	latest, err := store.LatestMigration()
	if err != nil {
		t.Fatal(err)
	}

	var names []string
	t.Run("use", func(t *testing.T) {
		for range 3 {
			s := storetest.New(t)
			v, dirty, err := s.MigrationVersion(t.Context())
			if err != nil || dirty || v != latest {
				t.Errorf("MigrationVersion() = %d, %v, %v; want %d, false, nil", v, dirty, err, latest)
			}
		}
		u1, u2 := storetest.URL(t), storetest.URL(t)
		if u1 == u2 {
			t.Errorf("URL() returned %q twice, want distinct databases", u1)
		}
		names = append(names, databaseName(t, u1), databaseName(t, u2))
		for _, n := range names {
			if !exists(t, conn, n) {
				t.Errorf("database %s missing during the test", n)
			}
		}
	})
	for _, n := range names {
		if exists(t, conn, n) {
			t.Errorf("database %s still exists after the test ended", n)
		}
	}
}

func TestEmptyURLHasNoSchema(t *testing.T) {
	t.Parallel()
	u := storetest.EmptyURL(t)
	s, err := store.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, dirty, err := s.MigrationVersion(t.Context())
	if err != nil || dirty || v != 0 {
		t.Errorf("MigrationVersion() = %d, %v, %v; want 0, false, nil", v, dirty, err)
	}
}

func TestParallelDatabases(t *testing.T) {
	t.Parallel()
	for i := range 8 {
		t.Run(string(rune('a'+i)), func(t *testing.T) {
			t.Parallel()
			if err := storetest.New(t).Ping(t.Context()); err != nil {
				t.Errorf("Ping() = %v", err)
			}
		})
	}
}
