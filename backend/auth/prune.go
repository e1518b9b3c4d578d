package auth

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Prune deletes expired sessions and login attempts and returns how many
// rows went.
func (s *Service) Prune(ctx context.Context) (int, error) {
	now := s.now()
	sessions, serr := s.store.DeleteExpiredSessions(ctx, now)
	attempts, aerr := s.store.DeleteExpiredLoginAttempts(ctx, now)
	if err := errors.Join(serr, aerr); err != nil {
		return int(sessions + attempts), fmt.Errorf("prune: %w", err)
	}
	return int(sessions + attempts), nil
}

// RunPruner calls Prune now and then every interval until ctx ends. Failures
// are logged and retried at the next tick.
func (s *Service) RunPruner(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.Prune(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.WarnContext(ctx, "prune sessions and login attempts", "error", err)
		case n > 0:
			s.log.DebugContext(ctx, "pruned sessions and login attempts", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
