package identity

import "testing"

func TestSameProviderID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pid, issuer, subject string
		want                 bool
	}{
		{"https://idp.example/sub", "https://idp.example", "sub", true},
		{"https://idp.example/sub", "https://idp.example/", "sub", true},
		{"https://idp.example/sub/", "https://idp.example", "sub", true},
		{"https://idp.example//sub", "https://idp.example/", "sub", true},
		{"https://idp.example/realms/x/sub", "https://idp.example/realms/x", "sub", true},
		{"https://idp.example/sub", "https://idp.example", "other", false},
		{"https://idp.example.evil/sub", "https://idp.example", "sub", false}, // a longer host is another issuer
		{"https://other.example/sub", "https://idp.example", "sub", false},
		{"", "https://idp.example", "sub", false},
		{"https://idp.example/sub", "", "sub", false},
	}
	for _, tc := range tests {
		if got := sameProviderID(tc.pid, tc.issuer, tc.subject); got != tc.want {
			t.Errorf("sameProviderID(%q, %q, %q) = %v, want %v", tc.pid, tc.issuer, tc.subject, got, tc.want)
		}
	}
}

func TestLastSegment(t *testing.T) {
	t.Parallel()
	tests := []struct{ pid, want string }{
		{"https://login.microsoftonline.com/tenant/v2.0/abc%40def", "abc@def"},
		{"https://login.microsoftonline.com/tenant/v2.0/abc%40def/", "abc@def"},
		{"https://idp.example/sub", "sub"},
		{"no-slash", ""},
		{"https://idp.example/bad%zz", ""},
		{"https://idp.example/", "idp.example"},
	}
	for _, tc := range tests {
		if got := lastSegment(tc.pid); got != tc.want {
			t.Errorf("lastSegment(%q) = %q, want %q", tc.pid, got, tc.want)
		}
	}
}
