package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"headway/api"
	"headway/backend/devidp"
	"headway/backend/headscale/hstest"
	"headway/backend/rbac"
	"headway/backend/store"
)

// walkBodies is the request body the walk sends to each operation that takes
// one, by operation id as api.GetSwagger spells it (capitalized). Each is
// valid under the operation's schema and harmless: it names nothing that
// exists, so no role, link or session changes.
var walkBodies = map[string]any{
	// Malformed, so no session replaces the caller's.
	"SignInWithAPIKey":  api.APIKeySignIn{ApiKey: "not-a-key"},
	"UpdateConsoleUser": api.ConsoleUserUpdate{Role: ptr(api.Viewer)},
	"LinkConsoleUser":   api.LinkRequest{HeadscaleUserId: "999999"},
	"LinkSelf":          api.LinkRequest{HeadscaleUserId: "999999"},
	// Names that fail validation, so the walk changes nothing in Headscale.
	"CreateHeadscaleUser": api.CreateHeadscaleUser{Name: "not a valid name!"},
	"RenameHeadscaleUser": api.RenameHeadscaleUser{Name: "not a valid name!"},
	"RegisterMachine":     api.RegisterMachine{User: "999999", RegistrationId: "no-such-registration"},
	"RenameMachine":       api.RenameMachine{Name: "walk"},
	"ExpireMachine":       api.ExpireMachine{},
	"SetMachineTags":      api.MachineTags{Tags: []string{"tag:walk"}},
	"SetMachineRoutes":    api.MachineRoutes{Routes: []string{}},
	"SetMachineExitNode":  api.MachineExitNode{Enabled: false},
	// An expiry in the past, a stale version, and no DNS files: refused after the gate.
	"CreatePreAuthKey": api.CreatePreAuthKey{Expiration: time.Now().Add(-time.Hour)},
	"CreateAPIKey":     api.CreateAPIKey{Expiration: time.Now().Add(-time.Hour)},
	"SetPolicy":        api.SetPolicy{Policy: "{}", BaseVersion: "stale"},
	"CheckPolicy":      api.CheckPolicy{Policy: "{}"},
	"SetDNS": api.DNSSettings{BaseDomain: "walk.test", MagicDns: true, GlobalNameservers: []string{},
		SplitNameservers: map[string][]string{}, SearchDomains: []string{}},
	"SetExtraRecords": api.ExtraRecords{Records: []api.ExtraRecord{}},
	// Already expired: refused after the gate, so no token is made.
	"CreateToken": api.CreateToken{Name: "walk", Role: api.Member, ExpiresAt: time.Now().Add(-time.Hour)},
}

// walkParams fills path and query parameters, by name. Ids name nothing.
var walkParams = map[string]string{
	"userId":          "999999",
	"headscaleUserId": "999999",
	"machineId":       "999999",
	"registrationId":  "no-such-registration",
	"preAuthKeyId":    "999999",
	"prefix":          "nosuchprefix",
	"sessionId":       "no-such-session",
	"code":            "sign_in_not_allowed",
	"tokenId":         "999999",
}

// walkLast are the operations that end the caller's session; the walk sends
// them after every other.
var walkLast = map[string]bool{"SignOut": true}

// walkOp is one operation of the contract, ready to send.
type walkOp struct {
	id, method, path string // path with parameters filled, query included
	capability       string
	action           string // x-audit action; "" for a GET
	body             any
}

// gateOutcome is what the capability gate does with a request.
type gateOutcome string

const (
	passes          gateOutcome = "passes"
	unauthenticated gateOutcome = "401 unauthenticated"
	forbiddenByGate gateOutcome = "403 forbidden"
)

// walker is one principal of the walk.
type walker struct {
	name    string
	caps    rbac.Set
	anon    bool
	session string // headway_session cookie
	csrf    string
	bearer  string // Headscale API key sent as Authorization: Bearer
	apiKey  bool   // acts as a Headscale API key (signed in with one, or sending one)
}

// want is what the gate must do with w calling an operation that needs capability.
func (w walker) want(capability string) gateOutcome {
	switch {
	case capability == capabilityPublic:
		return passes
	case w.anon:
		return unauthenticated
	case capability == capabilityAuthenticated || w.caps.Has(rbac.Capability(capability)):
		return passes
	default:
		return forbiddenByGate
	}
}

// contractOps reads every operation of the contract, with its parameters and
// body filled from the recipes above; an operation the recipes cannot fill
// fails the test, so a new one cannot slip past the walk.
func contractOps(t *testing.T) []walkOp {
	t.Helper()
	spec, err := api.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	var ops []walkOp
	usedBodies := map[string]bool{}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			o := walkOp{id: op.OperationID, method: method}
			o.capability, _ = op.Extensions["x-capability"].(string)
			if o.capability == "" {
				t.Errorf("%s %s has no x-capability", method, path)
			}
			if decl, ok := op.Extensions["x-audit"].(map[string]any); ok {
				o.action, _ = decl["action"].(string)
			}
			if (method == http.MethodGet) != (o.action == "") {
				t.Errorf("%s %s: x-audit action %q; every operation but GETs needs one, GETs none", method, path, o.action)
			}
			var missing []string
			o.path = param.ReplaceAllStringFunc(path, func(m string) string {
				name := strings.Trim(m, "{}")
				v, ok := walkParams[name]
				if !ok {
					missing = append(missing, name)
				}
				return url.PathEscape(v)
			})
			q := url.Values{}
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value.In == openapi3.ParameterInQuery && p.Value.Required {
					v, ok := walkParams[p.Value.Name]
					if !ok {
						missing = append(missing, p.Value.Name)
					}
					q.Set(p.Value.Name, v)
				}
			}
			if len(q) > 0 {
				o.path += "?" + q.Encode()
			}
			if len(missing) > 0 {
				t.Errorf("%s (%s %s): no walkParams for %v", o.id, method, path, missing)
			}
			if op.RequestBody != nil {
				body, ok := walkBodies[o.id]
				if !ok {
					t.Errorf("%s (%s %s) takes a body but walkBodies has no recipe for it", o.id, method, path)
				} else {
					checkBody(t, o.id, op, body)
				}
				o.body = body
				usedBodies[o.id] = true
			}
			ops = append(ops, o)
		}
	}
	for id := range walkBodies {
		if !usedBodies[id] {
			t.Errorf("walkBodies has a recipe for %q, which takes no body in the contract", id)
		}
	}
	slices.SortFunc(ops, func(a, b walkOp) int {
		if walkLast[a.id] != walkLast[b.id] {
			if walkLast[a.id] {
				return 1
			}
			return -1
		}
		return strings.Compare(a.id, b.id)
	})
	if t.Failed() {
		t.FailNow()
	}
	return ops
}

// checkBody fails the test unless body is valid under op's JSON request schema.
func checkBody(t *testing.T, id string, op *openapi3.Operation, body any) {
	t.Helper()
	media := op.RequestBody.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		t.Errorf("%s: the request body is not JSON", id)
		return
	}
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if err := media.Schema.Value.VisitJSON(v); err != nil {
		t.Errorf("%s: walkBodies recipe %s is not valid under the request schema: %v", id, data, err)
	}
}

// TestCapabilityMatrix walks every operation of the contract as every kind
// of principal, against the real handler with a real database, Headscale and
// identity provider, and checks that the capability gate answers exactly as
// the role matrix says, and that every request but a GET leaves exactly one
// audit event with its outcome.
func TestCapabilityMatrix(t *testing.T) {
	t.Parallel()
	ops := contractOps(t)
	hs := hstest.Start(t)
	h := newHeadway(t, withHeadscale(hs))
	p := startIdP(t, h.RedirectURI(), idpOptions{})
	h.Cfg.OIDC = ssoConfig(p.Issuer)
	h.start()

	var walkers []walker
	for i, role := range rbac.Roles() {
		sub := "walk-" + string(role)
		if err := p.AddUser(devidp.User{Subject: sub, Email: sub + "@example.com", EmailVerified: true, Name: "Walk " + string(role)}); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, h)
		r := b.signIn(h, "/admin/", sub)
		session := r.cookie(sessionCookie)
		if r.StatusCode != http.StatusFound || session == nil {
			t.Fatalf("sign-in as %s = %d %q, want 302 with a session", sub, r.StatusCode, r.location())
		}
		me := b.me(h)
		if i == 0 {
			// The first to sign in owns the console.
			if me.User.Role != api.Owner {
				t.Fatalf("the first sign-in has role %q, want owner", me.User.Role)
			}
		} else {
			id, _ := strconv.ParseInt(me.User.Id, 10, 64)
			if _, err := h.DB.SetConsoleUserRole(context.Background(), id, string(role), true, time.Now()); err != nil {
				t.Fatalf("SetConsoleUserRole(%s, %s): %v", me.User.Id, role, err)
			}
			me = b.me(h)
		}
		if diff := cmp.Diff(names(role.Capabilities()), me.Capabilities); diff != "" {
			t.Fatalf("GET /me as %s: capabilities differ from the role's (-want +got):\n%s", role, diff)
		}
		walkers = append(walkers, walker{name: string(role), caps: role.Set(), session: session.Value, csrf: *me.CsrfToken})
	}
	key := createKey(t, hs, "1h")
	r := newBrowser(t, h).do(http.MethodPost, h.URL+"/admin/api/v1/auth/apikey", api.APIKeySignIn{ApiKey: key})
	if r.StatusCode != http.StatusOK || r.cookie(sessionCookie) == nil {
		t.Fatalf("POST /auth/apikey = %d %s, want 200 with a session", r.StatusCode, r.body)
	}
	keyMe := decodeReply[api.Me](t, r)
	bearerMe := newBrowser(t, h).me(h, "Authorization", "Bearer "+key)
	for _, me := range []api.Me{keyMe, bearerMe} {
		// An API key holds everything an admin holds, and not owner.
		if diff := cmp.Diff(names(rbac.FullAccess().Slice()), me.Capabilities); diff != "" || slices.Contains(me.Capabilities, string(rbac.OwnerCapability)) {
			t.Fatalf("GET /me as %s: capabilities differ from FullAccess (-want +got):\n%s", me.Kind, diff)
		}
	}
	walkers = append(walkers,
		walker{name: "api_key session", caps: rbac.FullAccess(), session: r.cookie(sessionCookie).Value, csrf: *keyMe.CsrfToken, apiKey: true},
		walker{name: "bearer", caps: rbac.FullAccess(), bearer: key, apiKey: true},
		walker{name: "anonymous", anon: true},
	)
	if len(walkers) != 10 {
		t.Fatalf("the walk has %d principals, want 10", len(walkers))
	}

	client := &http.Client{Transport: h.srv.Client().Transport, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	walked := 0
	var sent []walkedRequest
	for _, op := range ops {
		for _, w := range walkers {
			want := w.want(op.capability)
			status, code, body, requestID := w.send(t, client, h, op)
			walked++
			sent = append(sent, walkedRequest{op: op, w: w, gate: want, status: status, code: code, requestID: requestID})
			var ok bool
			switch want {
			case unauthenticated:
				ok = status == http.StatusUnauthorized && code == "unauthenticated"
			case forbiddenByGate:
				ok = status == http.StatusForbidden && code == "forbidden"
			case passes:
				ok = status < 500 && !gateRefusal(status, code)
				if op.capability == capabilityPublic {
					ok = ok && status != http.StatusUnauthorized && status != http.StatusForbidden
				}
			}
			if !ok {
				t.Errorf("%s %s (%s, needs %s) as %s = %d %q, want the gate to answer %s\n%.300s",
					op.method, op.path, op.id, op.capability, w.name, status, code, want, body)
			}
		}
	}
	if want := len(ops) * len(walkers); walked != want || len(ops) == 0 {
		t.Errorf("walked %d requests, want every operation (%d) × every principal (%d) = %d", walked, len(ops), len(walkers), want)
	}
	checkWalkAudit(t, h, sent)
}

// walkedRequest is one request of the walk and how it was answered.
type walkedRequest struct {
	op        walkOp
	w         walker
	gate      gateOutcome
	status    int
	code      string
	requestID string
}

// checkWalkAudit checks that every request of the walk but a GET left
// exactly one audit event, carrying its request id, with the operation's
// action, the walker as actor, and the outcome: denied when the gate (or
// the handler) refused with 401 or 403, failed with the error's code for
// other errors, else ok. GETs leave none.
func checkWalkAudit(t *testing.T, h *site, sent []walkedRequest) {
	t.Helper()
	events, err := h.DB.ListAuditEvents(context.Background(), store.AuditFilter{}, 100000)
	if err != nil {
		t.Fatal(err)
	}
	byRequest := map[string][]store.AuditEvent{}
	for _, e := range events {
		byRequest[e.RequestID] = append(byRequest[e.RequestID], e)
	}
	for _, r := range sent {
		what := fmt.Sprintf("%s %s (%s) as %s = %d %q", r.op.method, r.op.path, r.op.id, r.w.name, r.status, r.code)
		if r.requestID == "" {
			t.Errorf("%s: no X-Request-Id in the answer", what)
			continue
		}
		got := byRequest[r.requestID]
		if r.op.method == http.MethodGet {
			if len(got) != 0 {
				t.Errorf("%s: a GET left %d audit events, want none", what, len(got))
			}
			continue
		}
		if len(got) != 1 {
			t.Errorf("%s: %d audit events carry its request id, want exactly 1", what, len(got))
			continue
		}
		e := got[0]
		wantResult, wantCode := "ok", ""
		switch {
		case r.gate != passes || r.status == http.StatusUnauthorized || r.status == http.StatusForbidden:
			wantResult, wantCode = "denied", r.code
		case r.status >= 400:
			wantResult, wantCode = "failed", r.code
		}
		if e.Action != r.op.action || e.Result != wantResult || e.ErrorCode != wantCode {
			t.Errorf("%s: audit event %s %s %q, want %s %s %q", what, e.Action, e.Result, e.ErrorCode, r.op.action, wantResult, wantCode)
		}
		wantActor := "user"
		switch {
		case r.w.anon:
			wantActor = "anonymous"
		case r.w.apiKey:
			wantActor = "api_key"
		}
		if e.ActorType != wantActor || (wantActor == "user" && e.ActorRole != r.w.name) {
			t.Errorf("%s: audit actor %s (role %q), want %s (role %q)", what, e.ActorType, e.ActorRole, wantActor, r.w.name)
		}
	}
}

// gateRefusal reports whether an answer is one the gate (or the checks it
// runs first) gives, rather than the handler.
func gateRefusal(status int, code string) bool {
	switch code {
	case "unauthenticated", "csrf_token_invalid", "origin_mismatch":
		return true
	case "forbidden":
		return status == http.StatusForbidden
	}
	return false
}

// send makes one request of op as w, with a browser's headers for unsafe
// methods, and returns the status, the error code ("" on success), the body
// and the request id.
func (w walker) send(t *testing.T, client *http.Client, h *site, op walkOp) (int, string, []byte, string) {
	t.Helper()
	var rd io.Reader
	if op.body != nil {
		data, err := json.Marshal(op.body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(op.method, h.URL+"/admin/api/v1"+op.path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if op.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if w.session != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: w.session})
	}
	if w.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+w.bearer)
	}
	if !isSafeMethod(op.method) {
		req.Header.Set("Origin", h.URL)
		if w.csrf != "" {
			req.Header.Set(csrfHeader, w.csrf)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", op.method, op.path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	code := ""
	if resp.StatusCode >= 400 {
		var e api.Error
		if err := json.Unmarshal(body, &e); err != nil {
			t.Errorf("%s %s as %s = %d with a body that is not an error: %.200s", op.method, op.path, w.name, resp.StatusCode, body)
		}
		code = e.Error.Code
	}
	return resp.StatusCode, code, body, resp.Header.Get("X-Request-Id")
}

// names returns the names of cs.
func names(cs []rbac.Capability) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, string(c))
	}
	return out
}

func ptr[T any](v T) *T { return &v }
