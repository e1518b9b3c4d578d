package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"headway/api"
	"headway/backend/audit"
	"headway/backend/auth"
	"headway/backend/headscale/hstest"
	"headway/backend/rbac"
	"headway/backend/store"
)

// auditEnv is a Headway with a real Headscale and identity provider, the
// people and scripts the audit tests act as, and every secret they used.
type auditEnv struct {
	t      *testing.T
	h      *site
	hs     *hstest.Server
	p      *idp
	owner  *person // olivia, the owner until the walk transfers ownership
	vic    *person // a viewer; the new owner at the end of the walk
	lena   *person // onboards herself
	script *script // sends the harness's Headscale API key
	hsUser string  // the Headscale user the walk's machines and keys belong to
	// secrets are every key, token, cookie and CSRF token the tests used.
	secrets []string
}

// policyBefore and policyAfter are the ACL policy before and after the
// walk's PUT /policy; the change is one line, and the tag owners let the
// walk tag its machine.
const (
	policyBefore = `{
  "tagOwners": {"tag:audit": ["audit-hs@"]},
  "acls": [
    {"action": "accept", "src": ["*"], "dst": ["*:*"]},
  ],
}
`
	policyAfter = `{
  "tagOwners": {"tag:audit": ["audit-hs@"]},
  "acls": [
    {"action": "accept", "src": ["*"], "dst": ["*:22"]},
  ],
}
`
)

func newAuditEnv(t *testing.T) *auditEnv {
	t.Helper()
	hs := hstest.Start(t)
	dnsConfig := headscaleConfigCopy(t)
	h, p := iamSite(t, func(h *site) {
		h.Cfg.Headscale.ConfigPath = dnsConfig
		h.Cfg.OIDC.AllowedDomains = []string{"example.com"}
	}, withHeadscale(hs))
	env := &auditEnv{t: t, h: h, hs: hs, p: p, script: newScript(t, h, hs.APIKey)}
	env.owner = newPerson(t, h, p, userOf("olivia"))
	env.owner.signIn()
	env.vic = newPerson(t, h, p, userOf("vic"))
	env.vic.signIn()
	env.lena = newPerson(t, h, p, userOf("lena"))
	env.lena.signIn()
	setRole(t, h, env.lena.id, rbac.Viewer) // may create keys for herself
	env.hsUser = hs.CreateUser(t, "audit-hs")
	setPolicy(t, hs, policyBefore)
	h.refresh()
	env.secrets = append(env.secrets, hs.APIKey, testCookieSecret, testClientSecret, env.owner.csrf, env.vic.csrf, env.lena.csrf)
	return env
}

// keep records secrets the walk saw.
func (env *auditEnv) keep(secrets ...string) { env.secrets = append(env.secrets, secrets...) }

// events returns every audit event, newest first.
func (env *auditEnv) events() []store.AuditEvent {
	env.t.Helper()
	evs, err := env.h.DB.ListAuditEvents(context.Background(), store.AuditFilter{}, 100000)
	if err != nil {
		env.t.Fatal(err)
	}
	return evs
}

// eventOf returns the one event carrying r's request id, failing the test
// unless there is exactly one.
func (env *auditEnv) eventOf(what string, r reply) store.AuditEvent {
	env.t.Helper()
	id := r.Header.Get("X-Request-Id")
	var found []store.AuditEvent
	for _, e := range env.events() {
		if id != "" && e.RequestID == id {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		env.t.Fatalf("%s (request %q): %d audit events, want exactly 1", what, id, len(found))
	}
	return found[0]
}

// apiKeyName is how the audit trail names a Headscale API key: its listed prefix.
func apiKeyName(t *testing.T, key string) string {
	t.Helper()
	prefix, err := auth.ParseAPIKeyPrefix(key)
	if err != nil {
		t.Fatal(err)
	}
	return "hskey-api-" + prefix + "-***"
}

// auditStep is one successful call of an operation: run makes it and says
// who the event must name as actor and target.
type auditStep struct {
	op  string // operation id, as api.GetSwagger spells it
	run func() (r reply, actor, target string)
}

// walk calls every operation of the contract that is not a GET once,
// successfully, and checks that each left exactly one event with its
// action, actor, target and result ok. An operation without a step fails
// the test, so a new one cannot slip past.
func (env *auditEnv) walk() {
	t := env.t
	t.Helper()
	steps := env.steps()
	var want []walkOp
	for _, op := range contractOps(t) {
		if op.method != http.MethodGet {
			want = append(want, op)
		}
	}
	byID := map[string]walkOp{}
	for _, op := range want {
		byID[op.id] = op
	}
	done := map[string]bool{}
	for _, s := range steps {
		op, ok := byID[s.op]
		if !ok {
			t.Fatalf("step for %q, which is no operation but a GET in the contract", s.op)
		}
		if done[s.op] {
			t.Fatalf("two steps for %s", s.op)
		}
		done[s.op] = true
		r, actor, target := s.run()
		what := fmt.Sprintf("%s (%s %s)", s.op, op.method, r.Request.URL.Path)
		if r.StatusCode >= 300 {
			t.Fatalf("%s = %d, want a success\n%.400s", what, r.StatusCode, r.body)
		}
		e := env.eventOf(what, r)
		if e.Action != op.action || e.Result != "ok" || e.ErrorCode != "" || e.ActorName != actor || e.TargetID != target {
			t.Errorf("%s: event %s %s %q by %q on %q, want %s ok by %q on %q",
				what, e.Action, e.Result, e.ErrorCode, e.ActorName, e.TargetID, op.action, actor, target)
		}
		if e.TargetType == "" || e.ActorType == audit.ActorAnonymous {
			t.Errorf("%s: event with target type %q, actor type %q", what, e.TargetType, e.ActorType)
		}
	}
	for _, op := range want {
		if !done[op.id] {
			t.Errorf("no step calls %s (%s %s) successfully: add one to auditEnv.steps", op.id, op.method, op.path)
		}
	}
}

// steps are the walk's calls, in an order where each finds what it needs.
func (env *auditEnv) steps() []auditStep {
	t, h, hs := env.t, env.h, env.hs
	owner, vic, lena, script := env.owner, env.vic, env.lena, env.script
	ownerName, scriptName := "olivia@example.com", apiKeyName(t, hs.APIKey)
	var (
		keyBrowser              = newBrowser(t, h)
		keySession, keyCSRF     string
		signInKey               = createKey(t, hs, "1h")
		otherSession            string
		dora                    = newPerson(t, h, env.p, userOf("dora"))
		newUserID               string
		machineID, preAuthKeyID string
		apiKeyPrefix            string
		tokenID, tokenSecret    string
	)
	env.keep(signInKey)
	pending := func(name string) string { return hstest.AddPendingNode(t, hs, "audit-hs", name) }
	return []auditStep{
		{"SignInWithAPIKey", func() (reply, string, string) {
			r := keyBrowser.do(http.MethodPost, h.URL+"/admin/api/v1/auth/apikey", api.APIKeySignIn{ApiKey: signInKey})
			if r.StatusCode == http.StatusOK {
				me := decodeReply[api.Me](t, r)
				keySession, keyCSRF = me.Session.Id, *me.CsrfToken
				env.keep(keyCSRF)
			}
			return r, apiKeyName(t, signInKey), keySession
		}},
		{"SignOut", func() (reply, string, string) {
			return callAPI(keyBrowser, h, keyCSRF, http.MethodPost, "/auth/logout", nil), apiKeyName(t, signInKey), keySession
		}},
		{"RevokeSession", func() (reply, string, string) {
			second := newPerson(t, h, env.p, userOf("olivia"))
			otherSession = second.signIn().Session.Id
			env.keep(second.csrf)
			env.keep(second.b.issued...)
			return owner.call(http.MethodDelete, "/sessions/"+otherSession, nil), ownerName, otherSession
		}},
		{"UpdateConsoleUser", func() (reply, string, string) {
			return owner.call(http.MethodPatch, "/console-users/"+vic.id, api.ConsoleUserUpdate{Role: ptr(api.Viewer)}), ownerName, vic.id
		}},
		{"DeleteConsoleUser", func() (reply, string, string) {
			dora.signIn()
			env.keep(dora.csrf)
			return owner.call(http.MethodDelete, "/console-users/"+dora.id, nil), ownerName, dora.id
		}},
		{"LinkConsoleUser", func() (reply, string, string) {
			return owner.call(http.MethodPut, "/console-users/"+vic.id+"/link", api.LinkRequest{HeadscaleUserId: env.hsUser}), ownerName, vic.id
		}},
		{"UnlinkConsoleUser", func() (reply, string, string) {
			return owner.call(http.MethodDelete, "/console-users/"+vic.id+"/link", nil), ownerName, vic.id
		}},
		{"CreateHeadscaleUser", func() (reply, string, string) {
			r := owner.call(http.MethodPost, "/users", api.CreateHeadscaleUser{Name: "audit-new"})
			if r.StatusCode == http.StatusCreated {
				newUserID = decodeReply[api.HeadscaleUser](t, r).Id
			}
			return r, ownerName, newUserID
		}},
		{"RenameHeadscaleUser", func() (reply, string, string) {
			return owner.call(http.MethodPatch, "/users/"+newUserID, api.RenameHeadscaleUser{Name: "audit-renamed"}), ownerName, newUserID
		}},
		{"DeleteHeadscaleUser", func() (reply, string, string) {
			return owner.call(http.MethodDelete, "/users/"+newUserID, nil), ownerName, newUserID
		}},
		{"LinkSelf", func() (reply, string, string) {
			return lena.call(http.MethodPost, "/onboarding/link", api.LinkRequest{HeadscaleUserId: env.hsUser}), "lena@example.com", lena.id
		}},
		{"CompleteOnboarding", func() (reply, string, string) {
			return lena.call(http.MethodPost, "/onboarding/complete", nil), "lena@example.com", lena.id
		}},
		{"CreateOwnPreAuthKey", func() (reply, string, string) {
			r := lena.call(http.MethodPost, "/onboarding/preauthkey", nil)
			id := ""
			if r.StatusCode == http.StatusCreated {
				env.keep(decodeReply[api.NewPreAuthKey](t, r).Key)
				keys := preAuthKeysOf(t, lena, "user="+env.hsUser)
				if len(keys) != 1 {
					t.Fatalf("lena's pre-auth keys = %v, want the one she created", keyIDs(keys))
				}
				id = keys[0].Id
			}
			return r, "lena@example.com", id
		}},
		{"RegisterMachine", func() (reply, string, string) {
			r := script.call(http.MethodPost, "/machines/register", api.RegisterMachine{User: env.hsUser, RegistrationId: pending("auditbox")})
			if r.StatusCode == http.StatusCreated {
				machineID = decodeReply[api.Machine](t, r).Id
			}
			return r, scriptName, machineID
		}},
		{"ApproveRegistration", func() (reply, string, string) {
			id := pending("approved")
			return script.call(http.MethodPost, "/registrations/"+id+"/approve", nil), scriptName, id
		}},
		{"RejectRegistration", func() (reply, string, string) {
			id := pending("rejected")
			return script.call(http.MethodPost, "/registrations/"+id+"/reject", nil), scriptName, id
		}},
		{"RenameMachine", func() (reply, string, string) {
			return owner.call(http.MethodPost, "/machines/"+machineID+"/rename", api.RenameMachine{Name: "audited"}), ownerName, machineID
		}},
		{"ExpireMachine", func() (reply, string, string) {
			at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
			return owner.call(http.MethodPost, "/machines/"+machineID+"/expire", api.ExpireMachine{Expiry: &at}), ownerName, machineID
		}},
		{"SetMachineRoutes", func() (reply, string, string) {
			return owner.call(http.MethodPut, "/machines/"+machineID+"/routes", api.MachineRoutes{Routes: []string{"10.42.0.0/24"}}), ownerName, machineID
		}},
		{"SetMachineExitNode", func() (reply, string, string) {
			return owner.call(http.MethodPut, "/machines/"+machineID+"/exit-node", api.MachineExitNode{Enabled: true}), ownerName, machineID
		}},
		{"SetPolicy", func() (reply, string, string) {
			return owner.call(http.MethodPut, "/policy", api.SetPolicy{Policy: policyAfter, BaseVersion: policyOf(t, owner).Version}), ownerName, ""
		}},
		{"SetMachineTags", func() (reply, string, string) {
			return owner.call(http.MethodPut, "/machines/"+machineID+"/tags", api.MachineTags{Tags: []string{"tag:audit"}}), ownerName, machineID
		}},
		{"DeleteMachine", func() (reply, string, string) {
			return owner.call(http.MethodDelete, "/machines/"+machineID, nil), ownerName, machineID
		}},
		{"CreatePreAuthKey", func() (reply, string, string) {
			r := owner.call(http.MethodPost, "/preauthkeys", api.CreatePreAuthKey{User: &env.hsUser, Expiration: time.Now().Add(time.Hour)})
			if r.StatusCode == http.StatusCreated {
				k := decodeReply[api.PreAuthKey](t, r)
				preAuthKeyID = k.Id
				env.keep(k.Key)
			}
			return r, ownerName, preAuthKeyID
		}},
		{"ExpirePreAuthKey", func() (reply, string, string) {
			return owner.call(http.MethodPost, "/preauthkeys/"+preAuthKeyID+"/expire", nil), ownerName, preAuthKeyID
		}},
		{"CreateAPIKey", func() (reply, string, string) {
			r := script.call(http.MethodPost, "/apikeys", api.CreateAPIKey{Expiration: time.Now().Add(24 * time.Hour)})
			if r.StatusCode == http.StatusCreated {
				key := decodeReply[api.NewAPIKey](t, r).ApiKey
				env.keep(key)
				apiKeyPrefix = apiKeyName(t, key)
			}
			return r, scriptName, apiKeyPrefix
		}},
		{"ExpireAPIKey", func() (reply, string, string) {
			return script.call(http.MethodPost, "/apikeys/"+url.PathEscape(apiKeyPrefix)+"/expire", nil), scriptName, apiKeyPrefix
		}},
		{"DeleteAPIKey", func() (reply, string, string) {
			return script.call(http.MethodDelete, "/apikeys/"+url.PathEscape(apiKeyPrefix), nil), scriptName, apiKeyPrefix
		}},
		{"SetDNS", func() (reply, string, string) {
			return owner.call(http.MethodPut, "/dns", api.DNSSettings{BaseDomain: "audit.test", MagicDns: true,
				GlobalNameservers: []string{"9.9.9.9"}, SplitNameservers: map[string][]string{}, SearchDomains: []string{}}), ownerName, ""
		}},
		{"SetExtraRecords", func() (reply, string, string) {
			return owner.call(http.MethodPut, "/dns/extra-records", api.ExtraRecords{Records: []api.ExtraRecord{
				{Name: "wiki.hs.test", Type: "A", Value: "100.64.0.9"}}}), ownerName, ""
		}},
		{"CreateToken", func() (reply, string, string) {
			r := owner.call(http.MethodPost, "/tokens", api.CreateToken{Name: "audit-token", Role: api.Auditor, ExpiresAt: time.Now().Add(24 * time.Hour)})
			if r.StatusCode == http.StatusCreated {
				created := decodeReply[api.NewToken](t, r)
				tokenID, tokenSecret = created.Details.Id, created.Token
				env.keep(tokenSecret)
			}
			return r, ownerName, tokenID
		}},
		{"CheckPolicy", func() (reply, string, string) {
			// As the token: its event names the token, not its creator.
			tokenScript := newScript(t, h, tokenSecret)
			return tokenScript.call(http.MethodPost, "/policy/check", api.CheckPolicy{Policy: policyAfter}), "audit-token", ""
		}},
		{"RevokeToken", func() (reply, string, string) {
			return owner.call(http.MethodDelete, "/tokens/"+tokenID, nil), ownerName, tokenID
		}},
		{"TransferOwnership", func() (reply, string, string) {
			r := owner.call(http.MethodPost, "/console-users/"+vic.id+"/transfer-ownership", nil)
			env.keep(slices.Concat(owner.b.issued, vic.b.issued, lena.b.issued, keyBrowser.issued, dora.b.issued)...)
			return r, ownerName, vic.id
		}},
	}
}
