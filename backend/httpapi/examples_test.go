package httpapi

import (
	"bytes"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"headway/api"
	"headway/backend/headscale/hstest"
)

// TestExampleListMachines runs deploy/examples/list-machines.sh, as a script
// author would, against a real server with an API token: it lists every
// machine, narrows by search, and explains a revoked token.
func TestExampleListMachines(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t)
	hs.CreateUser(t, "alice")
	hs.CreateUser(t, "bob")
	hstest.AddDebugNode(t, hs, "alice", "alice-laptop")
	hstest.AddDebugNode(t, hs, "bob", "bob-desktop")
	h, p := iamSite(t, nil, withHeadscale(hs))
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()

	r := owner.call(http.MethodPost, "/tokens", api.CreateToken{Name: "inventory", Role: api.Viewer, ExpiresAt: time.Now().Add(24 * time.Hour)})
	expect(t, "POST /tokens", r, http.StatusCreated, "")
	token := decodeReply[api.NewToken](t, r)

	out, errOut, err := runExample(t, h.URL, token.Token)
	if err != nil {
		t.Fatalf("list-machines.sh: %v\n%s%s", err, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("list-machines.sh printed %q, want a header and two machines", out)
	}
	for _, want := range [][]string{{"alice-laptop", "alice", "100.64."}, {"bob-desktop", "bob", "100.64."}} {
		if !lineWithAll(lines[1:], want) {
			t.Errorf("no line with %v in:\n%s", want, out)
		}
	}

	out, _, err = runExample(t, h.URL, token.Token, "bob")
	if err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, "bob-desktop") {
		t.Errorf("list-machines.sh bob = %v\n%s, want the header and bob-desktop only", err, out)
	}

	expect(t, "DELETE /tokens/id", owner.call(http.MethodDelete, "/tokens/"+token.Details.Id, nil), http.StatusNoContent, "")
	out, errOut, err = runExample(t, h.URL, token.Token)
	if err == nil || !strings.Contains(errOut, "token_invalid") || !strings.Contains(errOut, "hint:") {
		t.Errorf("list-machines.sh with a revoked token = %v, stdout %q, stderr %q; want a failure naming token_invalid with a hint", err, out, errOut)
	}
	if strings.Contains(out+errOut, token.Token) {
		t.Error("the script printed the token")
	}
}

func runExample(t *testing.T, baseURL, token string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", "deploy", "examples", "list-machines.sh"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", append([]string{script}, args...)...)
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HEADWAY_URL=" + baseURL, "HEADWAY_TOKEN=" + token}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// lineWithAll reports whether one of lines holds every one of parts.
func lineWithAll(lines []string, parts []string) bool {
	for _, l := range lines {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			return true
		}
	}
	return false
}
