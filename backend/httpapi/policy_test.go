package httpapi

import (
	"net/http"
	"regexp"
	"testing"

	"headway/api"
	"headway/backend/headscale/hstest"
	"headway/backend/policy"
	"headway/backend/rbac"
)

// policyOf is GET /policy as c; it fails the test unless the answer is 200.
func policyOf(t *testing.T, c caller) api.Policy {
	t.Helper()
	r := c.call(http.MethodGet, "/policy", nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /policy = %d %s, want 200", r.StatusCode, r.body)
	}
	return decodeReply[api.Policy](t, r)
}

const (
	// policyOne and policyTwo are valid HuJSON policies, comments and trailing commas included.
	policyOne = `{
  // Everyone reaches everything.
  "acls": [
    {"action": "accept", "src": ["*"], "dst": ["*:*"]},
  ],
}
`
	policyTwo = `{
  "groups": {"group:ops": []},
  "acls": [
    {"action": "accept", "src": ["group:ops"], "dst": ["*:22"]}, // ssh only
  ],
}
`
	// policyBroken has a syntax error on line 3.
	policyBroken = `{
  "acls": [
    {"action": "accept" "src": ["*"], "dst": ["*:*"]},
  ],
}
`
)

var positionHint = regexp.MustCompile(`line \d+, column \d+`)

// TestPolicy reads, checks and saves the ACL policy over HTTP against a
// real Headscale: versions guard against lost updates, Headscale's refusals
// carry a position and change nothing, and the roles gate reading and writing.
func TestPolicy(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	h, p := iamSite(t, nil, withHeadscale(hs))
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()
	viewer := newPerson(t, h, p, userOf("vic"))
	viewer.signIn()
	setRole(t, h, viewer.id, rbac.Viewer)
	auditor := newPerson(t, h, p, userOf("audrey"))
	auditor.signIn()
	setRole(t, h, auditor.id, rbac.Auditor)
	script := newScript(t, h, hs.APIKey)

	if got := policyOf(t, owner); got.Policy != "" || got.Version != "" || got.Mode != "database" || got.UpdatedAt != nil {
		t.Fatalf("GET /policy before any = %+v, want empty, version \"\", database mode", got)
	}

	// The first policy is saved from version "".
	r := owner.call(http.MethodPut, "/policy", api.SetPolicy{Policy: policyOne, BaseVersion: ""})
	expect(t, "PUT /policy from version \"\"", r, http.StatusOK, "")
	saved := decodeReply[api.Policy](t, r)
	if saved.Version == "" || saved.Version != policy.Version(policyOne) || saved.Policy != policyOne || saved.UpdatedAt == nil || saved.Mode != "database" {
		t.Fatalf("PUT /policy = %+v, want the text saved with a new version %s", saved, policy.Version(policyOne))
	}
	if got := policyOf(t, script); got.Policy != policyOne || got.Version != saved.Version {
		t.Fatalf("GET /policy after saving = version %q %q, want version %q with the text as written", got.Version, got.Policy, saved.Version)
	}

	t.Run("invalid", func(t *testing.T) {
		r := owner.call(http.MethodPut, "/policy", api.SetPolicy{Policy: policyBroken, BaseVersion: saved.Version})
		expect(t, "PUT /policy with a syntax error", r, http.StatusBadRequest, "policy_invalid")
		if e := decodeReply[api.Error](t, r).Error; !positionHint.MatchString(hintOf(e)) {
			t.Errorf("policy_invalid hint = %q, want a line and column", hintOf(e))
		}
		if got := policyOf(t, owner); got.Policy != policyOne || got.Version != saved.Version {
			t.Errorf("GET /policy after a refused save = version %q, want %q unchanged", got.Version, saved.Version)
		}

		r = owner.call(http.MethodPost, "/policy/check", api.CheckPolicy{Policy: policyBroken})
		expect(t, "POST /policy/check (broken)", r, http.StatusOK, "")
		c := decodeReply[api.PolicyCheck](t, r)
		if c.Valid || c.Line == nil || c.Column == nil || *c.Line != 3 || *c.Column < 1 || c.Message == nil || *c.Message == "" {
			t.Errorf("POST /policy/check (broken) = %+v, want invalid at line 3 with a column and message", c)
		}
		r = auditor.call(http.MethodPost, "/policy/check", api.CheckPolicy{Policy: policyTwo})
		expect(t, "POST /policy/check (valid) as auditor", r, http.StatusOK, "")
		if c := decodeReply[api.PolicyCheck](t, r); !c.Valid || c.Line != nil || c.Message != nil {
			t.Errorf("POST /policy/check (valid) = %+v, want valid", c)
		}
		if got := policyOf(t, owner); got.Version != saved.Version {
			t.Errorf("GET /policy after checks = version %q, want %q: a check saves nothing", got.Version, saved.Version)
		}
	})

	t.Run("concurrent edit", func(t *testing.T) {
		v := policyOf(t, owner).Version
		if w := policyOf(t, script).Version; w != v {
			t.Fatalf("two clients load versions %q and %q", v, w)
		}
		r := owner.call(http.MethodPut, "/policy", api.SetPolicy{Policy: policyTwo, BaseVersion: v})
		expect(t, "PUT /policy by the first client", r, http.StatusOK, "")
		second := policyOne + "// another edit\n"
		r = script.call(http.MethodPut, "/policy", api.SetPolicy{Policy: second, BaseVersion: v})
		expect(t, "PUT /policy by the second client from the same version", r, http.StatusConflict, "policy_conflict")
		if got := policyOf(t, script); got.Policy != policyTwo || got.Version != policy.Version(policyTwo) {
			t.Errorf("GET /policy after the conflict = %q, want the first client's text", got.Policy)
		}
	})

	t.Run("roles", func(t *testing.T) {
		expect(t, "GET /policy as viewer", viewer.call(http.MethodGet, "/policy", nil), http.StatusForbidden, "forbidden")
		expect(t, "POST /policy/check as viewer", viewer.call(http.MethodPost, "/policy/check", api.CheckPolicy{Policy: policyOne}), http.StatusForbidden, "forbidden")
		cur := policyOf(t, auditor)
		if cur.Policy != policyTwo {
			t.Errorf("GET /policy as auditor = %q, want the policy", cur.Policy)
		}
		expect(t, "PUT /policy as auditor", auditor.call(http.MethodPut, "/policy", api.SetPolicy{Policy: policyOne, BaseVersion: cur.Version}), http.StatusForbidden, "forbidden")
		if got := policyOf(t, owner); got.Version != cur.Version {
			t.Errorf("GET /policy after the auditor's refused save = version %q, want %q", got.Version, cur.Version)
		}
	})
}

// TestPolicyFileMode: when Headscale reads its policy from a file, Headway
// shows it and refuses to change it.
func TestPolicyFileMode(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t, hstest.WithPolicyFile(policyOne))
	h := newHeadway(t, withHeadscale(hs))
	h.start()
	script := newScript(t, h, hs.APIKey)

	got := policyOf(t, script)
	if got.Mode != "file" || got.Policy != policyOne || got.Version != policy.Version(policyOne) {
		t.Fatalf("GET /policy in file mode = %+v, want mode file with the file's text", got)
	}
	r := script.call(http.MethodPut, "/policy", api.SetPolicy{Policy: policyTwo, BaseVersion: got.Version})
	expect(t, "PUT /policy in file mode", r, http.StatusConflict, "policy_read_only")
	if after := policyOf(t, script); after.Policy != policyOne || after.Mode != "file" {
		t.Errorf("GET /policy after the refusal = %+v, want the file's text, mode file", after)
	}
}
