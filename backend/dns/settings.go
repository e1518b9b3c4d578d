package dns

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// fileDNS is the part of Headscale's configuration this package reads, with
// Headscale's key names.
type fileDNS struct {
	ServerURL string `yaml:"server_url"`
	DNS       struct {
		MagicDNS         *bool  `yaml:"magic_dns"`
		BaseDomain       string `yaml:"base_domain"`
		OverrideLocalDNS *bool  `yaml:"override_local_dns"`
		Nameservers      struct {
			Global []string            `yaml:"global"`
			Split  map[string][]string `yaml:"split"`
		} `yaml:"nameservers"`
		SearchDomains    []string  `yaml:"search_domains"`
		ExtraRecords     yaml.Node `yaml:"extra_records"`
		ExtraRecordsPath string    `yaml:"extra_records_path"`
	} `yaml:"dns"`
}

// decodeDNS reads the DNS settings of a parsed configuration file.
func decodeDNS(d *doc) (fileDNS, error) {
	var f fileDNS
	if d.root == nil {
		return f, nil
	}
	if err := d.root.Decode(&f); err != nil {
		return f, fmt.Errorf("read the dns section: %w", err)
	}
	return f, nil
}

// settings returns the settings in force, with Headscale's defaults for
// missing keys (magic_dns and override_local_dns default to true).
func (f fileDNS) settings() Settings {
	s := Settings{
		BaseDomain:        f.DNS.BaseDomain,
		MagicDNS:          f.DNS.MagicDNS == nil || *f.DNS.MagicDNS,
		OverrideLocalDNS:  f.DNS.OverrideLocalDNS == nil || *f.DNS.OverrideLocalDNS,
		GlobalNameservers: nonNil(f.DNS.Nameservers.Global),
		SplitNameservers:  map[string][]string{},
		SearchDomains:     nonNil(f.DNS.SearchDomains),
	}
	for d, ns := range f.DNS.Nameservers.Split {
		s.SplitNameservers[d] = nonNil(ns)
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// normalize trims spaces, drops empty list items, lower-cases domains and
// drops their trailing dot. Lists and maps are never nil afterwards.
func (s Settings) normalize() Settings {
	domain := func(v string) string {
		return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(v)), ".")
	}
	list := func(in []string, f func(string) string) []string {
		out := []string{}
		for _, v := range in {
			if v = f(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	n := Settings{
		BaseDomain:        domain(s.BaseDomain),
		MagicDNS:          s.MagicDNS,
		OverrideLocalDNS:  s.OverrideLocalDNS,
		GlobalNameservers: list(s.GlobalNameservers, strings.TrimSpace),
		SplitNameservers:  map[string][]string{},
		SearchDomains:     list(s.SearchDomains, domain),
	}
	for d, ns := range s.SplitNameservers {
		n.SplitNameservers[domain(d)] = list(ns, strings.TrimSpace)
	}
	return n
}

// equal reports whether a and b are the same settings.
func (s Settings) equal(o Settings) bool {
	if s.BaseDomain != o.BaseDomain || s.MagicDNS != o.MagicDNS || s.OverrideLocalDNS != o.OverrideLocalDNS ||
		!slices.Equal(s.GlobalNameservers, o.GlobalNameservers) || !slices.Equal(s.SearchDomains, o.SearchDomains) ||
		len(s.SplitNameservers) != len(o.SplitNameservers) {
		return false
	}
	for d, ns := range s.SplitNameservers {
		ons, ok := o.SplitNameservers[d]
		if !ok || !slices.Equal(ns, ons) {
			return false
		}
	}
	return true
}

// validate checks normalized settings the way Headscale does at start, so
// that a saved file never keeps Headscale from starting. serverURL is
// Headscale's server_url ("" when unset).
func (s Settings) validate(serverURL string) error {
	if s.BaseDomain != "" {
		if !isDomain(s.BaseDomain) {
			return ErrDNSInvalid.About("baseDomain", "The base domain %q is not a valid DNS name.", s.BaseDomain)
		}
		if host := serverHost(serverURL); host != "" &&
			(host == s.BaseDomain || strings.HasSuffix(host, "."+s.BaseDomain)) {
			return ErrDNSInvalid.About("baseDomain",
				"The base domain %q must not be Headscale's own domain or a parent of it (Headscale's server_url is on %s): "+
					"MagicDNS would take over the name devices reach Headscale by, and Headscale refuses to start.",
				s.BaseDomain, host)
		}
	}
	if s.MagicDNS && s.BaseDomain == "" {
		return ErrDNSInvalid.About("baseDomain", "MagicDNS needs a base domain.")
	}
	for i, ns := range s.GlobalNameservers {
		if !isNameserver(ns) {
			return ErrDNSInvalid.About(fmt.Sprintf("globalNameservers[%d]", i),
				"The nameserver %q is neither an IP address nor an https:// DNS-over-HTTPS URL.", ns)
		}
	}
	if s.OverrideLocalDNS && len(s.GlobalNameservers) == 0 {
		return ErrDNSInvalid.About("globalNameservers",
			"Overriding the devices' local DNS needs at least one global nameserver.")
	}
	domains := make([]string, 0, len(s.SplitNameservers))
	for d := range s.SplitNameservers {
		domains = append(domains, d)
	}
	slices.Sort(domains)
	for _, d := range domains {
		if !isDomain(d) {
			return ErrDNSInvalid.About("splitNameservers", "The split DNS domain %q is not a valid DNS name.", d)
		}
		for i, ns := range s.SplitNameservers[d] {
			if !isNameserver(ns) {
				return ErrDNSInvalid.About(fmt.Sprintf("splitNameservers[%s][%d]", d, i),
					"The nameserver %q for %s is neither an IP address nor an https:// DNS-over-HTTPS URL.", ns, d)
			}
		}
	}
	for i, d := range s.SearchDomains {
		if !isDomain(d) {
			return ErrDNSInvalid.About(fmt.Sprintf("searchDomains[%d]", i), "The search domain %q is not a valid DNS name.", d)
		}
	}
	return nil
}

// serverHost returns the lower-cased host name of Headscale's server_url, or "".
func serverHost(serverURL string) string {
	u, err := url.Parse(strings.TrimSpace(serverURL))
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// isDomain reports whether s is a DNS name: dot-separated labels of 1 to 63
// letters, digits and hyphens, not starting or ending with a hyphen, 253
// characters at most.
func isDomain(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range []byte(l) {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// isNameserver reports whether s is a nameserver Headscale hands to
// Tailscale: an IP address, or a DNS-over-HTTPS URL.
func isNameserver(s string) bool {
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil
}

// normalizeRecords checks records and returns them trimmed, with upper-case
// types, lower-case names without a trailing dot, canonical addresses, and
// exact duplicates dropped (Headscale keeps a set).
func normalizeRecords(rs []Record) ([]Record, error) {
	out := []Record{}
	for i, r := range rs {
		n := Record{
			Name:  strings.TrimSuffix(strings.ToLower(strings.TrimSpace(r.Name)), "."),
			Type:  strings.ToUpper(strings.TrimSpace(r.Type)),
			Value: strings.TrimSpace(r.Value),
		}
		field := fmt.Sprintf("records[%d]", i)
		if !isDomain(n.Name) {
			return nil, ErrRecordInvalid.About(field+".name", "The record name %q is not a valid DNS name.", r.Name)
		}
		ip, err := netip.ParseAddr(n.Value)
		switch n.Type {
		case "A":
			if err != nil || !ip.Is4() {
				return nil, ErrRecordInvalid.About(field+".value", "An A record for %s needs an IPv4 address, not %q.", n.Name, r.Value)
			}
		case "AAAA":
			if err != nil || !ip.Is6() || ip.Is4In6() || ip.Zone() != "" {
				return nil, ErrRecordInvalid.About(field+".value", "An AAAA record for %s needs an IPv6 address, not %q.", n.Name, r.Value)
			}
		default:
			return nil, ErrRecordInvalid.About(field+".type", "The record type %q is not supported: use A or AAAA.", r.Type)
		}
		n.Value = ip.String()
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}
