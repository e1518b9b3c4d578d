package store_test

import (
	"testing"

	"headway/backend/store/storetest"
)

func TestCountLiveSessions(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	u := newUser(t, s, "alice")
	newSession(t, s, "live-1", &u.ID, 0, 60)
	newSession(t, s, "live-2", nil, 0, 60)
	newSession(t, s, "ended", &u.ID, 0, 10)

	tests := []struct {
		now  int
		want int64
	}{
		{5, 3},
		{10, 2}, // a session ends at its expiry, not after it
		{60, 0},
	}
	for _, tc := range tests {
		got, err := s.CountLiveSessions(t.Context(), at(tc.now))
		if err != nil || got != tc.want {
			t.Errorf("CountLiveSessions(at(%d)) = %d, %v, want %d", tc.now, got, err, tc.want)
		}
	}
}

func TestPoolStats(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	st := s.PoolStats()
	// Open pings the database, so one connection is open and back in the pool.
	if st.Max < 1 || st.Total < 1 || st.Acquired != 0 || st.Idle != st.Total {
		t.Errorf("PoolStats() = %+v, want an idle pool with at least one connection", st)
	}
}
