package httpapi

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"headway/api"
	"headway/backend/headscale/hstest"
)

// dnsOf is GET /dns as c; it fails the test unless the answer is 200.
func dnsOf(t *testing.T, c caller) api.DNS {
	t.Helper()
	r := c.call(http.MethodGet, "/dns", nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET /dns = %d %s, want 200", r.StatusCode, r.body)
	}
	return decodeReply[api.DNS](t, r)
}

// headscaleConfigCopy copies the dns package's commented Headscale
// configuration, with an empty extra records file beside it, into a fresh
// directory and returns the copy's path.
func headscaleConfigCopy(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "dns", "testdata", "headscale.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "extra-records.json"), []byte("[]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, src, 0o640); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDNSSettings shows and changes the DNS settings in a copy of a
// commented Headscale configuration over HTTP, and explains what is missing
// when no configuration is set.
func TestDNSSettings(t *testing.T) {
	t.Parallel()
	path := headscaleConfigCopy(t)
	h, p := iamSite(t, func(h *site) {
		h.Cfg.Headscale.ConfigPath = path
		h.Cfg.Headscale.RestartCommand = "echo restarted"
	})
	owner := newPerson(t, h, p, userOf("olivia"))
	owner.signIn()

	got := dnsOf(t, owner)
	want := api.DNSSettings{
		BaseDomain: "ts.corp.example", MagicDns: true, OverrideLocalDns: true,
		GlobalNameservers: []string{"1.1.1.1", "1.0.0.1", "2606:4700:4700::1111"},
		SplitNameservers:  map[string][]string{}, SearchDomains: []string{},
	}
	if !got.Configured || !got.Writable || got.Settings == nil || !got.ExtraRecordsConfigured {
		t.Fatalf("GET /dns = %+v, want configured, writable, with extra records", got)
	}
	if diff := cmp.Diff(want, *got.Settings); diff != "" {
		t.Errorf("GET /dns settings differ (-want +got):\n%s", diff)
	}

	t.Run("invalid", func(t *testing.T) {
		before := readFile(t, path)
		for name, change := range map[string]func(*api.DNSSettings){
			"base domain not a name":   func(s *api.DNSSettings) { s.BaseDomain = "corp example" },
			"base domain the server's": func(s *api.DNSSettings) { s.BaseDomain = "vpn.corp.example" },
			"nameserver not an address": func(s *api.DNSSettings) {
				s.GlobalNameservers = []string{"9.9.9.9", "dns.google"}
			},
		} {
			s := want
			change(&s)
			r := owner.call(http.MethodPut, "/dns", s)
			expect(t, "PUT /dns with "+name, r, http.StatusBadRequest, "dns_invalid")
		}
		if !bytes.Equal(readFile(t, path), before) {
			t.Error("refused PUT /dns changed the file")
		}
	})

	t.Run("save", func(t *testing.T) {
		// The change the dns package's golden file records.
		change := api.DNSSettings{
			BaseDomain: "tailnet.corp.example", MagicDns: true, OverrideLocalDns: true,
			GlobalNameservers: []string{"9.9.9.9", "https://dns.quad9.net/dns-query", "2606:4700:4700::1111"},
			SplitNameservers:  map[string][]string{"corp.example": {"10.0.0.53", "10.0.1.53"}, "lab.example": {"fd00::53"}},
			SearchDomains:     []string{"corp.example"},
		}
		r := owner.call(http.MethodPut, "/dns", change)
		expect(t, "PUT /dns", r, http.StatusOK, "")
		saved := decodeReply[api.DNSSaved](t, r)
		if saved.RestartRequired || saved.Restart == nil || !saved.Restart.Ok || strings.TrimSpace(saved.Restart.Output) != "restarted" {
			t.Errorf("PUT /dns = %+v (restart %+v), want the restart command run, ok, output \"restarted\"", saved, saved.Restart)
		}
		golden := readFile(t, filepath.Join("..", "dns", "testdata", "headscale.golden.yaml"))
		if diff := cmp.Diff(string(golden), string(readFile(t, path))); diff != "" {
			t.Errorf("saved file differs from the dns package's golden file (-want +got):\n%s", diff)
		}
		if got := dnsOf(t, owner); got.Settings == nil || !cmp.Equal(change, *got.Settings) {
			t.Errorf("GET /dns after saving = %+v, want %+v", got.Settings, change)
		}
	})

	t.Run("not configured", func(t *testing.T) {
		h, p := iamSite(t, nil)
		owner := newPerson(t, h, p, userOf("olivia"))
		owner.signIn()
		got := dnsOf(t, owner)
		if got.Configured || got.Settings != nil || got.Hint == nil || !strings.Contains(*got.Hint, "headscale.config_path") {
			t.Errorf("GET /dns without headscale.config_path = %+v, want not configured with a hint naming headscale.config_path", got)
		}
		expect(t, "PUT /dns without headscale.config_path", owner.call(http.MethodPut, "/dns", want), http.StatusConflict, "dns_not_configured")
	})
}

// TestDNSExtraRecords replaces the extra records of a real Headscale over
// HTTP and waits until Headscale hands them out; a refused list changes nothing.
func TestDNSExtraRecords(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t, hstest.WithExtraRecords())
	h := newHeadway(t, withHeadscale(hs))
	h.Cfg.Headscale.ConfigPath = hs.ConfigPath
	h.start()
	script := newScript(t, h, hs.APIKey)

	if got := dnsOf(t, script); !got.Configured || !got.ExtraRecordsConfigured || got.ExtraRecords == nil || len(*got.ExtraRecords) != 0 {
		t.Fatalf("GET /dns = %+v, want configured with writable, empty extra records", got)
	}

	records := []api.ExtraRecord{
		{Name: "grafana.hs.test", Type: "A", Value: "100.64.0.7"},
		{Name: "grafana.hs.test", Type: "AAAA", Value: "fd7a:115c:a1e0::7"},
	}
	r := script.call(http.MethodPut, "/dns/extra-records", api.ExtraRecords{Records: records})
	expect(t, "PUT /dns/extra-records", r, http.StatusOK, "")
	less := func(a, b api.ExtraRecord) bool { return a.Name+string(a.Type)+a.Value < b.Name+string(b.Type)+b.Value }
	if got := decodeReply[api.ExtraRecords](t, r).Records; !cmp.Equal(records, got, cmpopts.SortSlices(less)) {
		t.Errorf("PUT /dns/extra-records = %v, want %v", got, records)
	}
	applied := []hstest.DNSRecord{{Name: "grafana.hs.test", Type: "A", Value: "100.64.0.7"}, {Name: "grafana.hs.test", Type: "AAAA", Value: "fd7a:115c:a1e0::7"}}
	waitForRecords(t, hs, applied)
	if got := dnsOf(t, script); got.ExtraRecords == nil || !cmp.Equal(records, *got.ExtraRecords, cmpopts.SortSlices(less)) {
		t.Errorf("GET /dns extra records = %v, want %v", got.ExtraRecords, records)
	}

	before := readFile(t, hs.ExtraRecordsPath)
	for name, rec := range map[string]api.ExtraRecord{
		"name with a space": {Name: "bad name.hs.test", Type: "A", Value: "100.64.0.9"},
		"A with an IPv6":    {Name: "wiki.hs.test", Type: "A", Value: "fd7a:115c:a1e0::9"},
		"AAAA with an IPv4": {Name: "wiki.hs.test", Type: "AAAA", Value: "100.64.0.9"},
		"not an address":    {Name: "wiki.hs.test", Type: "A", Value: "wiki"},
		"unsupported type":  {Name: "wiki.hs.test", Type: "CNAME", Value: "grafana.hs.test"},
	} {
		r := script.call(http.MethodPut, "/dns/extra-records", api.ExtraRecords{Records: append([]api.ExtraRecord{{Name: "ok.hs.test", Type: "A", Value: "100.64.0.10"}}, rec)})
		if got, code := status(t, r); got != http.StatusBadRequest || code != "record_invalid" {
			t.Errorf("PUT /dns/extra-records with %s = %d %q, want 400 record_invalid", name, got, code)
		}
	}
	if !bytes.Equal(readFile(t, hs.ExtraRecordsPath), before) {
		t.Error("a refused PUT /dns/extra-records changed the extra records file")
	}
	time.Sleep(200 * time.Millisecond) // time for Headscale to apply a change, were there one
	waitForRecords(t, hs, applied)
}

// waitForRecords waits up to 10 s for Headscale to hand out want (in any order).
func waitForRecords(t *testing.T, hs *hstest.Server, want []hstest.DNSRecord) {
	t.Helper()
	less := func(a, b hstest.DNSRecord) bool { return a.Name+a.Type+a.Value < b.Name+b.Type+b.Value }
	var got []hstest.DNSRecord
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got = hs.AppliedExtraRecords(t)
		if cmp.Equal(want, got, cmpopts.SortSlices(less)) {
			return
		}
	}
	t.Fatalf("Headscale's extra records = %v, want %v", got, want)
}
