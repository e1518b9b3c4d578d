// Package policy reads, checks and saves the ACL policy with optimistic concurrency.
//
// A Document carries a Version, a hash of its text. Save takes the version
// the edit started from and saves only when the policy Headscale holds still
// has it, so that two people editing at once cannot overwrite each other
// unknowingly. Refusals are *Error values; see errors.go.
package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"regexp"
	"strconv"
	"sync"
	"time"

	"headway/backend/audit"
	"headway/backend/headscale"
	"headway/backend/store"
)

// Headscale is the part of *headscale.Client this package calls.
type Headscale interface {
	GetPolicy(ctx context.Context) (headscale.Policy, error)
	SetPolicy(ctx context.Context, text string) (headscale.Policy, error)
	CheckPolicy(ctx context.Context, text string) error
}

var _ Headscale = (*headscale.Client)(nil)

// Policy modes, as Headscale's policy.mode names them.
const (
	ModeDatabase = "database" // stored by Headscale, editable through its API
	ModeFile     = "file"     // read from a file; read-only here
)

// cacheTTL is how long Get trusts the policy it last read.
const cacheTTL = 5 * time.Second

// Document is the ACL policy as Headscale holds it.
type Document struct {
	// Text is the HuJSON policy as written; "" when there is none yet.
	Text string
	// Version identifies Text: the first 16 hex digits of its SHA-256; ""
	// when there is no policy yet.
	Version string
	// UpdatedAt is when the policy was last saved; nil in file mode or when
	// there is none.
	UpdatedAt *time.Time
	// Mode is ModeDatabase or ModeFile.
	Mode string
}

// CheckResult is Headscale's verdict on a policy text.
type CheckResult struct {
	Valid bool
	// Message is Headscale's reason when not Valid.
	Message string
	// Line and Column locate the fault (1-based), 0 when Headscale does not
	// say.
	Line, Column int
}

// Service reads, checks and saves the policy. It is safe for concurrent
// use.
type Service struct {
	hs     Headscale
	logger *slog.Logger
	now    func() time.Time

	saveMu sync.Mutex // serialises Save's read-compare-write in this process
	lock   Locker     // and across processes; nil for one process alone

	mu       sync.Mutex // guards the fields below
	cached   Document
	cachedAt time.Time // zero: nothing cached
	saves    uint64    // saves so far: a read that started before one is not cached
	fileMode bool      // Headscale refused a save because its policy is in a file
}

// Locker takes a lock shared by every Headway process on one database
// (store.Store.Exclusive).
type Locker interface {
	Exclusive(ctx context.Context, key int64, fn func(ctx context.Context) error) error
}

// New returns a Service calling hs. Saves take lock (when not nil) so that
// replicas do not interleave their read-compare-write either. logger may be
// nil.
func New(hs Headscale, lock Locker, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{hs: hs, lock: lock, logger: logger, now: time.Now}
}

// Get returns the current policy, read from Headscale at most every five
// seconds. No policy yet is not an error: an empty Text with Version "",
// from which a first policy can be saved.
//
// Headscale has no call that reports its policy mode. In file mode it lists
// the file's text without an update time, which a stored policy always has,
// so Mode is ModeFile when the text is not empty and UpdatedAt is nil, or
// once Headscale refused a save for being in file mode.
func (s *Service) Get(ctx context.Context) (Document, error) {
	s.mu.Lock()
	if !s.cachedAt.IsZero() && s.now().Sub(s.cachedAt) < cacheTTL {
		d := s.cached
		s.mu.Unlock()
		return d, nil
	}
	s.mu.Unlock()
	return s.read(ctx)
}

// read reads the policy from Headscale and caches it.
func (s *Service) read(ctx context.Context) (Document, error) {
	s.mu.Lock()
	at, saves := s.now(), s.saves
	s.mu.Unlock()
	p, err := s.hs.GetPolicy(ctx)
	if errors.Is(err, headscale.ErrNotFound) {
		p, err = headscale.Policy{}, nil
	}
	if err != nil {
		return Document{}, headscaleFailure("get policy", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.documentLocked(p)
	if saves == s.saves {
		s.cached, s.cachedAt = d, at
	}
	return d, nil
}

// documentLocked turns Headscale's policy into a Document.
func (s *Service) documentLocked(p headscale.Policy) Document {
	d := Document{Text: p.Text, Version: Version(p.Text), UpdatedAt: p.UpdatedAt, Mode: ModeDatabase}
	if s.fileMode || (p.Text != "" && p.UpdatedAt == nil) {
		d.Mode = ModeFile
	}
	return d
}

// Version returns the version of a policy text: "" for no text, else the
// first 16 hex digits of its SHA-256.
func Version(text string) string {
	if text == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])[:16]
}

// Check asks Headscale whether text is a valid policy for the current users
// and machines, without saving it. An invalid policy is a CheckResult, not
// an error.
func (s *Service) Check(ctx context.Context, text string) (CheckResult, error) {
	err := s.hs.CheckPolicy(ctx, text)
	if err == nil {
		return CheckResult{Valid: true}, nil
	}
	if ie := invalidError(err); ie != nil {
		return CheckResult{Message: ie.Message, Line: ie.Line, Column: ie.Column}, nil
	}
	return CheckResult{}, headscaleFailure("check policy", err)
}

// invalidError returns the *InvalidError for a Headscale answer refusing a
// policy, or nil when err is something else.
func invalidError(err error) *InvalidError {
	var ae *headscale.APIError
	if !errors.Is(err, headscale.ErrInvalid) || !errors.As(err, &ae) {
		return nil
	}
	ie := &InvalidError{Message: ae.Message, Err: err}
	ie.Line, ie.Column = position(ae.Message)
	return ie
}

// positionRE finds a position in Headscale's messages, such as
// "parsing policy: parsing HuJSON: hujson: line 1, column 65: invalid character".
var positionRE = regexp.MustCompile(`\bline (\d+), column (\d+)\b`)

// position returns the line and column msg names, or 0, 0.
func position(msg string) (line, column int) {
	m := positionRE.FindStringSubmatch(msg)
	if m == nil {
		return 0, 0
	}
	line, err1 := strconv.Atoi(m[1])
	column, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return 0, 0
	}
	return line, column
}

// Save stores text as the policy, provided the policy Headscale holds still
// has baseVersion (the Version the edit started from; "" for none yet), and
// returns the saved Document.
//
// Save reads the current policy from Headscale, not the cache, and saves
// under a lock, so saves through this Service do not interleave. It
// refuses, saving nothing: in file mode, policy_read_only; when the version
// differs, policy_conflict; when Headscale finds text invalid,
// policy_invalid with an *InvalidError. Saving the text that is already
// there changes nothing and succeeds.
func (s *Service) Save(ctx context.Context, text, baseVersion string) (Document, error) {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if s.lock == nil {
		return s.save(ctx, text, baseVersion)
	}
	var d Document
	err := s.lock.Exclusive(ctx, store.LockPolicySave, func(ctx context.Context) error {
		var err error
		d, err = s.save(ctx, text, baseVersion)
		return err
	})
	return d, err
}

// save is Save under its locks.
func (s *Service) save(ctx context.Context, text, baseVersion string) (Document, error) {
	cur, err := s.read(ctx)
	if err != nil {
		return Document{}, err
	}
	if cur.Mode == ModeFile {
		return Document{}, ErrReadOnly
	}
	if cur.Version != baseVersion {
		return Document{}, ErrConflict
	}
	if text == cur.Text {
		return cur, nil
	}
	// Recorded before Headscale is asked, so that a refused change shows too.
	audit.SetChange(ctx, map[string]any{"version": cur.Version}, map[string]any{"version": Version(text)})
	audit.SetDiff(ctx, "policy.hujson", cur.Text, text)
	if err := s.hs.CheckPolicy(ctx, text); err != nil {
		return Document{}, s.saveFailure(err)
	}
	p, err := s.hs.SetPolicy(ctx, text)
	if err != nil {
		return Document{}, s.saveFailure(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.documentLocked(p)
	s.cached, s.cachedAt = d, s.now()
	s.saves++
	s.logger.InfoContext(ctx, "policy saved", "version", d.Version, "base_version", baseVersion)
	return d, nil
}

// saveFailure maps an error from checking or setting the policy in Save.
func (s *Service) saveFailure(err error) error {
	if ie := invalidError(err); ie != nil {
		return invalid(ie)
	}
	if errors.Is(err, headscale.ErrPolicyModeFile) {
		s.mu.Lock()
		s.fileMode, s.cachedAt = true, time.Time{}
		s.saves++
		s.mu.Unlock()
		return ErrReadOnly.With(err)
	}
	if errors.Is(err, headscale.ErrInvalid) {
		// Refused without Headscale's own answer (the client's checks).
		return invalid(&InvalidError{Message: "the policy is not valid", Err: err})
	}
	return headscaleFailure("save policy", err)
}
