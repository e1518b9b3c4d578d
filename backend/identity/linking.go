package identity

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"headway/backend/headscale"
	"headway/backend/store"
)

// LinkOnSignIn links console user u, at sign-in, to its Headscale user. A
// link to a Headscale user that no longer exists is cleared first. While u
// is unlinked it tries, in order, Headscale users whose provider is "oidc"
// and whose providerId
//  1. is "{issuer}/{subject}" of u (trailing slashes ignored), or
//  2. ends in a path segment that, URL-decoded, is u's subject (as Entra's
//     ".../v2.0/{oid}" identifiers do);
//
// then, with oidc.link_by_email and an email the provider verified,
//  3. the one Headscale user (of any provider) with u's email, ignoring case.
//
// Headscale users linked to another console user are never taken. It
// returns u as it is afterwards. When Headscale cannot be asked, u is
// returned unchanged and the problem logged: sign-in does not fail for it.
func (s *Service) LinkOnSignIn(ctx context.Context, u store.ConsoleUser) (store.ConsoleUser, error) {
	users, err := s.hs.ListUsers(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "link on sign-in: list headscale users", "user_id", u.ID, "error", err)
		return u, nil
	}
	u, err = s.clearStaleLink(ctx, u, users)
	if err != nil || u.HeadscaleUserID != "" {
		return u, err
	}
	claimed, err := s.claimedHeadscaleUsers(ctx)
	if err != nil {
		return u, err
	}
	match, rule := s.match(u, users, claimed)
	if match == nil {
		return u, nil
	}
	linked, err := s.store.LinkUnlinkedConsoleUser(ctx, u.ID, match.ID, s.now())
	switch {
	case errors.Is(err, store.ErrConflict):
		// Linked meanwhile, or the Headscale user was claimed meanwhile: the
		// next sign-in tries again.
		s.log.InfoContext(ctx, "link on sign-in: lost a race", "user_id", u.ID, "headscale_user_id", match.ID)
		return s.reload(ctx, u)
	case err != nil:
		return u, fmt.Errorf("link console user %d on sign-in: %w", u.ID, consoleUserNotFound(err))
	}
	s.log.InfoContext(ctx, "linked console user", "user_id", u.ID, "headscale_user_id", match.ID, "rule", rule)
	return linked, nil
}

// match returns the Headscale user the sign-in rules give u, and the rule's
// name, or nil. claimed holds the Headscale users linked to someone.
func (s *Service) match(u store.ConsoleUser, users []headscale.User, claimed map[string]int64) (*headscale.User, string) {
	free := func(h headscale.User) bool {
		owner, ok := claimed[h.ID]
		return !ok || owner == u.ID
	}
	issuer := u.Issuer
	if issuer == "" {
		issuer = s.o.Issuer
	}
	if u.Subject != "" {
		for i, h := range users {
			if h.Provider == "oidc" && free(h) && sameProviderID(h.ProviderID, issuer, u.Subject) {
				return &users[i], "provider_id"
			}
		}
		for i, h := range users {
			if h.Provider == "oidc" && free(h) && lastSegment(h.ProviderID) == u.Subject {
				return &users[i], "provider_id_subject"
			}
		}
	}
	if !s.o.LinkByEmail || !u.EmailVerified || strings.TrimSpace(u.Email) == "" {
		return nil, ""
	}
	var found *headscale.User
	for i, h := range users {
		if !strings.EqualFold(strings.TrimSpace(h.Email), strings.TrimSpace(u.Email)) || !free(h) {
			continue
		}
		if found != nil {
			return nil, "" // two Headscale users with this email: do not guess
		}
		found = &users[i]
	}
	if found == nil {
		return nil, ""
	}
	return found, "email"
}

// sameProviderID reports whether Headscale's providerId pid names subject
// at issuer: "{issuer}/{subject}", trailing slashes of either ignored.
func sameProviderID(pid, issuer, subject string) bool {
	if issuer == "" || pid == "" {
		return false
	}
	rest, ok := strings.CutPrefix(strings.TrimRight(pid, "/"), strings.TrimRight(issuer, "/")+"/")
	return ok && strings.TrimLeft(rest, "/") == strings.Trim(subject, "/")
}

// lastSegment returns the URL-decoded last path segment of pid, ignoring
// trailing slashes; "" when there is none or it does not decode.
func lastSegment(pid string) string {
	pid = strings.TrimRight(pid, "/")
	i := strings.LastIndex(pid, "/")
	if i < 0 {
		return ""
	}
	seg, err := url.PathUnescape(pid[i+1:])
	if err != nil {
		return ""
	}
	return seg
}

// clearStaleLink clears u's link when its Headscale user is not in users.
func (s *Service) clearStaleLink(ctx context.Context, u store.ConsoleUser, users []headscale.User) (store.ConsoleUser, error) {
	if u.HeadscaleUserID == "" || findUser(users, u.HeadscaleUserID) != nil {
		return u, nil
	}
	cleared, err := s.store.ClearConsoleUserLink(ctx, u.ID, u.HeadscaleUserID, s.now())
	if err != nil {
		return u, fmt.Errorf("clear stale link of console user %d: %w", u.ID, consoleUserNotFound(err))
	}
	s.log.InfoContext(ctx, "cleared link to a deleted headscale user", "user_id", u.ID, "headscale_user_id", u.HeadscaleUserID)
	return cleared, nil
}

// claimedHeadscaleUsers maps each linked Headscale user id to its console user.
func (s *Service) claimedHeadscaleUsers(ctx context.Context) (map[string]int64, error) {
	cus, err := s.store.ListConsoleUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("list console users: %w", err)
	}
	claimed := make(map[string]int64, len(cus))
	for _, c := range cus {
		if c.HeadscaleUserID != "" {
			claimed[c.HeadscaleUserID] = c.ID
		}
	}
	return claimed, nil
}

// reload reads u again.
func (s *Service) reload(ctx context.Context, u store.ConsoleUser) (store.ConsoleUser, error) {
	fresh, err := s.store.GetConsoleUser(ctx, u.ID)
	if err != nil {
		return u, fmt.Errorf("reload console user %d: %w", u.ID, consoleUserNotFound(err))
	}
	return fresh, nil
}

func findUser(users []headscale.User, id string) *headscale.User {
	for i := range users {
		if users[i].ID == id {
			return &users[i]
		}
	}
	return nil
}
