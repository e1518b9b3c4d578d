package policy

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"headway/backend/headscale"
)

// fakeHeadscale holds a policy in memory and counts reads.
type fakeHeadscale struct {
	policy   headscale.Policy
	reads    int
	fileMode bool
}

func (f *fakeHeadscale) GetPolicy(context.Context) (headscale.Policy, error) {
	f.reads++
	if f.policy.Text == "" {
		return headscale.Policy{}, fmt.Errorf("get policy: %w", headscale.ErrNotFound)
	}
	return f.policy, nil
}

func (f *fakeHeadscale) SetPolicy(_ context.Context, text string) (headscale.Policy, error) {
	if f.fileMode {
		return headscale.Policy{}, fmt.Errorf("set policy: %w", headscale.ErrPolicyModeFile)
	}
	now := time.Now()
	f.policy = headscale.Policy{Text: text, UpdatedAt: &now}
	return f.policy, nil
}

func (f *fakeHeadscale) CheckPolicy(context.Context, string) error { return nil }

func TestGetCache(t *testing.T) {
	hs := &fakeHeadscale{}
	s := New(hs, nil, nil)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	ctx := t.Context()

	get := func(what string, wantReads int, wantText, wantMode string) {
		t.Helper()
		d, err := s.Get(ctx)
		if err != nil || hs.reads != wantReads || d.Text != wantText || d.Mode != wantMode {
			t.Errorf("%s: Get() = %+v, %v after %d reads, want %q in mode %s after %d", what, d, err, hs.reads, wantText, wantMode, wantReads)
		}
	}
	get("first", 1, "", ModeDatabase)
	clock = clock.Add(4 * time.Second)
	get("within 5 s", 1, "", ModeDatabase)
	clock = clock.Add(2 * time.Second)
	get("after 5 s", 2, "", ModeDatabase)

	if _, err := s.Save(ctx, "{}", ""); err != nil || hs.reads != 3 {
		t.Fatalf("Save() = %v after %d reads, want it to read afresh", err, hs.reads)
	}
	get("after Save", 3, "{}", ModeDatabase) // the saved policy, from the cache

	// Headscale in file mode with a policy that lists like a stored one:
	// the refused save is remembered.
	hs.fileMode = true
	if _, err := s.Save(ctx, "{ }", Version("{}")); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Save() in file mode = %v, want policy_read_only", err)
	}
	get("after a read-only refusal", 5, "{}", ModeFile)
}

func TestPosition(t *testing.T) {
	tests := []struct {
		msg          string
		line, column int
	}{
		{"parsing policy: parsing HuJSON: hujson: line 1, column 65: invalid character", 1, 65},
		{"hujson: line 12, column 3: unexpected EOF", 12, 3},
		{`parsing policy: action "bogus" is not supported`, 0, 0},
		{"", 0, 0},
		{"baseline 3, column 4", 0, 0},
	}
	for _, tc := range tests {
		if l, c := position(tc.msg); l != tc.line || c != tc.column {
			t.Errorf("position(%q) = %d, %d, want %d, %d", tc.msg, l, c, tc.line, tc.column)
		}
	}
}
