package httpapi

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"headway/api"
	"headway/backend/devidp"
	"headway/backend/rbac"
	"headway/backend/store"
)

// TestAuditTrail walks every change the contract offers, successfully, then
// checks the trail it left: sign-in attempts, no secret anywhere, the diffs,
// filters, pages, both exports, refusals and who may read it.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	env := newAuditEnv(t)
	env.walk()
	if t.Failed() {
		t.FailNow()
	}
	env.signInAttempts()
	// The owner handed ownership to vic at the end of the walk; as an
	// admin she still reads the trail.
	reader := env.owner
	all := env.events()

	t.Run("no secret in any event", func(t *testing.T) {
		conn, err := pgx.Connect(t.Context(), env.h.DBURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(t.Context())
		rows, err := conn.Query(t.Context(), `SELECT row_to_json(e)::text FROM audit_events e`)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) < 40 {
			t.Fatalf("%d events stored, want one for each step of the walk and more", len(stored))
		}
		if len(env.secrets) < 15 {
			t.Fatalf("only %d secrets collected; the walk should have seen more", len(env.secrets))
		}
		for _, secret := range env.secrets {
			if secret == "" {
				continue
			}
			for _, row := range stored {
				if strings.Contains(row, secret) {
					t.Errorf("an audit event holds the secret %.12s…: %.300s", secret, strings.ReplaceAll(row, secret, "<SECRET>"))
				}
			}
		}
	})

	t.Run("changes", func(t *testing.T) {
		policy := only(t, listAudit(t, reader, "action=policy.update"))
		for _, line := range []string{
			"--- a/policy.hujson", "+++ b/policy.hujson",
			`-    {"action": "accept", "src": ["*"], "dst": ["*:*"]},`,
			`+    {"action": "accept", "src": ["*"], "dst": ["*:22"]},`,
			`   "tagOwners": {"tag:audit": ["audit-hs@"]},`, // context
		} {
			if policy.Diff == nil || !slices.Contains(strings.Split(*policy.Diff, "\n"), line) {
				t.Errorf("policy.update diff lacks the line %q:\n%v", line, deref(policy.Diff))
			}
		}
		dns := only(t, listAudit(t, reader, "action=dns.update"))
		if dns.Diff == nil || !strings.Contains(*dns.Diff, "-  base_domain: ts.corp.example") || !strings.Contains(*dns.Diff, "+  base_domain: audit.test") {
			t.Errorf("dns.update diff = %v, want the base domain's change", deref(dns.Diff))
		}
		records := only(t, listAudit(t, reader, "action=dns.set_extra_records"))
		if records.Diff == nil || !strings.Contains(*records.Diff, `+    "name": "wiki.hs.test",`) {
			t.Errorf("dns.set_extra_records diff = %v, want the new record", deref(records.Diff))
		}
		rename := only(t, listAudit(t, reader, "action=machine.rename"))
		if rename.Before == nil || rename.After == nil || (*rename.After)["givenName"] != "audited" || (*rename.Before)["givenName"] == "audited" {
			t.Errorf("machine.rename before %v after %v, want the given name's change", rename.Before, rename.After)
		}
		role := only(t, listAudit(t, reader, "action=console_user.update"))
		if role.Before == nil || role.After == nil || (*role.Before)["role"] != "member" || (*role.After)["role"] != "viewer" {
			t.Errorf("console_user.update before %v after %v, want member → viewer", role.Before, role.After)
		}
	})

	t.Run("filters", func(t *testing.T) {
		machine := ""
		for _, e := range all {
			if e.Action == "machine.register" {
				machine = e.TargetID
			}
		}
		mid := all[len(all)/2].At
		since, until := all[len(all)*3/4].At, mid
		tests := []struct {
			query string
			match func(store.AuditEvent) bool
		}{
			{"actor=olivia@example.com", func(e store.AuditEvent) bool { return e.ActorName == "olivia@example.com" }},
			{"actor=" + env.lena.id, func(e store.AuditEvent) bool { return strconv.FormatInt(e.ActorUserID, 10) == env.lena.id }},
			{"actor=audit-token", func(e store.AuditEvent) bool { return e.ActorType == "token" }},
			{"action=machine.rename", func(e store.AuditEvent) bool { return e.Action == "machine.rename" }},
			{"action=machine.", func(e store.AuditEvent) bool { return strings.HasPrefix(e.Action, "machine.") }},
			{"targetType=machine&targetId=" + machine, func(e store.AuditEvent) bool { return e.TargetType == "machine" && e.TargetID == machine }},
			{"result=denied", func(e store.AuditEvent) bool { return e.Result == "denied" }},
			{"result=failed", func(e store.AuditEvent) bool { return e.Result == "failed" }},
			{"since=" + stamp(since) + "&until=" + stamp(until), func(e store.AuditEvent) bool { return !e.At.Before(since) && e.At.Before(until) }},
			{"action=auth.&result=ok", func(e store.AuditEvent) bool { return strings.HasPrefix(e.Action, "auth.") && e.Result == "ok" }},
		}
		for _, tc := range tests {
			var want []string
			for _, e := range all {
				if tc.match(e) {
					want = append(want, strconv.FormatInt(e.ID, 10))
				}
			}
			if len(want) == 0 {
				t.Errorf("%s: the walk left no event to match; the case tests nothing", tc.query)
			}
			if diff := cmp.Diff(want, auditIDsOf(listAudit(t, reader, tc.query+"&limit=500"))); diff != "" {
				t.Errorf("GET /audit/events?%s ids (-want +got):\n%s", tc.query, diff)
			}
		}
	})

	var listed []api.AuditEvent
	t.Run("pages", func(t *testing.T) {
		cursor, pages := "", 0
		for {
			q := "limit=7"
			if cursor != "" {
				q += "&cursor=" + url.QueryEscape(cursor)
			}
			page := auditPage(t, reader, q)
			pages++
			listed = append(listed, page.Events...)
			if page.NextCursor == nil {
				break
			}
			if len(page.Events) != 7 {
				t.Fatalf("page %d has %d events and a next cursor, want 7", pages, len(page.Events))
			}
			cursor = *page.NextCursor
		}
		var want []string
		for _, e := range all {
			want = append(want, strconv.FormatInt(e.ID, 10))
		}
		if diff := cmp.Diff(want, auditIDsOf(listed)); diff != "" {
			t.Errorf("ids over %d pages of 7 (-want +got):\n%s", pages, diff)
		}
	})

	t.Run("ndjson export", func(t *testing.T) {
		r := reader.call(http.MethodGet, "/audit/events/export", nil)
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/x-ndjson" ||
			!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("GET /audit/events/export = %d %q %q, want 200 application/x-ndjson as an attachment",
				r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
		}
		var exported []api.AuditEvent
		sc := bufio.NewScanner(bytes.NewReader(r.body))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var e api.AuditEvent
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("line %d is not an event: %v\n%s", len(exported)+1, err, sc.Bytes())
			}
			exported = append(exported, e)
		}
		if diff := cmp.Diff(listed, exported); diff != "" {
			t.Errorf("NDJSON export differs from the listed pages (-list +export):\n%s", diff)
		}
		filtered := reader.call(http.MethodGet, "/audit/events/export?format=ndjson&action=policy.&result=ok", nil)
		if lines := strings.Split(strings.TrimSpace(string(filtered.body)), "\n"); len(lines) != 2 {
			t.Errorf("export of action=policy.&result=ok = %d lines, want 2 (the walk's update and check)", len(lines))
		}
		empty := reader.call(http.MethodGet, "/audit/events/export?actor=nobody", nil)
		if empty.StatusCode != http.StatusOK || len(empty.body) != 0 {
			t.Errorf("export matching nothing = %d %q, want 200 and no lines", empty.StatusCode, empty.body)
		}
	})

	t.Run("csv export", func(t *testing.T) {
		r := reader.call(http.MethodGet, "/audit/events/export?format=csv", nil)
		if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("GET /audit/events/export?format=csv = %d %q, want 200 text/csv", r.StatusCode, r.Header.Get("Content-Type"))
		}
		records, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatalf("the CSV export does not parse: %v", err)
		}
		if diff := cmp.Diff(csvHeader, records[0]); diff != "" {
			t.Errorf("CSV header (-want +got):\n%s", diff)
		}
		if got := strings.Count(string(r.body), "\n"); got != len(listed)+1 {
			t.Errorf("CSV export has %d lines, want a header and one line per event (%d)", got, len(listed)+1)
		}
		if len(records)-1 != len(listed) {
			t.Fatalf("CSV export has %d events, want %d", len(records)-1, len(listed))
		}
		col := map[string]int{}
		for i, name := range records[0] {
			col[name] = i
		}
		for i, rec := range records[1:] {
			e := listed[i]
			if rec[col["id"]] != e.Id || rec[col["action"]] != e.Action || rec[col["actorName"]] != e.Actor.Name ||
				rec[col["result"]] != string(e.Result) || rec[col["requestId"]] != e.RequestId || rec[col["targetId"]] != deref(e.TargetId) {
				t.Errorf("CSV row %d = %v, want event %+v", i+1, rec, e)
			}
			if when, err := time.Parse(time.RFC3339Nano, rec[col["time"]]); err != nil || !when.Equal(e.Time) {
				t.Errorf("CSV row %d time %q, want %s", i+1, rec[col["time"]], e.Time)
			}
			if e.Diff != nil {
				var diff string
				if err := json.Unmarshal([]byte(rec[col["diff"]]), &diff); err != nil || diff != *e.Diff {
					t.Errorf("CSV row %d diff %q does not decode to the event's diff: %v", i+1, rec[col["diff"]], err)
				}
			}
			if e.Before != nil {
				var before map[string]any
				if err := json.Unmarshal([]byte(rec[col["before"]]), &before); err != nil || !cmp.Equal(before, *e.Before) {
					t.Errorf("CSV row %d before %q, want %v (%v)", i+1, rec[col["before"]], *e.Before, err)
				}
			}
		}
	})

	t.Run("refusals", func(t *testing.T) {
		for _, tc := range []struct{ path, code string }{
			{"/audit/events?cursor=nonsense", "cursor_invalid"},
			{"/audit/events?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z", "filter_invalid"},
			{"/audit/events?result=maybe", "filter_invalid"},
			{"/audit/events?limit=0", "filter_invalid"},
			{"/audit/events?limit=501", "filter_invalid"},
			{"/audit/events/export?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z", "filter_invalid"},
			{"/audit/events/export?format=xml", "invalid_parameter"},
		} {
			r := reader.call(http.MethodGet, tc.path, nil)
			expect(t, "GET "+tc.path, r, http.StatusBadRequest, tc.code)
			if e := decodeReply[api.Error](t, r); e.Error.Hint == nil || *e.Error.Hint == "" {
				t.Errorf("GET %s: no hint", tc.path)
			}
		}
	})

	t.Run("read_audit", func(t *testing.T) {
		lena := env.lena // a viewer
		for _, path := range []string{"/audit/events", "/audit/events/export"} {
			expect(t, "GET "+path+" as a viewer", lena.call(http.MethodGet, path, nil), http.StatusForbidden, "forbidden")
		}
		setRole(t, env.h, lena.id, rbac.Auditor)
		for _, path := range []string{"/audit/events", "/audit/events/export"} {
			expect(t, "GET "+path+" as an auditor", lena.call(http.MethodGet, path, nil), http.StatusOK, "")
		}
	})
}

// signInAttempts signs in through single sign-on and with API keys, well
// and badly, and checks each attempt's event.
func (env *auditEnv) signInAttempts() {
	t, h := env.t, env.h
	t.Helper()
	check := func(what string, r reply, result, code, actorType, actorName string) {
		t.Helper()
		e := env.eventOf(what, r)
		if e.Action != "auth.sign_in" || e.Result != result || e.ErrorCode != code || e.ActorType != actorType || e.ActorName != actorName {
			t.Errorf("%s: event %s %s %q by %s %q, want auth.sign_in %s %q by %s %q",
				what, e.Action, e.Result, e.ErrorCode, e.ActorType, e.ActorName, result, code, actorType, actorName)
		}
	}

	olivia := newPerson(t, h, env.p, userOf("olivia"))
	r := olivia.b.signIn(h, "/admin/", "olivia")
	check("single sign-on as olivia", r, "ok", "", "user", "olivia@example.com")
	env.keep(olivia.b.issued...)
	if e := env.eventOf("single sign-on as olivia", r); e.TargetType != "session" || e.TargetID == "" || e.ActorRole != "admin" {
		t.Errorf("single sign-on: target %s %q, actor role %q; want the new session, admin", e.TargetType, e.TargetID, e.ActorRole)
	}

	mallory := newPerson(t, h, env.p, devidpUser("mallory", "mallory@evil.test"))
	r = mallory.b.signIn(h, "/admin/", "mallory")
	check("single sign-on from a refused domain", r, "denied", "sign_in_not_allowed", "anonymous", "mallory@evil.test")

	r = newBrowser(t, h).get(h.URL + "/admin/oidc/callback")
	check("a callback without code or state", r, "failed", "oidc_callback_invalid", "anonymous", "")

	unknown := "hskey-api-AAAAAAAAAAAA-" + strings.Repeat("B", 64)
	env.keep(unknown)
	r = newBrowser(t, h).do(http.MethodPost, h.URL+"/admin/api/v1/auth/apikey", api.APIKeySignIn{ApiKey: unknown})
	check("sign-in with an unknown API key", r, "denied", "api_key_unknown", "anonymous", "hskey-api-AAAAAAAAAAAA-***")

	// A bearer key Headscale refuses is turned away at the gate, on any change.
	r = newScript(t, h, unknown).call(http.MethodPost, "/policy/check", api.CheckPolicy{Policy: "{}"})
	e := env.eventOf("a change with an unknown bearer key", r)
	if e.Action != "policy.check" || e.Result != "denied" || e.ErrorCode != "api_key_unknown" {
		t.Errorf("a change with an unknown bearer key: event %s %s %q, want policy.check denied api_key_unknown", e.Action, e.Result, e.ErrorCode)
	}
}

// devidpUser is userOf(sub) with another email address.
func devidpUser(sub, email string) devidp.User {
	u := userOf(sub)
	u.Email = email
	return u
}

// listAudit is GET /audit/events?query as c, failing the test unless 200.
func listAudit(t *testing.T, c caller, query string) []api.AuditEvent {
	t.Helper()
	return auditPage(t, c, query).Events
}

func auditPage(t *testing.T, c caller, query string) api.AuditEventPage {
	t.Helper()
	r := c.call(http.MethodGet, "/audit/events?"+query, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /audit/events?%s = %d %s, want 200", query, r.StatusCode, r.body)
	}
	return decodeReply[api.AuditEventPage](t, r)
}

// only returns the one event of evs, failing the test unless there is one.
func only(t *testing.T, evs []api.AuditEvent) api.AuditEvent {
	t.Helper()
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1: %+v", len(evs), evs)
	}
	return evs[0]
}

func auditIDsOf(evs []api.AuditEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Id)
	}
	return out
}

// stamp writes t for a query parameter.
func stamp(t time.Time) string { return url.QueryEscape(t.UTC().Format(time.RFC3339Nano)) }

func TestCSVCellsAreInert(t *testing.T) {
	t.Parallel()
	row := csvRow(store.AuditEvent{ID: 1, ActorName: "=HYPERLINK(\"http://evil\")", TargetID: "@SUM(A1)", Action: "-x",
		ErrorCode: "+1", RequestID: "\tx", Diff: "-a\n+b\n", Before: json.RawMessage(`{"a": 1}`)})
	for i, cell := range row {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			t.Errorf("column %s = %q starts a formula", csvHeader[i], cell)
		}
	}
	if got := row[len(row)-1]; got != `"-a\n+b\n"` {
		t.Errorf("diff column = %q, want the diff as a JSON string", got)
	}
}
