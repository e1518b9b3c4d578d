// Package dns reads and edits Headscale's DNS settings in its configuration file, and its extra records file.
//
// Headscale has no API for DNS. Its settings live in the dns section of its
// config.yaml, read only at start; its extra records in the JSON file named by
// dns.extra_records_path, which Headscale watches and applies at once. Edits
// of config.yaml change only the values of the DNS keys and keep every other
// byte; both files are replaced atomically.
package dns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"headway/backend/audit"
)

// Settings are the DNS settings Headscale hands to devices, as in its
// configuration file (dns.base_domain, dns.magic_dns, dns.nameservers.global,
// dns.nameservers.split, dns.search_domains, dns.override_local_dns). Lists
// and maps are never nil.
type Settings struct {
	BaseDomain        string
	MagicDNS          bool
	GlobalNameservers []string            // IP addresses or https:// DNS-over-HTTPS URLs
	SplitNameservers  map[string][]string // domain → nameservers
	SearchDomains     []string
	OverrideLocalDNS  bool
}

// Record is one extra DNS record, as in Headscale's extra records file.
type Record struct {
	Name  string `json:"name"`
	Type  string `json:"type"` // A or AAAA
	Value string `json:"value"`
}

// State is what Get found.
type State struct {
	// Configured reports whether Headscale's configuration file was read;
	// Settings is set exactly then.
	Configured bool
	// Writable reports whether Headway can replace the configuration file.
	Writable bool
	Settings *Settings
	// ExtraRecordsConfigured reports whether dns.extra_records_path names a
	// file Headway can replace; ExtraRecords are the records in force either
	// way (from the file, or from dns.extra_records), never nil.
	ExtraRecordsConfigured bool
	ExtraRecords           []Record
	// Hint says how to enable what is missing; "" when nothing is.
	Hint string
}

// Saved is the outcome of Save.
type Saved struct {
	// RestartRequired reports whether Headscale still has to be restarted
	// to apply the settings: they changed and no restart command succeeded.
	RestartRequired bool
	// Restart is the restart command's result; nil when none ran.
	Restart *RestartResult
}

// RestartResult is how headscale.restart_command ended.
type RestartResult struct {
	OK     bool
	Output string // combined output, at most 4 KiB, with the exit status on failure
}

// Service reads and edits one Headscale configuration file. It is safe for
// concurrent use; writes are serialized.
type Service struct {
	configPath     string
	restartCommand string
	logger         *slog.Logger
	// writable reports whether a file can be replaced; tests running as
	// root, who may write anything, replace it.
	writable func(path string) bool
	mu       sync.Mutex
}

// New returns a Service for Headscale's configuration file at configPath (""
// when not configured), running restartCommand with sh -c after a change of
// settings ("" for none).
func New(configPath, restartCommand string, logger *slog.Logger) *Service {
	return &Service{configPath: configPath, restartCommand: restartCommand, logger: logger, writable: writable}
}

// config is Headscale's configuration file as read.
type config struct {
	path string // symbolic links resolved: the file to replace
	src  []byte
	doc  *doc
	dns  fileDNS
}

// read reads and parses the configuration file; errors are *Error
// dns_not_configured.
func (s *Service) read() (*config, error) {
	if s.configPath == "" {
		return nil, ErrDNSNotConfigured.With(errors.New("headscale.config_path is not set"))
	}
	path, err := filepath.EvalSymlinks(s.configPath)
	if err != nil {
		return nil, ErrDNSNotConfigured.WithHint(readHint(s.configPath, err), err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, ErrDNSNotConfigured.WithHint(readHint(s.configPath, err), err)
	}
	d, err := parseDoc(src)
	var f fileDNS
	if err == nil {
		f, err = decodeDNS(d)
	}
	if err != nil {
		return nil, ErrDNSNotConfigured.WithHint(
			fmt.Sprintf("%s is not a Headscale configuration Headway can read (%v): correct it, or point headscale.config_path at Headscale's config.yaml.",
				s.configPath, err), err)
	}
	return &config{path: path, src: src, doc: d, dns: f}, nil
}

func readHint(path string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("headscale.config_path is %s, which does not exist: set it to Headscale's config.yaml.", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("Headway may not read %s (headscale.config_path): let the user Headway runs as read it, "+
			"and write it and its directory to change the settings.", path)
	}
	return fmt.Sprintf("Headway cannot read %s (headscale.config_path): %v.", path, err)
}

// extraRecordsPath returns the extra records file named in the
// configuration, relative paths taken from the configuration file's
// directory; "" when none is named.
func (c *config) extraRecordsPath() string {
	p := strings.TrimSpace(c.dns.DNS.ExtraRecordsPath)
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(c.path), p)
}

// Get returns the DNS settings and extra records in Headscale's
// configuration. A configuration Headway cannot read is not an error: State
// then says so, with a Hint on how to enable it.
func (s *Service) Get(ctx context.Context) (State, error) {
	st := State{ExtraRecords: []Record{}}
	c, err := s.read()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return st, err
		}
		if s.configPath != "" {
			s.logger.WarnContext(ctx, "cannot read Headscale's configuration", "path", s.configPath, "error", err)
		}
		st.Hint = e.Hint
		return st, nil
	}
	settings := c.dns.settings()
	st.Configured, st.Settings = true, &settings
	st.Writable = s.writable(c.path)
	var hints []string
	if !st.Writable {
		hints = append(hints, fmt.Sprintf("Headway may not write %s or its directory: the settings are read-only here.", s.configPath))
	}

	path := c.extraRecordsPath()
	switch {
	case path != "":
		rs, err := readRecords(path)
		if err != nil {
			s.logger.WarnContext(ctx, "cannot read Headscale's extra records", "path", path, "error", err)
			hints = append(hints, fmt.Sprintf("Headway cannot read the extra records file %s (dns.extra_records_path): %v.", path, err))
			break
		}
		st.ExtraRecords = rs
		st.ExtraRecordsConfigured = s.writable(path)
		if !st.ExtraRecordsConfigured {
			hints = append(hints, fmt.Sprintf("Headway may not write the extra records file %s or its directory: the records are read-only here.", path))
		}
	case c.dns.DNS.ExtraRecords.Kind != 0:
		var rs []Record
		if err := c.dns.DNS.ExtraRecords.Decode(&rs); err == nil && rs != nil {
			st.ExtraRecords = rs
		}
		hints = append(hints, "The extra records are in dns.extra_records, which only a restart applies. "+hintExtraRecords)
	default:
		hints = append(hints, "To manage extra records: "+hintExtraRecords)
	}
	st.Hint = strings.Join(hints, " ")
	return st, nil
}

// Save writes st into the dns section of Headscale's configuration file,
// keeping comments and every other key, then runs the restart command when
// one is set. Settings equal to the file's leave it untouched and restart
// nothing. Refusals: dns_not_configured, dns_read_only, dns_invalid.
func (s *Service) Save(ctx context.Context, st Settings) (Saved, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.read()
	if err != nil {
		return Saved{}, err
	}
	want := st.normalize()
	if err := want.validate(c.dns.ServerURL); err != nil {
		return Saved{}, err
	}
	if want.equal(c.dns.settings()) {
		return Saved{}, nil
	}
	old := c.dns.settings()
	audit.SetChange(ctx, old.auditObject(), want.auditObject())
	audit.SetDiff(ctx, "dns.yaml", old.auditText(), want.auditText())
	if !s.writable(c.path) {
		return Saved{}, ErrDNSReadOnly.With(fmt.Errorf("%s is not writable", c.path))
	}

	out, err := c.doc.setSettings(want)
	if err != nil {
		return Saved{}, fmt.Errorf("dns: edit %s: %w", c.path, err)
	}
	if err := verify(out, c.src, want); err != nil {
		return Saved{}, fmt.Errorf("dns: edit %s: %w", c.path, err)
	}
	if err := writeFile(c.path, out); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return Saved{}, ErrDNSReadOnly.With(err)
		}
		return Saved{}, fmt.Errorf("dns: write %s: %w", c.path, err)
	}
	s.logger.InfoContext(ctx, "Headscale DNS settings saved", "path", c.path, "base_domain", want.BaseDomain,
		"magic_dns", want.MagicDNS)

	saved := Saved{RestartRequired: true}
	if s.restartCommand != "" {
		saved.Restart = s.restart(ctx)
		saved.RestartRequired = !saved.Restart.OK
	}
	return saved, nil
}

// verify checks an edited file: it parses, holds the wanted settings, and
// the same data as the original everywhere else.
func verify(out, orig []byte, want Settings) error {
	d, err := parseDoc(out)
	if err != nil {
		return fmt.Errorf("the edited file does not parse: %w", err)
	}
	f, err := decodeDNS(d)
	if err != nil {
		return err
	}
	if !f.settings().equal(want) {
		return errors.New("the edited file does not hold the new settings")
	}
	if !sameOutsideDNS(orig, out) {
		return errors.New("the edit changed more than the DNS settings")
	}
	return nil
}

// SetExtraRecords replaces the records in the extra records file Headscale
// watches, and returns them as written (normalized, without duplicates).
// Refusals: dns_not_configured, extra_records_not_configured, record_invalid.
func (s *Service) SetExtraRecords(ctx context.Context, rs []Record) ([]Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.read()
	if err != nil {
		return nil, err
	}
	path := c.extraRecordsPath()
	if path == "" {
		return nil, ErrExtraRecordsNotConfigured.With(errors.New("dns.extra_records_path is not set"))
	}
	recs, err := normalizeRecords(rs)
	if err != nil {
		return nil, err
	}
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}
	if !s.writable(path) {
		return nil, ErrExtraRecordsNotConfigured.WithHint(
			fmt.Sprintf("Headway may not write the extra records file %s or its directory: let the user Headway runs as write both.", path),
			fmt.Errorf("%s is not writable", path))
	}
	before, err := readRecords(path)
	if err != nil {
		before = nil // unreadable or missing: replaced all the same, and the diff shows everything as new
	}
	audit.SetChange(ctx, map[string]any{"records": len(before)}, map[string]any{"records": len(recs)})
	audit.SetDiff(ctx, "extra-records.json", recordsText(before), recordsText(recs))
	if err := writeFile(path, []byte(recordsText(recs))); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, ErrExtraRecordsNotConfigured.With(err)
		}
		return nil, fmt.Errorf("dns: write %s: %w", path, err)
	}
	s.logger.InfoContext(ctx, "Headscale extra records saved", "path", path, "records", len(recs))
	return recs, nil
}

// readRecords reads an extra records file; an empty file holds no records.
func readRecords(path string) ([]Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rs := []Record{}
	if len(strings.TrimSpace(string(b))) == 0 {
		return rs, nil
	}
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, fmt.Errorf("not a JSON list of records: %w", err)
	}
	if rs == nil {
		rs = []Record{}
	}
	return rs, nil
}
