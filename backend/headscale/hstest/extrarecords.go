package hstest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// WithExtraRecords runs Headscale with dns.extra_records_path set to
// extra_records.json in Dir (Server.ExtraRecordsPath, holding [] at start),
// which Headscale watches and applies without a restart. Headscale's debug
// listener then runs on a loopback port, for AppliedExtraRecords.
func WithExtraRecords() Option {
	return func(o *options) { o.extraRecords = true }
}

// DNSRecord is an extra record as Headscale holds it.
type DNSRecord struct {
	Name, Type, Value string
}

// AppliedExtraRecords returns the extra records Headscale currently hands to
// devices, read from its debug endpoint /debug/config; nil when there are
// none. The server must run and have been started WithExtraRecords.
func (s *Server) AppliedExtraRecords(t testing.TB) []DNSRecord {
	t.Helper()
	if s.debugAddr == "" {
		t.Fatalf("hstest: AppliedExtraRecords needs a server started WithExtraRecords")
	}
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get("http://" + s.debugAddr + "/debug/config")
	if err != nil {
		t.Fatalf("hstest: read Headscale's debug config: %v", err)
	}
	defer resp.Body.Close()
	var cfg struct {
		TailcfgDNSConfig *struct {
			ExtraRecords []DNSRecord
		}
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("hstest: GET /debug/config: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&cfg); err != nil {
		t.Fatalf("hstest: decode Headscale's debug config: %v", err)
	}
	if cfg.TailcfgDNSConfig == nil {
		return nil
	}
	return cfg.TailcfgDNSConfig.ExtraRecords
}

// writeExtraRecords creates the extra records file, which must exist when
// Headscale starts.
func (s *Server) writeExtraRecords(t testing.TB) {
	t.Helper()
	s.ExtraRecordsPath = filepath.Join(s.Dir, "extra_records.json")
	if err := os.WriteFile(s.ExtraRecordsPath, []byte("[]\n"), 0o600); err != nil {
		t.Fatalf("hstest: write extra records: %v", err)
	}
}

// freeAddr returns a loopback address with a port free at the time of the call.
func freeAddr() (string, error) {
	port, err := freePort()
	if err != nil {
		return "", err
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(port)), nil
}
