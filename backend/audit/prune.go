package audit

import (
	"context"
	"fmt"
	"time"
)

// pruneBatch is how many events one statement of Prune deletes.
const pruneBatch = 5000

// Prune deletes the events older than retention and returns how many went.
// A retention that is not positive is refused rather than read as "keep
// nothing".
func (r *Recorder) Prune(ctx context.Context, retention time.Duration) (int64, error) {
	if retention <= 0 {
		return 0, fmt.Errorf("prune audit events: retention %s is not positive", retention)
	}
	cutoff := r.now().Add(-retention)
	var total int64
	for {
		n, err := r.store.DeleteAuditEventsBefore(ctx, cutoff, pruneBatch)
		total += n
		if err != nil {
			return total, fmt.Errorf("prune audit events: %w", err)
		}
		if n < pruneBatch {
			return total, nil
		}
	}
}

// RunPruner calls Prune now and then every interval until ctx ends.
// Failures are logged and retried at the next tick.
func (r *Recorder) RunPruner(ctx context.Context, retention, every time.Duration) {
	if every <= 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := r.Prune(ctx, retention)
		switch {
		case err != nil && ctx.Err() == nil:
			r.log.WarnContext(ctx, "prune audit events", "error", err)
		case n > 0:
			r.log.InfoContext(ctx, "pruned audit events", "events", n, "retention", retention.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
