// Package machines changes machines and Headscale users through Headscale and keeps the shared snapshot in step.
//
// Every action checks what it can before calling Headscale (ownership, names,
// tags, routes, uniqueness), then calls it, then writes what Headscale
// returned into the snapshot so that the very next read shows the change.
// Refusals are *Error values with a status, a stable code, and text written
// for users; see errors.go.
package machines

import (
	"context"
	"log/slog"
	"time"

	"headway/backend/headscale"
)

// Headscale is the part of *headscale.Client this package calls.
type Headscale interface {
	GetNode(ctx context.Context, id string) (headscale.Node, error)
	RenameNode(ctx context.Context, id, name string) (headscale.Node, error)
	ExpireNode(ctx context.Context, id string, at *time.Time, disable bool) (headscale.Node, error)
	DeleteNode(ctx context.Context, id string) error
	SetTags(ctx context.Context, id string, tags []string) (headscale.Node, error)
	ApproveRoutes(ctx context.Context, id string, routes []string) (headscale.Node, error)
	RegisterNode(ctx context.Context, user, authID string) (headscale.Node, error)
	ApproveRegistration(ctx context.Context, authID string) error
	RejectRegistration(ctx context.Context, authID string) error
	CreateUser(ctx context.Context, name, displayName, email string) (headscale.User, error)
	RenameUser(ctx context.Context, id, newName string) (headscale.User, error)
	DeleteUser(ctx context.Context, id string) error
}

var _ Headscale = (*headscale.Client)(nil)

// View is a consistent, read-only view of the tailnet: the part of
// *tailnet.Snapshot this package reads.
type View interface {
	Node(id string) (headscale.Node, bool)
	User(id string) (headscale.User, bool)
	Users() []headscale.User
	NodesOfUser(userID string) []headscale.Node
}

// Snapshotter is the shared snapshot: a View to read from, and the writes
// that keep it in step with Headscale. FromTailnet adapts *tailnet.Tailnet.
// PutUser is expected to show the user's new name on their nodes as well.
type Snapshotter interface {
	Snapshot() View
	PutNode(n headscale.Node)
	DeleteNode(id string)
	PutUser(u headscale.User)
	DeleteUser(id string)
}

// Tailnet is the shape of *tailnet.Tailnet, whose Snapshot returns its own
// concrete type S.
type Tailnet[S View] interface {
	Snapshot() S
	PutNode(n headscale.Node)
	DeleteNode(id string)
	PutUser(u headscale.User)
	DeleteUser(id string)
}

// FromTailnet adapts a Tailnet (such as *tailnet.Tailnet) to a Snapshotter:
// machines.New(hs, machines.FromTailnet(tn), logger).
func FromTailnet[S View](t Tailnet[S]) Snapshotter { return tailnetSnapshotter[S]{t} }

type tailnetSnapshotter[S View] struct{ Tailnet[S] }

func (a tailnetSnapshotter[S]) Snapshot() View { return a.Tailnet.Snapshot() }

// Service changes machines and Headscale users. It is safe for concurrent
// use.
type Service struct {
	hs     Headscale
	snap   Snapshotter
	logger *slog.Logger
}

// New returns a Service calling hs and keeping snap in step. A nil logger
// discards.
func New(hs Headscale, snap Snapshotter, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{hs: hs, snap: snap, logger: logger}
}

// Caller is who asks for a change to a machine.
type Caller struct {
	// CanWrite reports whether the caller holds write_machines: they may
	// manage every machine.
	CanWrite bool
	// HeadscaleUserID is the Headscale user the caller is linked to, "" for
	// none. Without CanWrite, the caller may manage only that user's
	// machines.
	HeadscaleUserID string
}

// CanManage reports whether c may change n: c holds write_machines, or n
// belongs to c's linked Headscale user. Tagged machines belong to nobody.
func (s *Service) CanManage(c Caller, n headscale.Node) bool {
	if c.CanWrite {
		return true
	}
	return c.HeadscaleUserID != "" && n.UserID == c.HeadscaleUserID && len(n.Tags) == 0
}
