package auth

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Prune deletes expired sessions and login attempts, and API tokens that
// expired or were revoked more than 30 days ago, and returns how many rows
// went. Dead tokens stay that long so that their owners can still see in the
// list why a script stopped working.
func (s *Service) Prune(ctx context.Context) (int, error) {
	now := s.now()
	sessions, serr := s.store.DeleteExpiredSessions(ctx, now)
	attempts, aerr := s.store.DeleteExpiredLoginAttempts(ctx, now)
	tokens, terr := s.store.DeleteStaleAPITokens(ctx, now.Add(-tokenRetention))
	n := int(sessions + attempts + tokens)
	if err := errors.Join(serr, aerr, terr); err != nil {
		return n, fmt.Errorf("prune: %w", err)
	}
	return n, nil
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
			s.log.WarnContext(ctx, "prune sessions, login attempts and api tokens", "error", err)
		case n > 0:
			s.log.DebugContext(ctx, "pruned sessions, login attempts and api tokens", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
