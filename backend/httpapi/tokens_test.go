package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"headway/api"
	"headway/backend/headscale/hstest"
	"headway/backend/rbac"
)

// createToken makes u create a token and returns the answer.
func (u *person) createToken(name string, role api.Role, ttl time.Duration) api.NewToken {
	u.t.Helper()
	r := u.call(http.MethodPost, "/tokens", api.CreateToken{Name: name, Role: role, ExpiresAt: time.Now().Add(ttl)})
	if r.StatusCode != http.StatusCreated {
		u.t.Fatalf("POST /tokens {%s, %s} as %s = %d %s, want 201", name, role, u.sub, r.StatusCode, r.body)
	}
	return decodeReply[api.NewToken](u.t, r)
}

// tokenStates reads a GET /tokens answer: token id → state.
func tokenStates(t *testing.T, r reply) map[string]api.TokenState {
	t.Helper()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s, want 200", r.Request.URL.RequestURI(), r.StatusCode, r.body)
	}
	out := map[string]api.TokenState{}
	for _, tok := range decodeReply[api.TokenList](t, r).Tokens {
		out[tok.Id] = tok.State
	}
	return out
}

// TestAPITokens: a console user creates a token, a script uses it with the
// token's role, people see and revoke their own and admins everyone's, and a
// revoked token stops working at once. Only the token's hash is stored.
func TestAPITokens(t *testing.T) {
	t.Parallel()
	h, p := iamSite(t, nil, withHeadscale(hstest.Start(t)))
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()
	vic := newPerson(t, h, p, userOf("victor"))
	vic.signIn()
	setRole(t, h, vic.id, rbac.Viewer)
	ivan := newPerson(t, h, p, userOf("ivan"))
	ivan.signIn()
	setRole(t, h, ivan.id, rbac.ITAdmin)

	created := owner.createToken("inventory", api.Viewer, 30*24*time.Hour)
	tok := created.Token
	d := created.Details
	if len(tok) != 46 || !strings.HasPrefix(tok, "hw_") || d.Prefix != tok[:11] {
		t.Fatalf("POST /tokens gave a token of %d characters with prefix %q, want hw_ and 43 more, listed by its first 11", len(tok), d.Prefix)
	}
	if d.Name != "inventory" || d.Role != api.Viewer || d.EffectiveRole != api.Viewer || d.State != api.TokenStateActive || d.Owner.Id != owner.id || d.Owner.Role != api.Owner {
		t.Errorf("POST /tokens details = %+v, want an active viewer token named inventory, owned by olivia", d)
	}
	bot := newScript(t, h, tok)

	t.Run("the token acts with its role", func(t *testing.T) {
		r := bot.call(http.MethodGet, "/me", nil)
		expect(t, "GET /me with the token", r, 200, "")
		me := decodeReply[api.Me](t, r)
		if me.Kind != api.MeKindToken || me.TokenName == nil || *me.TokenName != "inventory" || me.User == nil || me.User.Id != owner.id || me.User.Role != api.Viewer {
			t.Errorf("GET /me with the token = %+v, want kind token named inventory, olivia acting as viewer", me)
		}
		if me.CsrfToken != nil || me.Session != nil {
			t.Errorf("GET /me with the token has a CSRF token or a session")
		}
		if diff := cmp.Diff(names(rbac.Viewer.Capabilities()), me.Capabilities); diff != "" {
			t.Errorf("GET /me capabilities with the token (-want +got):\n%s", diff)
		}
		expect(t, "GET /users (read_users) with the token", bot.call(http.MethodGet, "/users", nil), 200, "")
		expect(t, "GET /audit/events (read_audit) with the token", bot.call(http.MethodGet, "/audit/events", nil), 403, "forbidden")
		expect(t, "PATCH /console-users (configure_iam) with the token", bot.call(http.MethodPatch, "/console-users/"+vic.id, api.ConsoleUserUpdate{Role: ptr(api.Member)}), 403, "forbidden")
		expect(t, "POST /tokens with the token", bot.call(http.MethodPost, "/tokens", api.CreateToken{Name: "child", Role: api.Viewer, ExpiresAt: time.Now().Add(time.Hour)}), 403, "token_cannot_create_tokens")
	})

	t.Run("only the hash is stored", func(t *testing.T) {
		conn, err := pgx.Connect(t.Context(), h.DBURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		var hash, row string
		err = conn.QueryRow(t.Context(), `SELECT encode(token_hash, 'hex'), row_to_json(t)::text FROM api_tokens t WHERE id = $1`, d.Id).Scan(&hash, &row)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256([]byte(tok)); hash != hex.EncodeToString(sum[:]) {
			t.Errorf("token_hash = %s, want the SHA-256 of the token", hash)
		}
		secret := tok[len(d.Prefix):] // what the listed prefix does not show
		if strings.Contains(row, secret) {
			t.Errorf("the api_tokens row holds the token: %s", row)
		}
		// Every row of every table, as text.
		rows, err := conn.Query(t.Context(), `SELECT quote_ident(table_name) FROM information_schema.tables
			WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil || len(tables) < 5 {
			t.Fatalf("tables = %v, %v", tables, err)
		}
		for _, table := range tables {
			var dump string
			if err := conn.QueryRow(t.Context(), `SELECT coalesce(string_agg(row_to_json(x)::text, E'\n'), '') FROM `+table+` x`).Scan(&dump); err != nil {
				t.Fatalf("dump %s: %v", table, err)
			}
			if strings.Contains(dump, secret) {
				t.Errorf("table %s holds the token", table)
			}
		}
	})

	t.Run("creation refusals", func(t *testing.T) {
		soon := time.Now().Add(time.Hour)
		tests := []struct {
			name       string
			actor      *person
			body       api.CreateToken
			wantStatus int
			wantCode   string
		}{
			{"role above the creator's", vic, api.CreateToken{Name: "x", Role: api.Admin, ExpiresAt: soon}, 403, "token_role_too_high"},
			{"it_admin asks for network_admin", ivan, api.CreateToken{Name: "x", Role: api.NetworkAdmin, ExpiresAt: soon}, 403, "token_role_too_high"},
			{"expiry beyond auth.token_max_age", owner, api.CreateToken{Name: "x", Role: api.Viewer, ExpiresAt: time.Now().Add(91 * 24 * time.Hour)}, 400, "token_expiry_invalid"},
			{"expiry in the past", owner, api.CreateToken{Name: "x", Role: api.Viewer, ExpiresAt: time.Now().Add(-time.Minute)}, 400, "token_expiry_invalid"},
			{"unknown role", owner, api.CreateToken{Name: "x", Role: "root", ExpiresAt: soon}, 400, "role_invalid"},
			{"empty name", owner, api.CreateToken{Name: " ", Role: api.Viewer, ExpiresAt: soon}, 400, "token_name_invalid"},
		}
		for _, tc := range tests {
			expect(t, "POST /tokens "+tc.name, tc.actor.call(http.MethodPost, "/tokens", tc.body), tc.wantStatus, tc.wantCode)
		}
	})

	vicTok := vic.createToken("vic's", api.Viewer, time.Hour)
	key := newScript(t, h, h.HS.APIKey)

	t.Run("list own and all", func(t *testing.T) {
		mine, vics := d.Id, vicTok.Details.Id
		both := map[string]api.TokenState{mine: api.TokenStateActive, vics: api.TokenStateActive}
		for _, tc := range []struct {
			name string
			r    reply
			want map[string]api.TokenState
		}{
			{"the owner's own", owner.call(http.MethodGet, "/tokens", nil), map[string]api.TokenState{mine: api.TokenStateActive}},
			{"with the owner's token", bot.call(http.MethodGet, "/tokens", nil), map[string]api.TokenState{mine: api.TokenStateActive}},
			{"victor's own", vic.call(http.MethodGet, "/tokens", nil), map[string]api.TokenState{vics: api.TokenStateActive}},
			{"all, as the owner", owner.call(http.MethodGet, "/tokens?all=true", nil), both},
			{"all, as an it_admin", ivan.call(http.MethodGet, "/tokens?all=true", nil), both},
			{"all, with a Headscale API key", key.call(http.MethodGet, "/tokens?all=true", nil), both},
			{"a Headscale API key's own", key.call(http.MethodGet, "/tokens", nil), map[string]api.TokenState{}},
		} {
			if diff := cmp.Diff(tc.want, tokenStates(t, tc.r)); diff != "" {
				t.Errorf("GET /tokens, %s (-want +got):\n%s", tc.name, diff)
			}
		}
		expect(t, "GET /tokens?all=true as a viewer", vic.call(http.MethodGet, "/tokens?all=true", nil), 403, "forbidden")
		expect(t, "GET /tokens?all=true with a viewer token of the owner", bot.call(http.MethodGet, "/tokens?all=true", nil), 403, "forbidden")
		r := owner.call(http.MethodGet, "/tokens?all=true", nil)
		for _, tok := range decodeReply[api.TokenList](t, r).Tokens {
			if tok.Id == vics && (tok.Owner.Id != vic.id || tok.Owner.Email != "victor@example.com" || tok.Owner.Role != api.Viewer) {
				t.Errorf("victor's token lists its owner as %+v, want victor, viewer", tok.Owner)
			}
		}
		if got := decodeReply[api.TokenList](t, r).MaxAgeDays; got != 90 {
			t.Errorf("maxAgeDays = %d, want the default 90", got)
		}
		expect(t, "POST /tokens with a Headscale API key", key.call(http.MethodPost, "/tokens", api.CreateToken{Name: "k", Role: api.Viewer, ExpiresAt: time.Now().Add(time.Hour)}), 403, "console_user_required")
	})

	t.Run("revocation", func(t *testing.T) {
		expect(t, "victor revokes the owner's token", vic.call(http.MethodDelete, "/tokens/"+d.Id, nil), 404, "token_not_found")
		expect(t, "victor revokes an unknown token", vic.call(http.MethodDelete, "/tokens/999999", nil), 404, "token_not_found")
		expect(t, "the owner's token after victor's attempt", bot.call(http.MethodGet, "/me", nil), 200, "")

		expect(t, "the owner revokes her token", owner.call(http.MethodDelete, "/tokens/"+d.Id, nil), 204, "")
		r := bot.call(http.MethodGet, "/me", nil)
		expect(t, "GET /me with the revoked token", r, 401, "token_invalid")
		if e := decodeReply[api.Error](t, r).Error; hintOf(e) == "" || strings.Contains(string(r.body), tok) {
			t.Errorf("token_invalid = %+v, want a hint and not the token", e)
		}
		if got := tokenStates(t, owner.call(http.MethodGet, "/tokens", nil))[d.Id]; got != api.TokenStateRevoked {
			t.Errorf("the revoked token is listed as %q, want revoked", got)
		}

		vicBot := newScript(t, h, vicTok.Token)
		expect(t, "victor's token", vicBot.call(http.MethodGet, "/users", nil), 200, "")
		expect(t, "an it_admin revokes victor's token", ivan.call(http.MethodDelete, "/tokens/"+vicTok.Details.Id, nil), 204, "")
		expect(t, "victor's revoked token", vicBot.call(http.MethodGet, "/users", nil), 401, "token_invalid")

		unknown := newScript(t, h, "hw_"+strings.Repeat("A", 43))
		expect(t, "an unknown token", unknown.call(http.MethodGet, "/me", nil), 401, "token_invalid")
	})

	t.Run("audited by prefix", func(t *testing.T) {
		r := owner.call(http.MethodGet, "/audit/events?targetType=token&targetId="+d.Id, nil)
		expect(t, "GET /audit/events about the owner's token", r, 200, "")
		var got []string
		for _, ev := range decodeReply[api.AuditEventPage](t, r).Events {
			got = append(got, ev.Action+" "+string(ev.Result))
			if ev.Result != api.Ok {
				continue
			}
			if ev.After == nil || (*ev.After)["prefix"] != d.Prefix || (*ev.After)["ownerId"] != owner.id {
				t.Errorf("%s event records after = %v, want the token's prefix and owner", ev.Action, ev.After)
			}
		}
		// Newest first; victor's attempt failed with token_not_found.
		if diff := cmp.Diff([]string{"token.revoke ok", "token.revoke failed", "token.create ok"}, got); diff != "" {
			t.Errorf("audit events about the owner's token (-want +got):\n%s", diff)
		}
	})

	h.assertLogFree(tok, vicTok.Token)
}

// TestTokenFollowsItsCreator: a token acts with the lesser of its role and
// its creator's current one, so demoting the creator limits it at once and
// deleting them ends it; an expired token stops working.
func TestTokenFollowsItsCreator(t *testing.T) {
	t.Parallel()
	h, p := iamSite(t, func(h *site) { h.Clock = newFakeClock() })
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()
	ivan := newPerson(t, h, p, userOf("ivan"))
	ivan.signIn()
	setRole(t, h, ivan.id, rbac.ITAdmin)
	mia := newPerson(t, h, p, userOf("mia"))
	mia.signIn()

	created := ivan.createToken("iam-sync", api.ItAdmin, 24*time.Hour)
	bot := newScript(t, h, created.Token)
	actsAs := func(want api.Role) {
		t.Helper()
		r := bot.call(http.MethodGet, "/me", nil)
		expect(t, "GET /me with the token", r, 200, "")
		if me := decodeReply[api.Me](t, r); me.User == nil || me.User.Role != want {
			t.Errorf("GET /me with the token: acts as %v, want %s", me.User, want)
		}
	}
	actsAs(api.ItAdmin)
	expect(t, "PATCH mia {viewer} with the token, no CSRF token", bot.call(http.MethodPatch, "/console-users/"+mia.id, api.ConsoleUserUpdate{Role: ptr(api.Viewer)}), 200, "")

	// The owner demotes ivan: the same write is refused at once.
	expect(t, "the owner demotes ivan to viewer", owner.call(http.MethodPatch, "/console-users/"+ivan.id, api.ConsoleUserUpdate{Role: ptr(api.Viewer)}), 200, "")
	actsAs(api.Viewer)
	expect(t, "PATCH mia {member} with the demoted creator's token", bot.call(http.MethodPatch, "/console-users/"+mia.id, api.ConsoleUserUpdate{Role: ptr(api.Member)}), 403, "forbidden")
	r := ivan.call(http.MethodGet, "/tokens", nil)
	expect(t, "GET /tokens as ivan", r, 200, "")
	if list := decodeReply[api.TokenList](t, r).Tokens; len(list) != 1 || list[0].Role != api.ItAdmin || list[0].EffectiveRole != api.Viewer {
		t.Errorf("ivan's tokens after his demotion = %+v, want one it_admin token acting as viewer", list)
	}

	// Promoted above the token's role, ivan's token still acts as it_admin only.
	expect(t, "the owner promotes ivan to admin", owner.call(http.MethodPatch, "/console-users/"+ivan.id, api.ConsoleUserUpdate{Role: ptr(api.Admin)}), 200, "")
	actsAs(api.ItAdmin)
	expect(t, "PUT /policy (write_policy: ivan's, not the token's) with the token", bot.call(http.MethodPut, "/policy", map[string]any{"policy": "{}"}), 403, "forbidden")

	// Expiry.
	short := ivan.createToken("short", api.Viewer, time.Hour)
	shortBot := newScript(t, h, short.Token)
	expect(t, "the short token at once", shortBot.call(http.MethodGet, "/me", nil), 200, "")
	h.Clock.Advance(time.Hour + time.Minute)
	expect(t, "the short token after an hour", shortBot.call(http.MethodGet, "/me", nil), 401, "token_invalid")
	if got := tokenStates(t, ivan.call(http.MethodGet, "/tokens", nil))[short.Details.Id]; got != api.TokenStateExpired {
		t.Errorf("the short token is listed as %q after an hour, want expired", got)
	}
	actsAs(api.ItAdmin)

	// Deleting the creator ends the token.
	expect(t, "the owner deletes ivan", owner.call(http.MethodDelete, "/console-users/"+ivan.id, nil), 204, "")
	expect(t, "GET /me with the deleted creator's token", bot.call(http.MethodGet, "/me", nil), 401, "token_invalid")
	h.assertLogFree(created.Token, short.Token)
}
