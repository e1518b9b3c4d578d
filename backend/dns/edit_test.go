package dns

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSetSettingsShapes covers the ways a dns section may be written.
func TestSetSettingsShapes(t *testing.T) {
	t.Parallel()
	st := Settings{
		BaseDomain:        "ts.example",
		MagicDNS:          true,
		GlobalNameservers: []string{"1.1.1.1"},
		SplitNameservers:  map[string][]string{"corp.example": {"10.0.0.53"}},
		SearchDomains:     []string{},
		OverrideLocalDNS:  false,
	}
	tests := []struct{ name, in, want string }{
		{
			name: "flow section, as in hstest",
			in:   "server_url: http://127.0.0.1:8080\ndns: {magic_dns: false, base_domain: hs.test, extra_records_path: /x.json} # keep\nlog: {level: info}\n",
			want: "server_url: http://127.0.0.1:8080\n" +
				"dns: {magic_dns: true, base_domain: ts.example, extra_records_path: /x.json, override_local_dns: false, nameservers: {global: [1.1.1.1], split: {corp.example: [10.0.0.53]}}, search_domains: []} # keep\n" +
				"log: {level: info}\n",
		},
		{
			name: "no dns section",
			in:   "# Headscale\nserver_url: http://hs.example # public\n",
			want: "# Headscale\nserver_url: http://hs.example # public\n" +
				"dns:\n  magic_dns: true\n  base_domain: ts.example\n  override_local_dns: false\n" +
				"  nameservers:\n    global:\n      - 1.1.1.1\n    split:\n      corp.example:\n        - 10.0.0.53\n" +
				"  search_domains: []\n",
		},
		{
			name: "empty file",
			in:   "",
			want: "dns:\n  magic_dns: true\n  base_domain: ts.example\n  override_local_dns: false\n" +
				"  nameservers:\n    global:\n      - 1.1.1.1\n    split:\n      corp.example:\n        - 10.0.0.53\n" +
				"  search_domains: []\n",
		},
		{
			name: "empty dns section with a comment",
			in:   "dns: # later\nlog:\n  level: info\n",
			want: "dns: # later\n  magic_dns: true\n  base_domain: ts.example\n  override_local_dns: false\n" +
				"  nameservers:\n    global:\n      - 1.1.1.1\n    split:\n      corp.example:\n        - 10.0.0.53\n" +
				"  search_domains: []\nlog:\n  level: info\n",
		},
		{
			name: "missing keys added at the end of the section",
			in:   "dns:\n    base_domain: \"old.example\" # quoted\n    extra_records_path: x.json # last\n\n# next\nlog: {}\n",
			want: "dns:\n    base_domain: ts.example # quoted\n    extra_records_path: x.json # last\n" +
				"    magic_dns: true\n    override_local_dns: false\n    search_domains: []\n" +
				"    nameservers:\n      global:\n        - 1.1.1.1\n      split:\n        corp.example:\n          - 10.0.0.53\n" +
				"\n# next\nlog: {}\n",
		},
		{
			name: "sequence at the key's indentation, empty values, key comments",
			in: "dns:\n  magic_dns: yes\n  base_domain:\n  override_local_dns: false\n  nameservers:\n    global: # resolvers\n    - 8.8.8.8\n    - 8.8.4.4\n" +
				"    split: {}\n  search_domains:\n    - a.example\n",
			want: "dns:\n  magic_dns: true\n  base_domain: ts.example\n  override_local_dns: false\n  nameservers:\n    global: # resolvers\n    - 1.1.1.1\n" +
				"    split: {corp.example: [10.0.0.53]}\n  search_domains: []\n",
		},
		{
			name: "flow nameservers",
			in:   "dns:\n  magic_dns: true\n  base_domain: ts.example\n  override_local_dns: false\n  nameservers: {global: [9.9.9.9]}\n  search_domains: []\n",
			want: "dns:\n  magic_dns: true\n  base_domain: ts.example\n  override_local_dns: false\n  nameservers: {global: [1.1.1.1], split: {corp.example: [10.0.0.53]}}\n  search_domains: []\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := parseDoc([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			out, err := d.setSettings(st)
			if err != nil {
				t.Fatalf("setSettings() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, string(out)); diff != "" {
				t.Errorf("setSettings() differs (-want +got):\n%s", diff)
			}
			if err := verify(out, []byte(tc.in), st); err != nil {
				t.Errorf("verify() = %v", err)
			}
		})
	}
}
