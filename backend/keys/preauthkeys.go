package keys

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"headway/backend/audit"
	"headway/backend/headscale"
)

// Caller is what the person asking may do with pre-auth keys.
type Caller struct {
	// AnyUser: the generate_authkeys capability, for keys of any user and
	// tag-only keys. Without it (generate_own_authkeys), only keys of the
	// caller's own linked Headscale user.
	AnyUser bool
	// HeadscaleUserID is the caller's linked Headscale user, "" for none.
	HeadscaleUserID string
}

// States of a pre-auth key, as State reports them and PreAuthKeyFilter.State
// selects.
const (
	StateActive  = "active"  // usable now
	StateUsed    = "used"    // single-use, already used
	StateExpired = "expired" // past its expiration (and not a used single-use key)
)

// State returns k's state at now: StateUsed for a single-use key that was
// used (whatever its expiration), else StateExpired once its expiration has
// passed, else StateActive.
func State(k headscale.PreAuthKey, now time.Time) string {
	switch {
	case k.Used && !k.Reusable:
		return StateUsed
	case Expired(k, now):
		return StateExpired
	}
	return StateActive
}

// Expired reports whether k's expiration has passed at now. A key without
// an expiration does not expire.
func Expired(k headscale.PreAuthKey, now time.Time) bool {
	return k.Expiration != nil && !k.Expiration.After(now)
}

// PreAuthKeyFilter selects pre-auth keys; zero fields select everything.
type PreAuthKeyFilter struct {
	UserID    string // keys of this Headscale user
	TagOnly   *bool  // tag-only keys (true) or user keys (false)
	Reusable  *bool
	Ephemeral *bool
	State     string // "", StateActive, StateUsed or StateExpired
}

func (f PreAuthKeyFilter) matches(k headscale.PreAuthKey, now time.Time) bool {
	return (f.UserID == "" || k.UserID == f.UserID) &&
		(f.TagOnly == nil || *f.TagOnly == (k.UserID == "")) &&
		(f.Reusable == nil || *f.Reusable == k.Reusable) &&
		(f.Ephemeral == nil || *f.Ephemeral == k.Ephemeral) &&
		(f.State == "" || State(k, now) == f.State)
}

// ListPreAuthKeys returns the pre-auth keys matching f at now, newest first,
// with the keys masked. Without AnyUser, only the keys of the caller's own
// Headscale user: none when the caller is not linked.
func (s *Service) ListPreAuthKeys(ctx context.Context, c Caller, f PreAuthKeyFilter, now time.Time) ([]headscale.PreAuthKey, error) {
	if !c.AnyUser && c.HeadscaleUserID == "" {
		return []headscale.PreAuthKey{}, nil
	}
	all, err := s.hs.ListPreAuthKeys(ctx)
	if err != nil {
		return nil, headscaleFailure("list pre-auth keys", err, nil)
	}
	out := make([]headscale.PreAuthKey, 0, len(all))
	for _, k := range all {
		if !c.AnyUser && k.UserID != c.HeadscaleUserID {
			continue
		}
		if f.matches(k, now) {
			out = append(out, s.withUserName(k))
		}
	}
	slices.SortFunc(out, newestFirst)
	return out, nil
}

// newestFirst orders keys by creation time, then id, both descending.
func newestFirst(a, b headscale.PreAuthKey) int {
	var ta, tb time.Time
	if a.CreatedAt != nil {
		ta = *a.CreatedAt
	}
	if b.CreatedAt != nil {
		tb = *b.CreatedAt
	}
	if c := tb.Compare(ta); c != 0 {
		return c
	}
	return compareIDs(b.ID, a.ID)
}

// compareIDs orders Headscale ids (decimal numbers) numerically.
func compareIDs(a, b string) int {
	na, _ := strconv.ParseUint(a, 10, 64)
	nb, _ := strconv.ParseUint(b, 10, 64)
	return cmp.Or(cmp.Compare(na, nb), cmp.Compare(a, b))
}

// withUserName fills in k's user name from the snapshot when Headscale left
// it out.
func (s *Service) withUserName(k headscale.PreAuthKey) headscale.PreAuthKey {
	if k.UserID != "" && k.User == "" && s.users != nil {
		if u, ok := s.users.User(k.UserID); ok {
			k.User = u.Name
		}
	}
	return k
}

// NewPreAuthKey describes a pre-auth key to create.
type NewPreAuthKey struct {
	UserID     string   // the Headscale user id; "" for a tag-only key
	ACLTags    []string // "tag:name"; required for a tag-only key
	Expiration time.Time
	Reusable   bool
	Ephemeral  bool
}

// CreatePreAuthKey creates a pre-auth key and returns it with the full
// secret in Key, the only time it is shown.
//
// Checked in this order: without AnyUser, UserID must be the caller's own
// linked user (not_linked when the caller has none; forbidden for another
// user, and for a tag-only key). The expiration must lie ahead of now by at
// most MaxPreAuthKeyDays (expiration_invalid); tags must look like tag:name
// (tag_invalid); a tag-only key (no UserID) needs at least one tag
// (tag_invalid). An unknown user is headscale_user_not_found.
//
// Headscale does not check the tags against the policy's tagOwners here: a
// machine registering with the key is refused then.
func (s *Service) CreatePreAuthKey(ctx context.Context, c Caller, k NewPreAuthKey, now time.Time) (headscale.PreAuthKey, error) {
	switch {
	case !c.AnyUser && c.HeadscaleUserID == "":
		return headscale.PreAuthKey{}, ErrNotLinked
	case !c.AnyUser && k.UserID != c.HeadscaleUserID:
		return headscale.PreAuthKey{}, ErrForbidden
	case k.Expiration.IsZero() || !k.Expiration.After(now) || k.Expiration.After(now.AddDate(0, 0, MaxPreAuthKeyDays)):
		return headscale.PreAuthKey{}, expirationInvalid(MaxPreAuthKeyDays)
	}
	tags, err := cleanTags(k.ACLTags)
	if err != nil {
		return headscale.PreAuthKey{}, err
	}
	if k.UserID == "" && len(tags) == 0 {
		return headscale.PreAuthKey{}, ErrTagsRequired
	}
	if k.UserID != "" {
		if n, err := strconv.ParseUint(k.UserID, 10, 64); err != nil || n == 0 {
			return headscale.PreAuthKey{}, ErrHeadscaleUserNotFound
		}
	}
	key, err := s.hs.CreatePreAuthKey(ctx, headscale.PreAuthKeyRequest{
		UserID:     k.UserID,
		Reusable:   k.Reusable,
		Ephemeral:  k.Ephemeral,
		Expiration: k.Expiration,
		ACLTags:    tags,
	})
	if err != nil {
		op := "create pre-auth key"
		if k.UserID != "" {
			op += " for user " + k.UserID
		}
		if errors.Is(err, headscale.ErrInvalid) && len(tags) > 0 {
			return headscale.PreAuthKey{}, ErrTagInvalid.With(err)
		}
		return headscale.PreAuthKey{}, headscaleFailure(op, err, ErrHeadscaleUserNotFound)
	}
	audit.SetTarget(ctx, "", key.ID)
	audit.SetChange(ctx, nil, map[string]any{"user": key.UserID, "aclTags": key.ACLTags, "expiration": key.Expiration,
		"reusable": key.Reusable, "ephemeral": key.Ephemeral})
	return s.withUserName(key), nil
}

// cleanTags trims and deduplicates tags, refusing any that is not tag:name
// in lower case without spaces (tag_invalid).
func cleanTags(tags []string) ([]string, error) {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if !validTag(t) {
			e := *ErrTagInvalid
			e.Message = fmt.Sprintf("%q is not a valid tag.", truncate(t, 64))
			return nil, &e
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// validTag reports whether tag is tag:name, in lower case, without spaces.
func validTag(tag string) bool {
	name, ok := strings.CutPrefix(tag, "tag:")
	return ok && name != "" && strings.ToLower(tag) == tag && !strings.ContainsFunc(tag, unicode.IsSpace)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ExpirePreAuthKey expires pre-auth key id now. Without AnyUser only the
// caller's own user's keys: forbidden for any other id, unknown ones
// included, so that ids of other users' keys cannot be probed. With AnyUser
// an unknown id is preauthkey_not_found.
func (s *Service) ExpirePreAuthKey(ctx context.Context, c Caller, id string) error {
	op := "expire pre-auth key " + truncate(id, 32)
	if !c.AnyUser {
		if c.HeadscaleUserID == "" {
			return ErrNotLinked
		}
		all, err := s.hs.ListPreAuthKeys(ctx)
		if err != nil {
			return headscaleFailure(op, err, nil)
		}
		i := slices.IndexFunc(all, func(k headscale.PreAuthKey) bool { return k.ID == id })
		if i < 0 || all[i].UserID != c.HeadscaleUserID {
			return ErrForbidden
		}
	}
	if n, err := strconv.ParseUint(id, 10, 64); err != nil || n == 0 {
		return ErrPreAuthKeyNotFound
	}
	if err := s.hs.ExpirePreAuthKey(ctx, id); err != nil {
		return headscaleFailure(op, err, ErrPreAuthKeyNotFound)
	}
	return nil
}
