package store_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"headway/backend/store"
	"headway/backend/store/storetest"
)

// seedAuditEvents writes one event per row of evs, in order, and returns
// them with their ids.
func seedAuditEvents(t *testing.T, s *store.Store, evs []store.AuditEvent) []store.AuditEvent {
	t.Helper()
	for i := range evs {
		id, err := s.InsertAuditEvent(t.Context(), evs[i])
		if err != nil {
			t.Fatalf("InsertAuditEvent(%s) error: %v", evs[i].Action, err)
		}
		evs[i].ID = id
	}
	return evs
}

func auditIDs(evs []store.AuditEvent) []int64 {
	out := []int64{}
	for _, e := range evs {
		out = append(out, e.ID)
	}
	return out
}

func TestAuditEventRoundTrip(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	u := newUser(t, s, "alice")
	want := seedAuditEvents(t, s, []store.AuditEvent{
		{At: at(1), ActorType: "user", ActorName: "alice@example.com", ActorUserID: u.ID, ActorRole: "admin",
			Action: "machine.rename", TargetType: "machine", TargetID: "7",
			Before: json.RawMessage(`{"givenName": "old"}`), After: json.RawMessage(`{"givenName": "new"}`),
			Result: "ok", RequestID: "req-1", ClientIP: "192.0.2.1"},
		{At: at(2), ActorType: "anonymous", Action: "auth.sign_in", TargetType: "session",
			Diff: "--- a/x\n+++ b/x\n", Result: "denied", ErrorCode: "api_key_unknown", RequestID: "req-2"},
	})
	got, err := s.ListAuditEvents(t.Context(), store.AuditFilter{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	// Newest first; jsonb comes back in Postgres's own spelling.
	if diff := cmp.Diff([]store.AuditEvent{want[1], want[0]}, got); diff != "" {
		t.Errorf("ListAuditEvents() (-want +got):\n%s", diff)
	}
}

func TestListAuditEventsFilters(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	u := newUser(t, s, "alice")
	evs := seedAuditEvents(t, s, []store.AuditEvent{
		{At: at(0), ActorType: "user", ActorName: "alice@example.com", ActorUserID: u.ID, Action: "machine.rename", TargetType: "machine", TargetID: "1", Result: "ok"},
		{At: at(10), ActorType: "api_key", ActorName: "hskey-api-AAAAAAAAAAAA-***", Action: "machine.delete", TargetType: "machine", TargetID: "2", Result: "failed"},
		{At: at(20), ActorType: "token", ActorName: "deploy", ActorUserID: u.ID, Action: "policy.update", TargetType: "policy", Result: "ok"},
		{At: at(30), ActorType: "anonymous", ActorName: "", Action: "auth.sign_in", TargetType: "session", Result: "denied"},
		// An action that shares a prefix with "machine." but is of another kind.
		{At: at(40), ActorType: "user", ActorName: "bob@example.com", Action: "machines_x", TargetType: "x", Result: "ok"},
		// "%" and "_" are no wildcards.
		{At: at(50), ActorType: "user", ActorName: "a_b%", Action: "user.create", TargetType: "user", TargetID: "9", Result: "ok"},
	})
	id := func(i int) int64 { return evs[i].ID }
	tests := []struct {
		name string
		f    store.AuditFilter
		want []int64
	}{
		{"everything, newest first", store.AuditFilter{}, []int64{id(5), id(4), id(3), id(2), id(1), id(0)}},
		{"actor by name", store.AuditFilter{Actor: "alice@example.com"}, []int64{id(0)}},
		{"actor by console user id", store.AuditFilter{Actor: strconv.FormatInt(u.ID, 10)}, []int64{id(2), id(0)}},
		{"actor by api key prefix", store.AuditFilter{Actor: "hskey-api-AAAAAAAAAAAA-***"}, []int64{id(1)}},
		{"actor is exact", store.AuditFilter{Actor: "alice"}, []int64{}},
		{"actor with LIKE characters", store.AuditFilter{Actor: "a_b%"}, []int64{id(5)}},
		{"action exactly", store.AuditFilter{Action: "machine.rename"}, []int64{id(0)}},
		{"action of a kind", store.AuditFilter{Action: "machine.", ActionPrefix: true}, []int64{id(1), id(0)}},
		{"action prefix without wildcards", store.AuditFilter{Action: "a_", ActionPrefix: true}, []int64{}},
		{"action exact is not a prefix", store.AuditFilter{Action: "machine."}, []int64{}},
		{"target type", store.AuditFilter{TargetType: "machine"}, []int64{id(1), id(0)}},
		{"target", store.AuditFilter{TargetType: "machine", TargetID: "2"}, []int64{id(1)}},
		{"result", store.AuditFilter{Result: "ok"}, []int64{id(5), id(4), id(2), id(0)}},
		{"since is inclusive", store.AuditFilter{Since: at(20)}, []int64{id(5), id(4), id(3), id(2)}},
		{"until is exclusive", store.AuditFilter{Until: at(20)}, []int64{id(1), id(0)}},
		{"time range", store.AuditFilter{Since: at(10), Until: at(30)}, []int64{id(2), id(1)}},
		{"before an id", store.AuditFilter{BeforeID: id(2)}, []int64{id(1), id(0)}},
		{"combined", store.AuditFilter{Result: "ok", TargetType: "machine", Since: at(0)}, []int64{id(0)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListAuditEvents(t.Context(), tc.f, 100)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, auditIDs(got)); diff != "" {
				t.Errorf("ListAuditEvents(%+v) ids (-want +got):\n%s", tc.f, diff)
			}
		})
	}

	got, err := s.ListAuditEvents(t.Context(), store.AuditFilter{}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{id(5), id(4)}, auditIDs(got)); diff != "" {
		t.Errorf("ListAuditEvents(limit 2) ids (-want +got):\n%s", diff)
	}
}

func TestDeleteAuditEventsBefore(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	var evs []store.AuditEvent
	for i := range 5 {
		evs = append(evs, store.AuditEvent{At: at(i), ActorType: "anonymous", Action: "auth.sign_in", Result: "ok"})
	}
	evs = seedAuditEvents(t, s, evs)

	// Four are older than minute 4; a limit of 3 takes the oldest three.
	n, err := s.DeleteAuditEventsBefore(t.Context(), at(4), 3)
	if err != nil || n != 3 {
		t.Fatalf("DeleteAuditEventsBefore(limit 3) = %d, %v; want 3, nil", n, err)
	}
	n, err = s.DeleteAuditEventsBefore(t.Context(), at(4), 3)
	if err != nil || n != 1 {
		t.Fatalf("DeleteAuditEventsBefore(again) = %d, %v; want 1, nil", n, err)
	}
	got, err := s.ListAuditEvents(t.Context(), store.AuditFilter{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{evs[4].ID}, auditIDs(got)); diff != "" {
		t.Errorf("events left (-want +got):\n%s", diff)
	}
}
