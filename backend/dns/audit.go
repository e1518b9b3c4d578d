package dns

import (
	"encoding/json"
	"strings"

	"go.yaml.in/yaml/v3"
)

// What the audit trail keeps of a DNS change: the settings as fields, and a
// diff of their text. The diff is of the settings rendered alone, never of
// the configuration file, whose other lines (near the dns section or not)
// may hold Headscale's secrets.

// auditObject is s as the audit trail records it, with the API's names.
func (s Settings) auditObject() map[string]any {
	return map[string]any{
		"baseDomain": s.BaseDomain, "magicDns": s.MagicDNS, "globalNameservers": nonNil(s.GlobalNameservers),
		"splitNameservers": s.SplitNameservers, "searchDomains": nonNil(s.SearchDomains), "overrideLocalDns": s.OverrideLocalDNS,
	}
}

// auditText renders s as the dns section of Headscale's configuration, keys
// in a fixed order, for a diff.
func (s Settings) auditText() string {
	type nameservers struct {
		Global []string            `yaml:"global"`
		Split  map[string][]string `yaml:"split"`
	}
	type section struct {
		MagicDNS         bool        `yaml:"magic_dns"`
		BaseDomain       string      `yaml:"base_domain"`
		OverrideLocalDNS bool        `yaml:"override_local_dns"`
		Nameservers      nameservers `yaml:"nameservers"`
		SearchDomains    []string    `yaml:"search_domains"`
	}
	var out strings.Builder
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2) // as Headscale's example configuration is written
	err := enc.Encode(map[string]section{"dns": {
		MagicDNS: s.MagicDNS, BaseDomain: s.BaseDomain, OverrideLocalDNS: s.OverrideLocalDNS,
		Nameservers:   nameservers{Global: nonNil(s.GlobalNameservers), Split: s.SplitNameservers},
		SearchDomains: nonNil(s.SearchDomains),
	}})
	if err == nil {
		err = enc.Close()
	}
	if err != nil {
		return "" // plain strings, lists and maps always encode
	}
	return out.String()
}

// recordsText renders extra records as the file Headway writes holds them.
func recordsText(rs []Record) string {
	if rs == nil {
		rs = []Record{}
	}
	b, err := json.MarshalIndent(rs, "", "  ")
	if err != nil {
		return ""
	}
	return string(b) + "\n"
}
