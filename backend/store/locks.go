package store

import (
	"context"
	"fmt"
)

// Lock keys for Exclusive; each names one kind of work that every Headway
// process on the database takes turns at.
const (
	// LockPolicySave serializes saving the ACL policy: Headscale has no
	// compare-and-set, so the read-compare-write must not interleave across
	// processes.
	LockPolicySave int64 = 0x6865616477617902 // "headway" + 2
)

// Exclusive runs fn while holding the advisory lock key, waiting for any
// other process (or caller) holding it, until ctx ends. The lock lives in a
// transaction that does nothing else, so it is released however fn ends,
// even if the connection drops. fn may have effects outside the database;
// it runs exactly once.
func (s *Store) Exclusive(ctx context.Context, key int64, fn func(ctx context.Context) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("store: lock %x: %w", key, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", key); err != nil {
		return fmt.Errorf("store: lock %x: %w", key, err)
	}
	return fn(ctx)
}
