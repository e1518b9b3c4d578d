package headscale

import (
	"errors"
	"strings"
	"testing"
	"time"

	"headway/backend/headscale/hstest"
)

const allowAllPolicy = `{
  // HuJSON: comments and trailing commas are kept as written.
  "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]},],
}`

func TestRealPolicy(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t)
	c := New(s.URL, s.APIKey)
	ctx := t.Context()

	if _, err := c.GetPolicy(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetPolicy() before any = %v, want ErrNotFound", err)
	}

	invalid := []struct{ name, text, wantInMessage string }{
		{"syntax", "{\n  \"acls\": [\n    {\"action\": \"accept\",\n", "line"},
		{"unknown action", `{"acls": [{"action": "bogus", "src": ["*"], "dst": ["*:*"]}]}`, "bogus"},
	}
	for _, tc := range invalid {
		err := c.CheckPolicy(ctx, tc.text)
		var ae *APIError
		if !errors.Is(err, ErrInvalid) || !errors.As(err, &ae) || ae.Status != 400 || !strings.Contains(ae.Message, tc.wantInMessage) {
			t.Errorf("CheckPolicy(%s) = %v, want a 400 *APIError (ErrInvalid) mentioning %q", tc.name, err, tc.wantInMessage)
		}
		// SetPolicy refuses it too (Headscale answers 500 there).
		if _, err := c.SetPolicy(ctx, tc.text); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetPolicy(%s) = %v, want ErrInvalid", tc.name, err)
		}
	}
	if _, err := c.GetPolicy(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetPolicy() after refused sets = %v, want ErrNotFound", err)
	}

	if err := c.CheckPolicy(ctx, allowAllPolicy); err != nil {
		t.Errorf("CheckPolicy(valid) = %v, want nil", err)
	}
	before := time.Now().Add(-time.Second)
	set, err := c.SetPolicy(ctx, allowAllPolicy)
	if err != nil {
		t.Fatalf("SetPolicy(valid) = %v", err)
	}
	if set.Text != allowAllPolicy || set.UpdatedAt == nil || set.UpdatedAt.Before(before) {
		t.Errorf("SetPolicy(valid) = %+v, want the text as written and a fresh UpdatedAt", set)
	}
	got, err := c.GetPolicy(ctx)
	if err != nil || got.Text != allowAllPolicy || got.UpdatedAt == nil || !got.UpdatedAt.Equal(*set.UpdatedAt) {
		t.Errorf("GetPolicy() = %+v, %v, want %+v", got, err, set)
	}
}

func TestRealPolicyModeFile(t *testing.T) {
	t.Parallel()
	s := hstest.Start(t, hstest.WithPolicyFile(allowAllPolicy))
	c := New(s.URL, s.APIKey)
	ctx := t.Context()

	got, err := c.GetPolicy(ctx)
	if err != nil || got.Text != allowAllPolicy || got.UpdatedAt != nil {
		t.Errorf("GetPolicy() in file mode = %+v, %v, want the file's text and no UpdatedAt", got, err)
	}
	if _, err := c.SetPolicy(ctx, allowAllPolicy); !errors.Is(err, ErrPolicyModeFile) {
		t.Errorf("SetPolicy() in file mode = %v, want ErrPolicyModeFile", err)
	}
	// Checking works in either mode.
	if err := c.CheckPolicy(ctx, allowAllPolicy); err != nil {
		t.Errorf("CheckPolicy() in file mode = %v, want nil", err)
	}
}
