package dns

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAuditText(t *testing.T) {
	t.Parallel()
	s := Settings{BaseDomain: "ts.example", MagicDNS: true, GlobalNameservers: []string{"1.1.1.1"},
		SplitNameservers: map[string][]string{"corp.example": {"10.0.0.53"}, "a.example": {"fd00::53"}}}
	want := `dns:
  magic_dns: true
  base_domain: ts.example
  override_local_dns: false
  nameservers:
    global:
      - 1.1.1.1
    split:
      a.example:
        - fd00::53
      corp.example:
        - 10.0.0.53
  search_domains: []
`
	if diff := cmp.Diff(want, s.auditText()); diff != "" {
		t.Errorf("auditText() (-want +got):\n%s", diff)
	}
	if got, want := recordsText(nil), "[]\n"; got != want {
		t.Errorf("recordsText(nil) = %q, want %q", got, want)
	}
	got := recordsText([]Record{{Name: "a.ts.example", Type: "A", Value: "100.64.0.1"}})
	if want := "[\n  {\n    \"name\": \"a.ts.example\",\n    \"type\": \"A\",\n    \"value\": \"100.64.0.1\"\n  }\n]\n"; got != want {
		t.Errorf("recordsText() = %q, want %q", got, want)
	}
}
