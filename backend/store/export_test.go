package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Classify exposes classify to the external tests.
var Classify = classify

// MigrateLockKey exposes the advisory lock Migrate waits on.
const MigrateLockKey = migrateLockKey

// ExecForTest runs one statement on q.
func ExecForTest(ctx context.Context, q *Queries, sql string, args ...any) error {
	_, err := q.db.Exec(ctx, sql, args...)
	return err
}

// StringsForTest returns the first column of every row.
func StringsForTest(ctx context.Context, q *Queries, sql string) ([]string, error) {
	rows, err := q.db.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// CodeForTest returns err's Postgres error code, or "".
func CodeForTest(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// MigrateDownForTest applies every down migration.
func MigrateDownForTest(url string) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return err
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	m, err := newMigrate(db)
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Down()
}
