// Package keys manages pre-auth keys and Headscale API keys, within what the caller may do.
//
// Every call goes to Headscale: these pages are visited rarely, and listing
// API keys costs Headscale a bcrypt check per call. Only the expiry of
// Headway's own API key, shown on every page, is cached. Refusals are *Error
// values with a status, a stable code and text written for users; see
// errors.go.
package keys

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"headway/backend/auth"
	"headway/backend/headscale"
)

// Headscale is the part of *headscale.Client this package calls.
type Headscale interface {
	ListPreAuthKeys(ctx context.Context) ([]headscale.PreAuthKey, error)
	CreatePreAuthKey(ctx context.Context, r headscale.PreAuthKeyRequest) (headscale.PreAuthKey, error)
	ExpirePreAuthKey(ctx context.Context, id string) error
	ListAPIKeys(ctx context.Context) ([]headscale.APIKey, error)
	CreateAPIKey(ctx context.Context, expiration time.Time) (string, error)
	ExpireAPIKey(ctx context.Context, prefix string) error
	DeleteAPIKey(ctx context.Context, prefix string) error
}

var _ Headscale = (*headscale.Client)(nil)

// Users looks Headscale users up by id in the shared snapshot. It only fills
// in user names Headscale left out; it is never the authority on whether a
// user exists. FromTailnet adapts *tailnet.Tailnet; nil is allowed.
type Users interface {
	User(id string) (headscale.User, bool)
}

// UserView is the part of *tailnet.Snapshot that Users reads.
type UserView interface {
	User(id string) (headscale.User, bool)
}

// Tailnet is the shape of *tailnet.Tailnet, whose Snapshot returns its own
// concrete type S.
type Tailnet[S UserView] interface {
	Snapshot() S
}

// FromTailnet adapts a Tailnet (such as *tailnet.Tailnet) to Users, reading
// its current snapshot on every lookup: keys.New(hs, keys.FromTailnet(tn), …).
func FromTailnet[S UserView](t Tailnet[S]) Users { return tailnetUsers[S]{t} }

type tailnetUsers[S UserView] struct{ t Tailnet[S] }

func (u tailnetUsers[S]) User(id string) (headscale.User, bool) { return u.t.Snapshot().User(id) }

// Limits on how far ahead a new key's expiration may lie.
const (
	MaxPreAuthKeyDays = 365
	MaxAPIKeyDays     = 730
)

// ownKeyTTL is how long OwnKeyExpiry trusts what it last read.
const ownKeyTTL = 10 * time.Minute

// Service manages pre-auth keys and API keys. It is safe for concurrent use.
type Service struct {
	hs        Headscale
	users     Users
	ownPrefix string // the stored prefix of Headway's own API key; "" when unknown
	logger    *slog.Logger
	now       func() time.Time

	ownMu     sync.Mutex // serialises OwnKeyExpiry's reads of Headscale
	ownAt     time.Time  // when ownExpiry was read; zero: never
	ownExpiry time.Time
	ownKnown  bool
}

// New returns a Service calling hs. users may be nil. ownAPIKey is the key
// Headway itself uses, so that it can be recognised in lists and protected
// from being expired or deleted here; it is kept only as its (non-secret)
// prefix. logger may be nil.
func New(hs Headscale, users Users, ownAPIKey string, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{hs: hs, users: users, logger: logger, now: time.Now}
	if ownAPIKey != "" {
		p, err := auth.ParseAPIKeyPrefix(ownAPIKey)
		if err != nil {
			logger.Warn("headway's own api key has an unknown format: it will not be recognised in the api key list")
		}
		s.ownPrefix = p
	}
	return s
}
