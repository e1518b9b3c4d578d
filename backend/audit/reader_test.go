package audit

import (
	"encoding/base64"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/backend/store"
)

// seed writes n events, the i-th at minute i, alternating two actions, and
// returns their ids oldest first.
func seed(t *testing.T, st *store.Store, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		action := "machine.rename"
		if i%2 == 1 {
			action = "user.create"
		}
		id, err := st.InsertAuditEvent(t.Context(), store.AuditEvent{At: at.Add(time.Duration(i) * time.Minute),
			ActorType: ActorUser, ActorName: fmt.Sprintf("user%d@example.com", i%3), Action: action, Result: "ok"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestListPagesWithoutGapsOrDuplicates(t *testing.T) {
	t.Parallel()
	r, st, _ := newRecorder(t)
	ids := seed(t, st, 23)
	var got []int64
	cursor, pages := "", 0
	for {
		page, err := r.List(t.Context(), Filter{}, cursor, 5)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range page.Events {
			got = append(got, e.ID)
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	var want []int64
	for i := len(ids) - 1; i >= 0; i-- {
		want = append(want, ids[i])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids over all pages (-want +got):\n%s", diff)
	}
	if pages != 5 {
		t.Errorf("%d pages of 5 for 23 events, want 5", pages)
	}

	// Exactly a page's worth leaves no empty page behind.
	page, err := r.List(t.Context(), Filter{}, "", 23)
	if err != nil || len(page.Events) != 23 || page.Next != "" {
		t.Errorf("List(limit 23) = %d events, next %q, %v; want 23, no next", len(page.Events), page.Next, err)
	}
}

func TestListFilterWithCursor(t *testing.T) {
	t.Parallel()
	r, st, _ := newRecorder(t)
	seed(t, st, 12)
	f := Filter{Action: "user.", Since: at.Add(2 * time.Minute)}
	first, err := r.List(t.Context(), f, "", 2)
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.List(t.Context(), f, first.Next, 10)
	if err != nil {
		t.Fatal(err)
	}
	all := append(first.Events, second.Events...)
	// user.create at minutes 3, 5, 7, 9, 11.
	if len(all) != 5 || second.Next != "" {
		t.Fatalf("got %d events (next %q), want 5 on two pages", len(all), second.Next)
	}
	for _, e := range all {
		if e.Action != "user.create" || e.At.Before(f.Since) {
			t.Errorf("event %+v does not match the filter", e)
		}
	}
}

func TestListRefusals(t *testing.T) {
	t.Parallel()
	r, _, _ := newRecorder(t)
	foreign := base64.RawURLEncoding.EncodeToString([]byte("v2:5"))
	tests := []struct {
		name   string
		f      Filter
		cursor string
		limit  int
		want   error
	}{
		{"cursor not base64", Filter{}, "!!!", 0, ErrCursorInvalid},
		{"cursor of another version", Filter{}, foreign, 0, ErrCursorInvalid},
		{"cursor without a position", Filter{}, base64.RawURLEncoding.EncodeToString([]byte("v1:x")), 0, ErrCursorInvalid},
		{"cursor at zero", Filter{}, base64.RawURLEncoding.EncodeToString([]byte("v1:0")), 0, ErrCursorInvalid},
		{"since after until", Filter{Since: at, Until: at.Add(-time.Second)}, "", 0, ErrFilterInvalid},
		{"since equal to until", Filter{Since: at, Until: at}, "", 0, ErrFilterInvalid},
		{"unknown result", Filter{Result: "maybe"}, "", 0, ErrFilterInvalid},
		{"limit too large", Filter{}, "", MaxPageSize + 1, ErrFilterInvalid},
		{"negative limit", Filter{}, "", -1, ErrFilterInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.List(t.Context(), tc.f, tc.cursor, tc.limit)
			if !errors.Is(err, tc.want) {
				t.Errorf("List() error = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestExportReadsEverythingInBatches(t *testing.T) {
	t.Parallel()
	r, st, _ := newRecorder(t)
	ids := seed(t, st, exportBatch+7) // more than one batch
	var got []int64
	err := r.Export(t.Context(), Filter{}, func(e store.AuditEvent) error {
		got = append(got, e.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ids) || got[0] != ids[len(ids)-1] || got[len(got)-1] != ids[0] {
		t.Fatalf("Export gave %d events from %d to %d, want %d newest first", len(got), got[0], got[len(got)-1], len(ids))
	}
	seen := map[int64]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("event %d exported twice", id)
		}
		seen[id] = true
	}

	// The callback's error stops the export.
	stop := errors.New("stop")
	n := 0
	err = r.Export(t.Context(), Filter{Actor: "user0@example.com"}, func(store.AuditEvent) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Export with a failing callback = %v after %d events, want stop after 1", err, n)
	}
	if err := r.Export(t.Context(), Filter{Result: "nope"}, func(store.AuditEvent) error { return nil }); !errors.Is(err, ErrFilterInvalid) {
		t.Errorf("Export(bad filter) = %v, want filter_invalid", err)
	}
}

func TestPrune(t *testing.T) {
	t.Parallel()
	r, st, _ := newRecorder(t)
	ids := seed(t, st, 10) // minutes 0 to 9 after at
	r.now = func() time.Time { return at.Add(10 * time.Minute) }
	n, err := r.Prune(t.Context(), 4*time.Minute+30*time.Second) // keeps minutes 6 to 9
	if err != nil || n != 6 {
		t.Fatalf("Prune() = %d, %v; want 6, nil", n, err)
	}
	evs := events(t, st)
	if len(evs) != 4 || evs[3].ID != ids[6] {
		t.Errorf("left %d events, oldest %d; want 4 from %d", len(evs), evs[len(evs)-1].ID, ids[6])
	}
	if _, err := r.Prune(t.Context(), 0); err == nil {
		t.Error("Prune(0) succeeded; a retention of zero must not delete everything")
	}
	if evs := events(t, st); len(evs) != 4 {
		t.Errorf("%d events after Prune(0), want 4", len(evs))
	}
}
