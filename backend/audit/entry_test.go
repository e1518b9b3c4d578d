package audit

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"headway/backend/store"
)

func TestUnifiedDiff(t *testing.T) {
	t.Parallel()
	before := "{\n  \"acls\": [],\n  \"groups\": {}\n}\n"
	after := "{\n  \"acls\": [{\"action\": \"accept\"}],\n  \"groups\": {}\n}\n"
	want := `--- a/policy.hujson
+++ b/policy.hujson
@@ -1,4 +1,4 @@
 {
-  "acls": [],
+  "acls": [{"action": "accept"}],
   "groups": {}
 }
`
	if got := UnifiedDiff("policy.hujson", before, after); got != want {
		t.Errorf("UnifiedDiff() =\n%s\nwant\n%s", got, want)
	}
	if got := UnifiedDiff("policy.hujson", before, before); got != "" {
		t.Errorf("UnifiedDiff(same, same) = %q, want \"\"", got)
	}
	// Without a final newline the diff still has one line per line.
	if got, want := UnifiedDiff("x", "a", "b"), "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"; got != want {
		t.Errorf("UnifiedDiff(a, b) = %q, want %q", got, want)
	}
	// From nothing: every line is new.
	if got := UnifiedDiff("dns.yaml", "", "a: 1\n"); !strings.Contains(got, "+a: 1") {
		t.Errorf("UnifiedDiff(\"\", text) = %q, want the line added", got)
	}
}

func TestSettersWithoutEntryDoNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Services call these whether or not the operation is audited (a GET, a test).
	SetActor(ctx, Actor{Type: ActorUser, Name: "x"})
	SetTarget(ctx, "machine", "1")
	SetChange(ctx, map[string]any{"a": 1}, nil)
	SetDiff(ctx, "x", "a", "b")
	if From(ctx) != nil {
		t.Fatal("From(background) is not nil")
	}
}

func TestEntryCollectsTheEvent(t *testing.T) {
	t.Parallel()
	ctx, e := Begin(context.Background(), "machine.rename", "machine", "7", "req-1", "192.0.2.1")
	if From(ctx) != e {
		t.Fatal("From(ctx) is not the entry Begin returned")
	}
	SetActor(ctx, Actor{Type: ActorUser, Name: "alice@example.com", UserID: 3, Role: "admin"})
	SetChange(ctx, map[string]any{"givenName": "old"}, map[string]any{"givenName": "new"})
	SetTarget(ctx, "", "8") // keeps the declared type
	got := e.event(Failed, "machine_name_taken", at)
	want := store.AuditEvent{
		At: at, ActorType: ActorUser, ActorName: "alice@example.com", ActorUserID: 3, ActorRole: "admin",
		Action: "machine.rename", TargetType: "machine", TargetID: "8",
		Before: json.RawMessage(`{"givenName":"old"}`), After: json.RawMessage(`{"givenName":"new"}`),
		Result: "failed", ErrorCode: "machine_name_taken", RequestID: "req-1", ClientIP: "192.0.2.1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	// A creation has no before; nil stays NULL rather than "null".
	SetChange(ctx, nil, map[string]any{"name": "n"})
	if got := e.event(OK, "", at); got.Before != nil {
		t.Errorf("Before after SetChange(nil, …) = %s, want nil", got.Before)
	}
}

func TestMask(t *testing.T) {
	t.Parallel()
	newKey := "hskey-api-AbCdEfGhIjKl-" + strings.Repeat("s", 64)
	authKey := "hskey-auth-AbCdEfGhIjKl-" + strings.Repeat("s", 64)
	legacy := "AbCdEfG." + strings.Repeat("s", 32)
	token := "hw_AbCdEfGh" + strings.Repeat("s", 35)
	tests := []struct{ in, want string }{
		{newKey, "hskey-api-AbCdEfGhIjKl-***"},
		{authKey, "hskey-auth-AbCdEfGhIjKl-***"},
		{legacy, "AbCdEfG***"},
		{token, "hw_AbCdEfGh***"},
		{"key " + newKey + " in text", "key hskey-api-AbCdEfGhIjKl-*** in text"},
		// Listed prefixes, ids and names stay as they are.
		{"hskey-api-AbCdEfGhIjKl-***", "hskey-api-AbCdEfGhIjKl-***"},
		{"AbCdEfG***", "AbCdEfG***"},
		{"hskey-authreq-AAAAAAAAAAAAAAAAAAAAAAAA", "hskey-authreq-AAAAAAAAAAAAAAAAAAAAAAAA"},
		{"deploy-bot", "deploy-bot"},
		{"alice@example.com", "alice@example.com"},
		{"42", "42"},
	}
	for _, tc := range tests {
		if got := Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%.30q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Begin, SetTarget and SetActor mask what they are given.
	ctx, e := Begin(context.Background(), "apikey.delete", "apikey", newKey, "", "")
	SetActor(ctx, Actor{Type: ActorAnonymous, Name: legacy})
	ev := e.event(OK, "", at)
	if strings.Contains(ev.TargetID, "sss") || strings.Contains(ev.ActorName, "sss") {
		t.Errorf("the entry kept a secret: target %q, actor %q", ev.TargetID, ev.ActorName)
	}
	SetTarget(ctx, "", token)
	if ev := e.event(OK, "", at); ev.TargetID != "hw_AbCdEfGh***" {
		t.Errorf("SetTarget(token) recorded %q", ev.TargetID)
	}
}
