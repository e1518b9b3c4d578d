package dns

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.yaml")

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// fixture copies testdata/headscale.yaml into a fresh directory (mode 0640)
// with an empty extra records file, and returns the config's path.
func fixture(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "headscale.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, src, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "extra-records.json"), []byte("[]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixtureSettings are the settings in testdata/headscale.yaml.
func fixtureSettings() Settings {
	return Settings{
		BaseDomain:        "ts.corp.example",
		MagicDNS:          true,
		GlobalNameservers: []string{"1.1.1.1", "1.0.0.1", "2606:4700:4700::1111"},
		SplitNameservers:  map[string][]string{},
		SearchDomains:     []string{},
		OverrideLocalDNS:  true,
	}
}

func TestGet(t *testing.T) {
	t.Parallel()
	path := fixture(t)
	got, err := New(path, "", discard).Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	settings := fixtureSettings()
	want := State{Configured: true, Writable: true, Settings: &settings, ExtraRecordsConfigured: true, ExtraRecords: []Record{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get() differs (-want +got):\n%s", diff)
	}
}

func TestGetNotConfigured(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notYAML := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(notYAML, []byte("dns: [unclosed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, hint string
	}{
		{"unset", "", "Set headscale.config_path"},
		{"missing", filepath.Join(dir, "nope.yaml"), "does not exist"},
		{"directory", dir, "cannot read"},
		{"not yaml", notYAML, "is not a Headscale configuration"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(tc.path, "echo restarted", discard)
			st, err := s.Get(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if st.Configured || st.Settings != nil || !strings.Contains(st.Hint, tc.hint) {
				t.Errorf("Get() = %+v, want not configured with a hint containing %q", st, tc.hint)
			}
			if _, err := s.Save(context.Background(), fixtureSettings()); !errors.Is(err, ErrDNSNotConfigured) {
				t.Errorf("Save() error = %v, want dns_not_configured", err)
			}
			if _, err := s.SetExtraRecords(context.Background(), nil); !errors.Is(err, ErrDNSNotConfigured) {
				t.Errorf("SetExtraRecords() error = %v, want dns_not_configured", err)
			}
		})
	}
}

// TestSaveGolden edits a commented configuration: only the DNS values
// change, every comment and other key stays as it was.
func TestSaveGolden(t *testing.T) {
	t.Parallel()
	path := fixture(t)
	s := New(path, "", discard)
	saved, err := s.Save(context.Background(), Settings{
		BaseDomain:        "tailnet.corp.example",
		MagicDNS:          true,
		GlobalNameservers: []string{"9.9.9.9", "https://dns.quad9.net/dns-query", "2606:4700:4700::1111"},
		SplitNameservers:  map[string][]string{"corp.example": {"10.0.0.53", "10.0.1.53"}, "lab.example": {"fd00::53"}},
		SearchDomains:     []string{"corp.example"},
		OverrideLocalDNS:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Saved{RestartRequired: true}, saved); diff != "" {
		t.Errorf("Save() differs (-want +got):\n%s", diff)
	}
	got := read(t, path)
	golden := filepath.Join("testdata", "headscale.golden.yaml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(string(read(t, golden)), string(got)); diff != "" {
		t.Errorf("saved file differs from %s (-want +got):\n%s", golden, diff)
	}

	// Read back, the file holds what was saved.
	st, err := s.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Settings == nil || st.Settings.BaseDomain != "tailnet.corp.example" || len(st.Settings.SplitNameservers) != 2 {
		t.Errorf("Get() after Save = %+v", st.Settings)
	}
}

func TestSaveNoOp(t *testing.T) {
	t.Parallel()
	path := fixture(t)
	before := read(t, path)
	fiBefore, _ := os.Stat(path)
	marker := filepath.Join(t.TempDir(), "restarted")
	s := New(path, "touch "+marker, discard)

	// The same settings, spelled differently.
	same := fixtureSettings()
	same.BaseDomain = " TS.corp.example. "
	same.GlobalNameservers = append(same.GlobalNameservers, "  ")
	saved, err := s.Save(context.Background(), same)
	if err != nil {
		t.Fatal(err)
	}
	if saved.RestartRequired || saved.Restart != nil {
		t.Errorf("Save(same) = %+v, want no restart", saved)
	}
	if !bytes.Equal(read(t, path), before) {
		t.Error("Save(same) changed the file")
	}
	if fiAfter, _ := os.Stat(path); !os.SameFile(fiBefore, fiAfter) {
		t.Error("Save(same) replaced the file")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("Save(same) ran the restart command")
	}
}

func TestSaveInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Settings)
		field  string
	}{
		{"base domain not a name", func(s *Settings) { s.BaseDomain = "corp example" }, "baseDomain"},
		{"base domain label too long", func(s *Settings) { s.BaseDomain = strings.Repeat("a", 64) + ".example" }, "baseDomain"},
		{"base domain is the server's", func(s *Settings) { s.BaseDomain = "vpn.corp.example" }, "baseDomain"},
		{"base domain is the server's parent", func(s *Settings) { s.BaseDomain = "corp.example" }, "baseDomain"},
		{"magic dns without base domain", func(s *Settings) { s.BaseDomain = "" }, "baseDomain"},
		{"nameserver not an address", func(s *Settings) { s.GlobalNameservers = []string{"1.1.1.1", "dns.google"} }, "globalNameservers[1]"},
		{"nameserver plain http", func(s *Settings) { s.GlobalNameservers = []string{"http://dns.example/q"} }, "globalNameservers[0]"},
		{"override without nameservers", func(s *Settings) { s.GlobalNameservers = nil }, "globalNameservers"},
		{"split domain not a name", func(s *Settings) { s.SplitNameservers = map[string][]string{"a..b": {"10.0.0.1"}} }, "splitNameservers"},
		{"split nameserver not an address", func(s *Settings) { s.SplitNameservers = map[string][]string{"corp.example": {"x"}} }, "splitNameservers[corp.example][0]"},
		{"search domain not a name", func(s *Settings) { s.SearchDomains = []string{"-corp.example"} }, "searchDomains[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := fixture(t)
			before := read(t, path)
			st := fixtureSettings()
			tc.change(&st)
			_, err := New(path, "echo restarted", discard).Save(context.Background(), st)
			var e *Error
			if !errors.As(err, &e) || e.Code != "dns_invalid" || e.Status != 400 || e.Field != tc.field {
				t.Fatalf("Save() error = %v, want dns_invalid on %s", err, tc.field)
			}
			if !bytes.Equal(read(t, path), before) {
				t.Error("refused Save changed the file")
			}
		})
	}
}

// TestSaveAtomic: the file is replaced by rename, keeps its mode, and no
// temporary file is left behind.
func TestSaveAtomic(t *testing.T) {
	t.Parallel()
	path := fixture(t)
	if err := os.Chmod(path, 0o604); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	st := fixtureSettings()
	st.SearchDomains = []string{"corp.example"}
	if _, err := New(path, "", discard).Save(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if after.Mode().Perm() != 0o604 {
		t.Errorf("mode after Save = %v, want -rw----r--", after.Mode().Perm())
	}
	if os.SameFile(before, after) {
		t.Error("Save wrote the file in place, want a new file renamed over it")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"config.yaml", "extra-records.json"}, names); diff != "" {
		t.Errorf("directory after Save (-want +got):\n%s", diff)
	}
}

// TestSaveSymlink: a symbolic link to the configuration stays a link; its
// target is replaced.
func TestSaveSymlink(t *testing.T) {
	t.Parallel()
	path := fixture(t)
	link := filepath.Join(t.TempDir(), "headscale.yaml")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	st := fixtureSettings()
	st.MagicDNS = false
	if _, err := New(link, "", discard).Save(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("Lstat(link) = %v, %v, want a symbolic link", fi, err)
	}
	if !bytes.Contains(read(t, path), []byte("magic_dns: false")) {
		t.Errorf("target not updated:\n%s", read(t, path))
	}
}

func TestSaveRestart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, command string
		want          Saved
	}{
		{"ok", "echo restarted", Saved{Restart: &RestartResult{OK: true, Output: "restarted\n"}}},
		{"failed", "echo cannot restart >&2; false", Saved{RestartRequired: true,
			Restart: &RestartResult{Output: "cannot restart\n\nexit status 1"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := fixture(t)
			st := fixtureSettings()
			st.BaseDomain = "ts2.corp.example"
			got, err := New(path, tc.command, discard).Save(context.Background(), st)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Save() differs (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("long output", func(t *testing.T) {
		t.Parallel()
		path := fixture(t)
		st := fixtureSettings()
		st.MagicDNS = false
		got, err := New(path, "seq 1 5000; echo done", discard).Save(context.Background(), st)
		if err != nil {
			t.Fatal(err)
		}
		if out := got.Restart.Output; len(out) > restartMaxOutput || !strings.HasPrefix(out, "…\n") ||
			!strings.HasSuffix(out, "4999\n5000\ndone\n") {
			t.Errorf("Output is %d bytes: %.40q…%q, want at most 4 KiB ending in the last lines", len(out), out, out[max(0, len(out)-20):])
		}
	})

	t.Run("cancelled request", func(t *testing.T) {
		t.Parallel()
		path := fixture(t)
		st := fixtureSettings()
		st.MagicDNS = false
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // the caller left: the restart still runs to its end
		got, err := New(path, "sleep 0.2; echo restarted", discard).Save(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if got.Restart == nil || !got.Restart.OK {
			t.Errorf("Save(cancelled) = %+v, want the restart to have run", got.Restart)
		}
	})
}

func TestReadOnly(t *testing.T) {
	t.Parallel()
	path := fixture(t)
	dir := filepath.Dir(path)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	s := New(path, "echo restarted", discard)
	if os.Geteuid() == 0 {
		// root may write anything: pretend the permissions hold.
		s.writable = func(string) bool { return false }
	}
	st, err := s.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !st.Configured || st.Writable || st.ExtraRecordsConfigured || !strings.Contains(st.Hint, "read-only") {
		t.Errorf("Get() = %+v, want configured, read-only, a hint", st)
	}
	changed := fixtureSettings()
	changed.MagicDNS = false
	if _, err := s.Save(context.Background(), changed); !errors.Is(err, ErrDNSReadOnly) {
		t.Errorf("Save() error = %v, want dns_read_only", err)
	}
	// A no-op needs no write access.
	if _, err := s.Save(context.Background(), fixtureSettings()); err != nil {
		t.Errorf("Save(same) error = %v, want none", err)
	}
	if _, err := s.SetExtraRecords(context.Background(), nil); !errors.Is(err, ErrExtraRecordsNotConfigured) {
		t.Errorf("SetExtraRecords() error = %v, want extra_records_not_configured", err)
	}
}

func TestSetExtraRecords(t *testing.T) {
	t.Parallel()
	path := fixture(t)
	s := New(path, "", discard)
	got, err := s.SetExtraRecords(context.Background(), []Record{
		{Name: "Grafana.ts.corp.example.", Type: "a", Value: " 100.64.0.7 "},
		{Name: "grafana.ts.corp.example", Type: "AAAA", Value: "FD7A:115C:A1E0::7"},
		{Name: "grafana.ts.corp.example", Type: "A", Value: "100.64.0.7"}, // a duplicate
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{
		{Name: "grafana.ts.corp.example", Type: "A", Value: "100.64.0.7"},
		{Name: "grafana.ts.corp.example", Type: "AAAA", Value: "fd7a:115c:a1e0::7"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SetExtraRecords() differs (-want +got):\n%s", diff)
	}
	file := filepath.Join(filepath.Dir(path), "extra-records.json")
	wantFile := `[
  {
    "name": "grafana.ts.corp.example",
    "type": "A",
    "value": "100.64.0.7"
  },
  {
    "name": "grafana.ts.corp.example",
    "type": "AAAA",
    "value": "fd7a:115c:a1e0::7"
  }
]
`
	if diff := cmp.Diff(wantFile, string(read(t, file))); diff != "" {
		t.Errorf("extra records file differs (-want +got):\n%s", diff)
	}
	if st, err := s.Get(context.Background()); err != nil || !cmp.Equal(want, st.ExtraRecords) {
		t.Errorf("Get().ExtraRecords = %v, %v, want %v", st.ExtraRecords, err, want)
	}

	// None left: the file holds an empty list, which Headscale applies
	// (null it would ignore).
	if got, err := s.SetExtraRecords(context.Background(), nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("SetExtraRecords(nil) = %#v, %v, want []", got, err)
	}
	if string(read(t, file)) != "[]\n" {
		t.Errorf("extra records file = %q, want []", read(t, file))
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o644 {
		t.Errorf("extra records file mode = %v, want it kept", fi.Mode().Perm())
	}
}

func TestSetExtraRecordsInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		r     Record
		field string
	}{
		{"name", Record{Name: "not a name", Type: "A", Value: "100.64.0.1"}, "records[1].name"},
		{"type", Record{Name: "x.example", Type: "CNAME", Value: "y.example"}, "records[1].type"},
		{"A with IPv6", Record{Name: "x.example", Type: "A", Value: "fd00::1"}, "records[1].value"},
		{"A not an address", Record{Name: "x.example", Type: "A", Value: "100.64.0"}, "records[1].value"},
		{"AAAA with IPv4", Record{Name: "x.example", Type: "AAAA", Value: "100.64.0.1"}, "records[1].value"},
		{"AAAA with mapped IPv4", Record{Name: "x.example", Type: "AAAA", Value: "::ffff:100.64.0.1"}, "records[1].value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := fixture(t)
			file := filepath.Join(filepath.Dir(path), "extra-records.json")
			before := read(t, file)
			ok := Record{Name: "ok.example", Type: "A", Value: "100.64.0.1"}
			_, err := New(path, "", discard).SetExtraRecords(context.Background(), []Record{ok, tc.r})
			var e *Error
			if !errors.As(err, &e) || e.Code != "record_invalid" || e.Status != 400 || e.Field != tc.field {
				t.Fatalf("SetExtraRecords() error = %v, want record_invalid on %s", err, tc.field)
			}
			if !bytes.Equal(read(t, file), before) {
				t.Error("refused SetExtraRecords changed the file")
			}
		})
	}
}

func TestExtraRecordsNotConfigured(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, dns, hint string }{
		{"no path", "dns: {magic_dns: false}\n", "set dns.extra_records_path"},
		{"inline records", "dns:\n  magic_dns: false\n  extra_records:\n    - {name: a.example, type: A, value: 100.64.0.1}\n",
			"dns.extra_records, which only a restart applies"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte("server_url: https://hs.example\n"+tc.dns), 0o600); err != nil {
				t.Fatal(err)
			}
			s := New(path, "", discard)
			st, err := s.Get(context.Background())
			if err != nil || !st.Configured || st.ExtraRecordsConfigured || !strings.Contains(st.Hint, tc.hint) {
				t.Errorf("Get() = %+v, %v, want extra records not configured, hint %q", st, err, tc.hint)
			}
			if _, err := s.SetExtraRecords(context.Background(), nil); !errors.Is(err, ErrExtraRecordsNotConfigured) {
				t.Errorf("SetExtraRecords() error = %v, want extra_records_not_configured", err)
			}
		})
	}
}
