package store

import (
	"context"
	"fmt"
	"time"
)

// PoolStats is a snapshot of the connection pool, for metrics.
type PoolStats struct {
	Acquired int32 // connections in use
	Idle     int32 // connections open and waiting
	Total    int32 // every open connection, including ones being opened
	Max      int32 // the most the pool will open
}

// PoolStats returns the connection pool's current counts.
func (s *Store) PoolStats() PoolStats {
	st := s.pool.Stat()
	return PoolStats{
		Acquired: st.AcquiredConns(),
		Idle:     st.IdleConns(),
		Total:    st.TotalConns(),
		Max:      st.MaxConns(),
	}
}

// CountLiveSessions returns how many sessions have neither expired nor been
// idle too long at now.
func (q *Queries) CountLiveSessions(ctx context.Context, now time.Time) (int64, error) {
	const sql = `SELECT count(*) FROM sessions WHERE expires_at > $1 AND idle_expires_at > $1`
	var n int64
	if err := q.db.QueryRow(ctx, sql, now).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count live sessions: %w", err)
	}
	return n, nil
}
