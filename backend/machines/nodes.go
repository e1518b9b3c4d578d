package machines

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"headway/backend/audit"
	"headway/backend/headscale"
)

// exitRoutes are the two routes that together make a machine an exit node.
var exitRoutes = []string{"0.0.0.0/0", "::/0"}

// machine returns node id from the snapshot when c may manage it. Without
// write_machines, a node that is not in the snapshot or not the caller's is
// forbidden alike, so that the answer does not reveal whether it exists.
func (s *Service) machine(c Caller, id string) (headscale.Node, error) {
	n, ok := s.snap.Snapshot().Node(id)
	switch {
	case !c.CanWrite && (!ok || !s.CanManage(c, n)):
		return headscale.Node{}, ErrForbidden.With(nil)
	case !ok:
		return headscale.Node{}, ErrMachineNotFound.With(nil)
	}
	return n, nil
}

// nodeFailure maps an error from Headscale about node id. A node Headscale
// does not know is dropped from the snapshot.
func (s *Service) nodeFailure(op, id string, err error) error {
	if errors.Is(err, headscale.ErrNotFound) {
		s.snap.DeleteNode(id)
		s.logger.Debug("machine gone from headscale, dropped from the snapshot", "node_id", id, "operation", op)
	}
	return headscaleFailure(op, err, ErrMachineNotFound)
}

// Rename sets machine id's given name, its MagicDNS name. name must be a DNS
// label as Headscale checks it; the case is kept.
func (s *Service) Rename(ctx context.Context, c Caller, id, name string) (headscale.Node, error) {
	old, err := s.machine(c, id)
	if err != nil {
		return headscale.Node{}, err
	}
	audit.SetChange(ctx, map[string]any{"givenName": old.GivenName}, map[string]any{"givenName": name})
	if !validMachineName(name) {
		return headscale.Node{}, ErrMachineNameInvalid.With(fmt.Errorf("rename node %s: %q is not a DNS label", id, name))
	}
	n, err := s.hs.RenameNode(ctx, id, name)
	switch {
	case errors.Is(err, headscale.ErrConflict):
		return headscale.Node{}, ErrMachineNameTaken.With(err)
	case errors.Is(err, headscale.ErrInvalid):
		return headscale.Node{}, ErrMachineNameInvalid.With(err)
	case err != nil && strings.Contains(strings.ToLower(headscaleMessage(err)), "must be lowercase"):
		// Headscale v0.28 takes only lower-case names and says so with a 500
		// ("hostname \"Web\" must be lowercase"); v0.29 keeps the case.
		e := ErrMachineNameInvalid.With(err)
		e.Message = "This Headscale takes machine names in lower case only."
		e.Hint = fmt.Sprintf("Try %q.", strings.ToLower(name))
		return headscale.Node{}, e
	case err != nil && strings.Contains(strings.ToLower(headscaleMessage(err)), "fqdn"):
		// The label is fine but, with Headscale's base_domain, the name is
		// longer than a DNS name may be.
		e := ErrMachineNameInvalid.With(err)
		e.Message = "That name is too long for this tailnet's MagicDNS domain."
		e.Hint = "Choose a shorter name."
		return headscale.Node{}, e
	case err != nil:
		return headscale.Node{}, s.nodeFailure("rename node "+id, id, err)
	}
	s.snap.PutNode(n)
	return n, nil
}

// Expire sets machine id's key expiry: to at, or to now when at is nil; with
// disable, the key never expires (at must then be nil).
func (s *Service) Expire(ctx context.Context, c Caller, id string, at *time.Time, disable bool) (headscale.Node, error) {
	old, err := s.machine(c, id)
	if err != nil {
		return headscale.Node{}, err
	}
	audit.SetChange(ctx, map[string]any{"expiry": old.Expiry}, map[string]any{"expiry": at, "disableExpiry": disable})
	if at != nil && disable {
		return headscale.Node{}, ErrExpiryInvalid.With(nil)
	}
	n, err := s.hs.ExpireNode(ctx, id, at, disable)
	if err != nil {
		return headscale.Node{}, s.nodeFailure("expire node "+id, id, err)
	}
	audit.SetChange(ctx, map[string]any{"expiry": old.Expiry}, map[string]any{"expiry": n.Expiry})
	s.snap.PutNode(n)
	return n, nil
}

// Delete deletes machine id from Headscale.
func (s *Service) Delete(ctx context.Context, c Caller, id string) error {
	old, err := s.machine(c, id)
	if err != nil {
		return err
	}
	audit.SetChange(ctx, map[string]any{"name": old.Name, "givenName": old.GivenName, "user": old.UserID, "tags": old.Tags}, nil)
	if err := s.hs.DeleteNode(ctx, id); err != nil {
		return s.nodeFailure("delete node "+id, id, err)
	}
	s.snap.DeleteNode(id)
	return nil
}

// SetTags replaces machine id's tags. Each must look like tag:name and be in
// the policy's tagOwners (Headscale checks that: tag_not_allowed). Tagging a
// user's machine makes it a tagged machine for good: its tags own it, and
// they can be changed but not all removed.
func (s *Service) SetTags(ctx context.Context, c Caller, id string, tags []string) (headscale.Node, error) {
	old, err := s.machine(c, id)
	if err != nil {
		return headscale.Node{}, err
	}
	audit.SetChange(ctx, map[string]any{"tags": old.Tags}, map[string]any{"tags": tags})
	if len(tags) == 0 {
		e := ErrTagInvalid.With(nil)
		e.Message = "Give at least one tag."
		e.Hint = "A tagged machine stays tagged: its tags can be changed, but not all removed."
		return headscale.Node{}, e
	}
	for _, t := range tags {
		if !validTag(t) {
			e := ErrTagInvalid.With(fmt.Errorf("set tags of node %s: %q", id, t))
			e.Message = fmt.Sprintf("%q is not a valid tag.", t)
			return headscale.Node{}, e
		}
	}
	n, err := s.hs.SetTags(ctx, id, tags)
	if errors.Is(err, headscale.ErrInvalid) {
		msg := headscaleMessage(err)
		if strings.Contains(strings.ToLower(msg), "not permitted") {
			e := ErrTagNotAllowed.With(err)
			e.Message = "Headscale refused the tags: " + msg + "."
			return headscale.Node{}, e
		}
		e := ErrTagInvalid.With(err)
		if msg != "" {
			e.Message = "Headscale refused the tags: " + msg + "."
		}
		return headscale.Node{}, e
	}
	if err != nil {
		return headscale.Node{}, s.nodeFailure("set tags of node "+id, id, err)
	}
	audit.SetChange(ctx, map[string]any{"tags": old.Tags}, map[string]any{"tags": n.Tags})
	s.snap.PutNode(n)
	return n, nil
}

// SetRoutes replaces machine id's approved routes with routes (IP prefixes
// without host bits); an empty list removes them all. Either exit route
// (0.0.0.0/0, ::/0) approves both.
func (s *Service) SetRoutes(ctx context.Context, c Caller, id string, routes []string) (headscale.Node, error) {
	old, err := s.machine(c, id)
	if err != nil {
		return headscale.Node{}, err
	}
	audit.SetChange(ctx, routesAudit(old.ApprovedRoutes), routesAudit(routes))
	prefixes := make([]string, 0, len(routes))
	for _, r := range routes {
		p, err := parseRoute(r)
		if err != nil {
			e := ErrRouteInvalid.With(fmt.Errorf("set routes of node %s: %q: %w", id, r, err))
			e.Message = fmt.Sprintf("%q is not a valid route.", r)
			if p, perr := netip.ParsePrefix(strings.TrimSpace(r)); perr == nil {
				e.Hint = fmt.Sprintf("Routes are network prefixes: did you mean %s?", p.Masked())
			}
			return headscale.Node{}, e
		}
		prefixes = append(prefixes, p.String())
	}
	return s.approveRoutes(ctx, id, old.ApprovedRoutes, prefixes)
}

// SetExitNode approves (enabled) or removes both exit routes of machine id,
// keeping its other approved routes.
func (s *Service) SetExitNode(ctx context.Context, c Caller, id string, enabled bool) (headscale.Node, error) {
	if _, err := s.machine(c, id); err != nil {
		return headscale.Node{}, err
	}
	// The routes approved now, from Headscale rather than the snapshot, so
	// that a route approved meanwhile is kept.
	n, err := s.hs.GetNode(ctx, id)
	if err != nil {
		return headscale.Node{}, s.nodeFailure("get node "+id, id, err)
	}
	routes := slices.DeleteFunc(slices.Clone(n.ApprovedRoutes), func(r string) bool {
		p, err := netip.ParsePrefix(r)
		return err == nil && p.Bits() == 0
	})
	if enabled {
		routes = append(routes, exitRoutes...)
	}
	return s.approveRoutes(ctx, id, n.ApprovedRoutes, routes)
}

// approveRoutes replaces node id's approved routes, before, with routes.
func (s *Service) approveRoutes(ctx context.Context, id string, before, routes []string) (headscale.Node, error) {
	audit.SetChange(ctx, routesAudit(before), routesAudit(routes))
	n, err := s.hs.ApproveRoutes(ctx, id, routes)
	if errors.Is(err, headscale.ErrInvalid) {
		e := ErrRouteInvalid.With(err)
		if msg := headscaleMessage(err); msg != "" {
			e.Message = "Headscale refused the routes: " + msg + "."
		}
		return headscale.Node{}, e
	}
	if err != nil {
		return headscale.Node{}, s.nodeFailure("approve routes of node "+id, id, err)
	}
	audit.SetChange(ctx, routesAudit(before), routesAudit(n.ApprovedRoutes))
	s.snap.PutNode(n)
	return n, nil
}

// routesAudit is what the audit trail keeps of a machine's routes.
func routesAudit(approved []string) map[string]any {
	if approved == nil {
		approved = []string{}
	}
	return map[string]any{"approvedRoutes": approved}
}

// Register completes a pending registration (the id a machine showed,
// hskey-authreq-…) for Headscale user userID, and returns the new machine.
func (s *Service) Register(ctx context.Context, userID, registrationID string) (headscale.Node, error) {
	u, ok := s.snap.Snapshot().User(userID)
	if !ok {
		return headscale.Node{}, ErrHeadscaleUserNotFound.With(nil)
	}
	registrationID = strings.TrimSpace(registrationID)
	if registrationID == "" {
		return headscale.Node{}, ErrRegistrationNotFound.With(nil)
	}
	// Headscale registers for a user name, not an id.
	n, err := s.hs.RegisterNode(ctx, u.Name, registrationID)
	switch {
	case errors.Is(err, headscale.ErrNotFound) && strings.Contains(strings.ToLower(headscaleMessage(err)), "user not found"):
		return headscale.Node{}, ErrHeadscaleUserNotFound.With(err)
	case errors.Is(err, headscale.ErrNotFound), errors.Is(err, headscale.ErrInvalid):
		return headscale.Node{}, ErrRegistrationNotFound.With(err)
	case err != nil:
		return headscale.Node{}, headscaleFailure("register node", err, nil)
	}
	audit.SetTarget(ctx, "", n.ID)
	audit.SetChange(ctx, nil, map[string]any{"name": n.Name, "givenName": n.GivenName, "user": u.ID})
	s.snap.PutNode(n)
	return n, nil
}

// ApproveRegistration approves a pending authentication request that waits
// for an administrator.
func (s *Service) ApproveRegistration(ctx context.Context, id string) error {
	return registrationFailure("approve registration", s.hs.ApproveRegistration(ctx, strings.TrimSpace(id)))
}

// RejectRegistration rejects a pending authentication request.
func (s *Service) RejectRegistration(ctx context.Context, id string) error {
	return registrationFailure("reject registration", s.hs.RejectRegistration(ctx, strings.TrimSpace(id)))
}

// registrationFailure maps an error about a pending registration: an unknown
// or malformed id is registration_not_found.
func registrationFailure(op string, err error) error {
	if errors.Is(err, headscale.ErrInvalid) {
		return ErrRegistrationNotFound.With(err)
	}
	if err != nil {
		return headscaleFailure(op, err, ErrRegistrationNotFound)
	}
	return nil
}
