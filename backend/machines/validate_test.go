package machines

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"headway/backend/headscale"
)

func TestValidMachineName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"a", true},
		{"laptop-2", true},
		{"Laptop", true}, // Headscale keeps the case as given
		{"1", true},
		{strings.Repeat("a", 63), true},
		{strings.Repeat("a", 64), false},
		{"", false},
		{"-a", false},
		{"a-", false},
		{"a_b", false},
		{"a.b", false},
		{"a b", false},
		{"läptop", false},
	}
	for _, tc := range tests {
		if got := validMachineName(tc.in); got != tc.want {
			t.Errorf("validMachineName(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestValidTag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"tag:server", true},
		{"tag:web-1", true},
		{"tag:", false},
		{"server", false},
		{"Tag:server", false},
		{"tag:Server", false},
		{"tag:a b", false},
		{"tag:a\tb", false},
		{" tag:a", false},
	}
	for _, tc := range tests {
		if got := validTag(tc.in); got != tc.want {
			t.Errorf("validTag(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseRoute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"10.0.0.0/8", "10.0.0.0/8", false},
		{" 192.168.1.0/24 ", "192.168.1.0/24", false},
		{"0.0.0.0/0", "0.0.0.0/0", false},
		{"::/0", "::/0", false},
		{"fd00:1::/64", "fd00:1::/64", false},
		{"10.0.0.1/24", "", true}, // host bits set: Headscale would store it as given
		{"10.0.0.1", "", true},
		{"10.0.0.0/33", "", true},
		{"nope", "", true},
		{"", "", true},
	}
	for _, tc := range tests {
		p, err := parseRoute(tc.in)
		if (err != nil) != tc.wantErr || (err == nil && p.String() != tc.want) {
			t.Errorf("parseRoute(%q) = %v, %v; want %q, error %v", tc.in, p, err, tc.want, tc.wantErr)
		}
	}
}

func TestValidUserName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"alice", true},
		{"al", true},
		{"alice.smith_2-x", true},
		{"alice@example.com", true},
		{"Zoë", true},
		{"a", false},
		{"", false},
		{"1alice", false},
		{"_alice", false},
		{"a@b@c", false},
		{"alice smith", false},
		{"alice/x", false},
		{"alice+x", false},
		{"a\xff", false},
	}
	for _, tc := range tests {
		if got := validUserName(tc.in); got != tc.want {
			t.Errorf("validUserName(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestHeadscaleError(t *testing.T) {
	t.Parallel()
	other := errors.New("boom")
	tests := []struct {
		in       error
		wantCode string // "" for unchanged
	}{
		{nil, ""},
		{other, ""},
		{fmt.Errorf("headscale: list nodes: %w", headscale.ErrNotFound), ""},
		{fmt.Errorf("headscale: list nodes: %w: dial tcp: refused", headscale.ErrUnreachable), "headscale_unavailable"},
		{&headscale.APIError{Status: http.StatusUnauthorized, Message: "Unauthorized"}, "headscale_key_invalid"},
		{&headscale.APIError{Status: http.StatusServiceUnavailable}, "headscale_unavailable"},
	}
	for _, tc := range tests {
		got := HeadscaleError(tc.in)
		if tc.wantCode == "" {
			if got != tc.in {
				t.Errorf("HeadscaleError(%v) = %v, want it unchanged", tc.in, got)
			}
			continue
		}
		var e *Error
		if !errors.As(got, &e) || e.Code != tc.wantCode || e.Status != http.StatusBadGateway {
			t.Errorf("HeadscaleError(%v) = %v, want %s (502)", tc.in, got, tc.wantCode)
			continue
		}
		if !errors.Is(got, tc.in) {
			t.Errorf("HeadscaleError(%v) = %v, does not wrap its cause", tc.in, got)
		}
	}
}

func TestErrorIs(t *testing.T) {
	t.Parallel()
	cause := fmt.Errorf("headscale: rename node 1: %w", headscale.ErrConflict)
	err := fmt.Errorf("context: %w", ErrMachineNameTaken.With(cause))
	if !errors.Is(err, ErrMachineNameTaken) || errors.Is(err, ErrMachineNameInvalid) || !errors.Is(err, headscale.ErrConflict) {
		t.Errorf("errors.Is on %v: want machine_name_taken and headscale.ErrConflict only", err)
	}
	// Copies leave the sentinel alone.
	e := ErrUserHasMachines.With(nil)
	e.Hint = "changed"
	if ErrUserHasMachines.Hint == "changed" || ErrUserHasMachines.Err != nil {
		t.Errorf("ErrUserHasMachines changed through a copy: %+v", ErrUserHasMachines)
	}
}
