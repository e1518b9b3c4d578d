package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"headway/api"
	"headway/backend/auth"
	"headway/backend/config"
	"headway/backend/headscale/hstest"
	"headway/backend/rbac"
)

// preAuthKeysOf is GET /preauthkeys?query as c; it fails the test unless the answer is 200.
func preAuthKeysOf(t *testing.T, c caller, query string) []api.PreAuthKey {
	t.Helper()
	r := c.call(http.MethodGet, "/preauthkeys?"+query, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /preauthkeys?%s = %d %s, want 200", query, r.StatusCode, r.body)
	}
	return decodeReply[api.PreAuthKeyList](t, r).PreAuthKeys
}

// keyIDs lists the ids of keys, sorted.
func keyIDs(ks []api.PreAuthKey) []string {
	out := make([]string, 0, len(ks))
	for _, k := range ks {
		out = append(out, k.Id)
	}
	slices.Sort(out)
	return out
}

func ids(v ...string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return out
}

// createPreAuthKey is POST /preauthkeys as c; it fails the test unless the answer is 201.
func createPreAuthKey(t *testing.T, c caller, what string, body api.CreatePreAuthKey) api.PreAuthKey {
	t.Helper()
	r := c.call(http.MethodPost, "/preauthkeys", body)
	if got, code := status(t, r); got != http.StatusCreated {
		t.Fatalf("POST /preauthkeys (%s) = %d %q, want 201\n%.300s", what, got, code, r.body)
	}
	k := decodeReply[api.PreAuthKey](t, r)
	if !strings.HasPrefix(k.Key, "hskey-auth-") || strings.Contains(k.Key, "*") || len(k.Key) < 40 {
		t.Errorf("POST /preauthkeys (%s) key = %q, want the whole key", what, k.Key)
	}
	return k
}

// TestPreAuthKeys creates, lists, filters and expires pre-auth keys over
// HTTP, as an owner, a script and viewers holding only generate_own_authkeys.
func TestPreAuthKeys(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	veraHS := hs.CreateUser(t, "vera-hs")
	ottoHS := hs.CreateUser(t, "otto-hs")
	setPolicy(t, hs, `{"tagOwners": {"tag:server": ["vera-hs@"], "tag:ci": ["otto-hs@"]}, "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}`)
	h, p := iamSite(t, nil, withHeadscale(hs))
	script := newScript(t, h, hs.APIKey)
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()
	vera := newPerson(t, h, p, userOf("vera"))
	vera.signIn()
	setRole(t, h, vera.id, rbac.Viewer)
	walt := newPerson(t, h, p, userOf("walt")) // a viewer without a Headscale user
	walt.signIn()
	setRole(t, h, walt.id, rbac.Viewer)
	expect(t, "PUT /console-users/vera/link", owner.call(http.MethodPut, "/console-users/"+vera.id+"/link", api.LinkRequest{HeadscaleUserId: veraHS}), http.StatusOK, "")

	exp := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	var secrets []string

	// An owner: a tagged, reusable key for vera-hs.
	tagged := createPreAuthKey(t, owner, "owner, tagged reusable for vera-hs", api.CreatePreAuthKey{
		User: &veraHS, AclTags: &[]string{"tag:server"}, Reusable: ptr(true), Expiration: exp})
	if tagged.User == nil || tagged.User.Id != veraHS || tagged.User.Name != "vera-hs" || !slices.Equal(tagged.AclTags, []string{"tag:server"}) ||
		!tagged.Reusable || tagged.Ephemeral || tagged.TagOnly || tagged.Expired || tagged.Expiration == nil || !tagged.Expiration.Equal(exp) {
		t.Errorf("tagged key = %+v (user %+v), want vera-hs's reusable key tagged tag:server expiring %v", tagged, tagged.User, exp)
	}
	// A script (API-key session): an ephemeral key for otto-hs, and a tag-only key.
	ephemeral := createPreAuthKey(t, script, "script, ephemeral for otto-hs", api.CreatePreAuthKey{User: &ottoHS, Ephemeral: ptr(true), Expiration: exp})
	if !ephemeral.Ephemeral || ephemeral.Reusable || ephemeral.User == nil || ephemeral.User.Id != ottoHS {
		t.Errorf("ephemeral key = %+v, want otto-hs's single-use ephemeral key", ephemeral)
	}
	tagOnly := createPreAuthKey(t, script, "script, tag-only", api.CreatePreAuthKey{AclTags: &[]string{"tag:ci"}, Expiration: exp})
	if !tagOnly.TagOnly || tagOnly.User != nil || !slices.Equal(tagOnly.AclTags, []string{"tag:ci"}) {
		t.Errorf("tag-only key = %+v, want a tag-only key tagged tag:ci", tagOnly)
	}
	secrets = append(secrets, tagged.Key, ephemeral.Key, tagOnly.Key)

	t.Run("listed masked", func(t *testing.T) {
		all := preAuthKeysOf(t, owner, "")
		if got, want := keyIDs(all), ids(tagged.Id, ephemeral.Id, tagOnly.Id); !slices.Equal(got, want) {
			t.Fatalf("GET /preauthkeys ids = %v, want %v", got, want)
		}
		full := map[string]string{tagged.Id: tagged.Key, ephemeral.Id: ephemeral.Key, tagOnly.Id: tagOnly.Key}
		for _, k := range all {
			if k.Key == full[k.Id] || !strings.Contains(k.Key, "***") {
				t.Errorf("GET /preauthkeys key %s = %q, want it masked", k.Id, k.Key)
			}
			// The mask keeps the key's public prefix, so it can be told apart.
			if prefix, _, _ := strings.Cut(k.Key, "***"); !strings.HasPrefix(full[k.Id], strings.TrimSuffix(prefix, "-")) {
				t.Errorf("GET /preauthkeys key %s = %q, not a mask of the created key", k.Id, k.Key)
			}
		}
	})

	t.Run("filters", func(t *testing.T) {
		tests := []struct {
			query string
			want  []string
		}{
			{"user=" + url.QueryEscape(veraHS), ids(tagged.Id)},
			{"user=" + url.QueryEscape(ottoHS), ids(ephemeral.Id)},
			{"reusable=true", ids(tagged.Id)},
			{"reusable=false", ids(ephemeral.Id, tagOnly.Id)},
			{"ephemeral=true", ids(ephemeral.Id)},
			{"tagOnly=true", ids(tagOnly.Id)},
			{"state=active", ids(tagged.Id, ephemeral.Id, tagOnly.Id)},
			{"state=expired", ids()},
			{"state=active&reusable=false&user=" + url.QueryEscape(ottoHS), ids(ephemeral.Id)},
		}
		for _, tc := range tests {
			if got := keyIDs(preAuthKeysOf(t, script, tc.query)); !slices.Equal(got, tc.want) {
				t.Errorf("GET /preauthkeys?%s ids = %v, want %v", tc.query, got, tc.want)
			}
		}
		expect(t, "GET /preauthkeys?state=bogus", script.call(http.MethodGet, "/preauthkeys?state=bogus", nil), http.StatusBadRequest, "invalid_parameter")
	})

	t.Run("expire", func(t *testing.T) {
		expect(t, "POST /preauthkeys/{ephemeral}/expire", owner.call(http.MethodPost, "/preauthkeys/"+ephemeral.Id+"/expire", nil), http.StatusNoContent, "")
		if got := keyIDs(preAuthKeysOf(t, owner, "state=expired")); !slices.Equal(got, ids(ephemeral.Id)) {
			t.Errorf("GET /preauthkeys?state=expired after expiring %s = %v, want just it", ephemeral.Id, got)
		}
		if got := keyIDs(preAuthKeysOf(t, owner, "state=active")); !slices.Equal(got, ids(tagged.Id, tagOnly.Id)) {
			t.Errorf("GET /preauthkeys?state=active after expiring %s = %v, want the other two", ephemeral.Id, got)
		}
		for _, k := range preAuthKeysOf(t, owner, "user="+url.QueryEscape(ottoHS)) {
			if !k.Expired || k.Expiration == nil || k.Expiration.After(time.Now()) {
				t.Errorf("expired key = expired %v expiration %v, want expired now", k.Expired, k.Expiration)
			}
		}
		expect(t, "POST /preauthkeys/999999/expire", owner.call(http.MethodPost, "/preauthkeys/999999/expire", nil), http.StatusNotFound, "preauthkey_not_found")
	})

	t.Run("own keys only", func(t *testing.T) {
		own := createPreAuthKey(t, vera, "viewer, for her own user", api.CreatePreAuthKey{User: &veraHS, Expiration: exp})
		secrets = append(secrets, own.Key)
		if own.User == nil || own.User.Id != veraHS {
			t.Errorf("viewer's own key = %+v, want a key of vera-hs", own)
		}
		expect(t, "POST /preauthkeys for otto-hs as viewer vera", vera.call(http.MethodPost, "/preauthkeys", api.CreatePreAuthKey{User: &ottoHS, Expiration: exp}), http.StatusForbidden, "forbidden")
		expect(t, "POST /preauthkeys tag-only as viewer vera", vera.call(http.MethodPost, "/preauthkeys", api.CreatePreAuthKey{AclTags: &[]string{"tag:server"}, Expiration: exp}), http.StatusForbidden, "forbidden")
		expect(t, "POST /preauthkeys/{otto's}/expire as viewer vera", vera.call(http.MethodPost, "/preauthkeys/"+ephemeral.Id+"/expire", nil), http.StatusForbidden, "forbidden")

		r := walt.call(http.MethodPost, "/preauthkeys", api.CreatePreAuthKey{User: &veraHS, Expiration: exp})
		expect(t, "POST /preauthkeys as unlinked viewer walt", r, http.StatusConflict, "not_linked")
		if e := decodeReply[api.Error](t, r).Error; !strings.Contains(e.Message, "not linked to a Headscale user") {
			t.Errorf("not_linked message = %q, want it to say the account is not linked to a Headscale user", e.Message)
		}
		if got := preAuthKeysOf(t, walt, ""); len(got) != 0 {
			t.Errorf("GET /preauthkeys as unlinked viewer = %v, want none", keyIDs(got))
		}

		mine := preAuthKeysOf(t, vera, "")
		if got, want := keyIDs(mine), ids(tagged.Id, own.Id); !slices.Equal(got, want) {
			t.Errorf("GET /preauthkeys as viewer vera = %v, want only vera-hs's keys %v", got, want)
		}
		for _, k := range mine {
			if k.User == nil || k.User.Id != veraHS || !strings.Contains(k.Key, "***") {
				t.Errorf("viewer vera lists key %+v, want vera-hs's keys, masked", k)
			}
		}
		// Asking for someone else's keys by filter does not widen the list.
		if got := preAuthKeysOf(t, vera, "user="+url.QueryEscape(ottoHS)); len(got) != 0 {
			t.Errorf("GET /preauthkeys?user=otto-hs as viewer vera = %v, want none", keyIDs(got))
		}
	})

	h.assertLogFree(secrets...)
}

// apiKeysOf is GET /apikeys as c, by prefix; it fails the test unless the answer is 200.
func apiKeysOf(t *testing.T, c caller) map[string]api.APIKey {
	t.Helper()
	r := c.call(http.MethodGet, "/apikeys", nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /apikeys = %d %s, want 200", r.StatusCode, r.body)
	}
	out := map[string]api.APIKey{}
	for _, k := range decodeReply[api.APIKeyList](t, r).ApiKeys {
		out[k.Prefix] = k
	}
	return out
}

// listedPrefix finds the listed prefix of key among the listed keys.
func listedPrefix(t *testing.T, listed map[string]api.APIKey, key string) (string, bool) {
	t.Helper()
	stored, err := auth.ParseAPIKeyPrefix(key)
	if err != nil {
		t.Fatalf("ParseAPIKeyPrefix(%.16s…): %v", key, err)
	}
	for p := range listed {
		if strings.Contains(p, stored) {
			return p, true
		}
	}
	return "", false
}

// TestAPIKeys manages Headscale API keys over HTTP: created and shown once,
// listed by prefix, expired, deleted; Headway's own key is protected; a
// viewer is refused; /info warns before Headway's key expires.
func TestAPIKeys(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	h, p := iamSite(t, nil, withHeadscale(hs))
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()
	viewer := newPerson(t, h, p, userOf("vic"))
	viewer.signIn()
	setRole(t, h, viewer.id, rbac.Viewer)
	script := newScript(t, h, hs.APIKey)
	var secrets []string

	t.Run("expiration required", func(t *testing.T) {
		expect(t, "POST /apikeys without expiration", owner.call(http.MethodPost, "/apikeys", map[string]any{}), http.StatusBadRequest, "expiration_invalid")
		expect(t, "POST /apikeys expiring in the past", owner.call(http.MethodPost, "/apikeys", api.CreateAPIKey{Expiration: time.Now().Add(-time.Hour)}), http.StatusBadRequest, "expiration_invalid")
	})

	for _, c := range []struct {
		name string
		who  caller
	}{{"owner", owner}, {"api key session", script}} {
		t.Run("lifecycle as "+c.name, func(t *testing.T) {
			exp := time.Now().Add(48 * time.Hour).Truncate(time.Second)
			r := c.who.call(http.MethodPost, "/apikeys", api.CreateAPIKey{Expiration: exp})
			expect(t, "POST /apikeys", r, http.StatusCreated, "")
			created := decodeReply[api.NewAPIKey](t, r)
			if !strings.HasPrefix(created.ApiKey, "hskey-api-") || !created.Expiration.Equal(exp) {
				t.Fatalf("POST /apikeys = %.14s… expiring %v, want a whole key expiring %v", created.ApiKey, created.Expiration, exp)
			}
			secrets = append(secrets, created.ApiKey)

			listed := apiKeysOf(t, c.who)
			prefix, ok := listedPrefix(t, listed, created.ApiKey)
			if !ok {
				t.Fatalf("GET /apikeys = %v, want the new key listed", listed)
			}
			k := listed[prefix]
			if strings.Contains(prefix, created.ApiKey[22:]) || k.UsedByHeadway || k.Expired || k.Expiration == nil || !k.Expiration.Equal(exp) {
				t.Errorf("listed new key = %+v, want its prefix only, not used by Headway, expiring %v", k, exp)
			}

			expect(t, "POST /apikeys/{prefix}/expire", c.who.call(http.MethodPost, "/apikeys/"+url.PathEscape(prefix)+"/expire", nil), http.StatusNoContent, "")
			if k := apiKeysOf(t, c.who)[prefix]; !k.Expired {
				t.Errorf("after expiring, listed key = %+v, want expired", k)
			}
			expect(t, "DELETE /apikeys/{prefix}", c.who.call(http.MethodDelete, "/apikeys/"+url.PathEscape(prefix), nil), http.StatusNoContent, "")
			if _, ok := apiKeysOf(t, c.who)[prefix]; ok {
				t.Errorf("after deleting, GET /apikeys still lists %s", prefix)
			}
			expect(t, "DELETE /apikeys/{prefix} again", c.who.call(http.MethodDelete, "/apikeys/"+url.PathEscape(prefix), nil), http.StatusNotFound, "apikey_not_found")
		})
	}

	t.Run("Headway's own key", func(t *testing.T) {
		listed := apiKeysOf(t, owner)
		own, ok := listedPrefix(t, listed, hs.APIKey)
		if !ok || !listed[own].UsedByHeadway {
			t.Fatalf("GET /apikeys = %v, want Headway's own key listed as usedByHeadway", listed)
		}
		for p, k := range listed {
			if p != own && k.UsedByHeadway {
				t.Errorf("GET /apikeys: %s is usedByHeadway too", p)
			}
		}
		expect(t, "POST /apikeys/{own}/expire", owner.call(http.MethodPost, "/apikeys/"+url.PathEscape(own)+"/expire", nil), http.StatusConflict, "own_api_key")
		expect(t, "DELETE /apikeys/{own}", script.call(http.MethodDelete, "/apikeys/"+url.PathEscape(own), nil), http.StatusConflict, "own_api_key")
		if k := apiKeysOf(t, owner)[own]; k.Expired {
			t.Errorf("Headway's own key = %+v after the refusals, want it unexpired", k)
		}
	})

	t.Run("viewer refused", func(t *testing.T) {
		expect(t, "GET /apikeys as viewer", viewer.call(http.MethodGet, "/apikeys", nil), http.StatusForbidden, "forbidden")
		expect(t, "POST /apikeys as viewer", viewer.call(http.MethodPost, "/apikeys", api.CreateAPIKey{Expiration: time.Now().Add(time.Hour)}), http.StatusForbidden, "forbidden")
		expect(t, "DELETE /apikeys/x as viewer", viewer.call(http.MethodDelete, "/apikeys/hskey-api-AAAAAAAAAAAA-***", nil), http.StatusForbidden, "forbidden")
	})

	t.Run("info", func(t *testing.T) {
		if info := infoOf(t, h); info.ApiKeyExpiresAt == nil || info.ApiKeyExpiresSoon == nil || *info.ApiKeyExpiresSoon {
			t.Errorf("/info headscale = %+v, want apiKeyExpiresAt (999 days ahead) and not expiring soon", info)
		}

		// A site whose key expires in 10 days warns.
		soon := newHeadway(t, withHeadscale(hs))
		key := createKey(t, hs, "240h")
		soon.Cfg.Headscale.APIKey = config.Secret(key)
		soon.start()
		hsInfo := infoOf(t, soon)
		if hsInfo.ApiKeyExpiresAt == nil || hsInfo.ApiKeyExpiresSoon == nil || !*hsInfo.ApiKeyExpiresSoon {
			t.Fatalf("/info headscale with a 10-day key = %+v, want apiKeyExpiresSoon", hsInfo)
		}
		if d := time.Until(*hsInfo.ApiKeyExpiresAt); d < 239*time.Hour || d > 241*time.Hour {
			t.Errorf("/info apiKeyExpiresAt = %v, about %v ahead, want 240h", *hsInfo.ApiKeyExpiresAt, d)
		}
		soon.assertLogFree(key)
	})

	h.assertLogFree(secrets...)
}
