// Package store owns Headway's Postgres database: the pool, the migrations and every SQL statement.
package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Sentinel errors returned by query methods; test with errors.Is.
var (
	// ErrNotFound reports that no row matched.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports that a write violated a unique constraint.
	ErrConflict = errors.New("conflict")
)

// Postgres error codes the store reacts to.
const (
	codeUniqueViolation      = "23505"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	codeUndefinedTable       = "42P01"
)

// DBTX is what query methods need: satisfied by the pool and by a transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Queries holds every query method. The Store's Queries run on the pool;
// InTx hands out Queries bound to a transaction.
type Queries struct {
	db DBTX
}

// Store is the database handle. Its query methods run outside any transaction.
type Store struct {
	*Queries
	pool *pgxpool.Pool
}

// Open connects to the database at url (a postgres:// URL or key=value string)
// and checks that it answers. Migrations are applied separately by Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The error text can contain the password; keep only its kind.
		return nil, errors.New("store: open: invalid database URL")
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "headway"
	}
	cfg.MaxConnLifetime = time.Hour
	cfg.MaxConnLifetimeJitter = 5 * time.Minute
	cfg.MaxConnIdleTime = 10 * time.Minute
	cfg.HealthCheckPeriod = 30 * time.Second

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	s := &Store{Queries: &Queries{db: pool}, pool: pool}
	if err := s.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	return s, nil
}

// Ping reports whether the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Close waits for queries in flight and closes every connection.
func (s *Store) Close() {
	s.pool.Close()
}

// maxTxRetries bounds how often InTx reruns a transaction that Postgres
// aborted as a serialization failure or a deadlock.
const maxTxRetries = 3

// InTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise. When Postgres aborts it with a serialization failure (40001)
// or a deadlock (40P01), the whole transaction runs again, at most three more
// times, so fn must not have effects outside the database.
func (s *Store) InTx(ctx context.Context, fn func(q *Queries) error) error {
	for attempt := 0; ; attempt++ {
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			return fn(&Queries{db: tx})
		})
		if err == nil || attempt == maxTxRetries || !retryable(err) {
			return err
		}
		// Short, jittered pause so the competing transactions do not collide again.
		backoff := time.Duration(attempt+1)*10*time.Millisecond + rand.N(10*time.Millisecond)
		select {
		case <-ctx.Done():
			return errors.Join(err, context.Cause(ctx))
		case <-time.After(backoff):
		}
	}
}

// retryable reports whether err aborted a transaction that may succeed when rerun.
func retryable(err error) bool {
	return isCode(err, codeSerializationFailure) || isCode(err, codeDeadlockDetected)
}

// classify maps driver errors to the store's sentinels, keeping the original
// in the chain for logs: no row becomes ErrNotFound, a unique violation
// ErrConflict. Other errors are returned unchanged.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	if isCode(err, codeUniqueViolation) {
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}

// isCode reports whether err carries the Postgres error code.
func isCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}
