package tailnet

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"headway/backend/headscale"
)

// Query selects, orders and pages the machines list. The zero Query is the
// first 50 nodes by id.
type Query struct {
	// Search matches, case-insensitively, a substring of a node's name,
	// given name, any IP address, owner's name (as the user list has it now)
	// or any tag.
	Search string
	// Status is "" (any), "online", "offline" (not online) or "expired"
	// (an expiry is set and is before now, online or not).
	Status string
	// UserID and Tag match exactly: the owner's id; one of the node's tags.
	UserID, Tag string
	// Routes, when set, keeps nodes that do (or do not) advertise a subnet
	// route: an available route other than 0.0.0.0/0 and ::/0.
	Routes *bool
	// ExitNode, when set, keeps nodes that do (or do not) advertise an exit
	// node: 0.0.0.0/0 or ::/0 among their available routes.
	ExitNode *bool
	// Sort is "" (by id), "name" (given name), "lastSeen", "created" or
	// "user" (owner's name, then given name; tagged nodes last, by given
	// name). Remaining ties go by id.
	Sort string
	// Desc reverses the sort key; ties keep their ascending order, and nodes
	// without the key (never seen, no creation time, tagged for "user") come
	// last either way.
	Desc bool
	// Page is 1-based (below 1 means 1). PageSize defaults to
	// DefaultPageSize and is capped at MaxPageSize.
	Page, PageSize int
}

// Page sizes for Query.PageSize.
const (
	DefaultPageSize = 50
	MaxPageSize     = 10000
)

// Accepted values of Query.Status and Query.Sort.
var (
	Statuses = []string{"", "online", "offline", "expired"}
	Sorts    = []string{"", "name", "lastSeen", "created", "user"}
)

// ErrInvalidQuery is returned by Query.Validate.
var ErrInvalidQuery = errors.New("invalid machines query")

// Validate reports a Status or Sort that Machines does not know (Machines
// itself matches no node for an unknown Status and orders an unknown Sort by
// id), or a negative Page or PageSize.
func (q Query) Validate() error {
	switch {
	case !slices.Contains(Statuses, q.Status):
		return fmt.Errorf("%w: status %q is not one of online, offline, expired", ErrInvalidQuery, q.Status)
	case !slices.Contains(Sorts, q.Sort):
		return fmt.Errorf("%w: sort %q is not one of name, lastSeen, created, user", ErrInvalidQuery, q.Sort)
	case q.Page < 0 || q.PageSize < 0:
		return fmt.Errorf("%w: page and page size must not be negative", ErrInvalidQuery)
	}
	return nil
}

// sortKey indexes tables.orders.
type sortKey int

const (
	sortID sortKey = iota
	sortName
	sortLastSeen
	sortCreated
	sortUser
	numSortKeys
)

func parseSort(s string) sortKey {
	switch s {
	case "name":
		return sortName
	case "lastSeen":
		return sortLastSeen
	case "created":
		return sortCreated
	case "user":
		return sortUser
	}
	return sortID
}

// Machines returns the page of nodes q selects, in q's order, and how many
// nodes match in all. A page past the end is empty (not nil) with the same
// total. now decides which nodes have expired. The page slice is new; the
// nodes' lists are shared.
func (s *Snapshot) Machines(q Query, now time.Time) (page []headscale.Node, total int) {
	size := q.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	size = min(size, MaxPageSize)
	offset := len(s.nodes) // past the end, unless the page is reachable
	if p := max(q.Page, 1); p-1 < len(s.nodes)/size+1 {
		offset = (p - 1) * size
	}

	order := s.orders[parseSort(q.Sort)].asc
	if q.Desc {
		order = s.orders[parseSort(q.Sort)].desc
	}

	f, all := newFilter(q, now)
	if all {
		total = len(order)
		return s.page(order[min(offset, total):min(offset+size, total)]), total
	}
	if f.none {
		return []headscale.Node{}, 0
	}
	picked := make([]int32, 0, min(size, 64))
	for _, i := range order {
		if !f.match(s.tables, i) {
			continue
		}
		if total >= offset && total < offset+size {
			picked = append(picked, i)
		}
		total++
	}
	return s.page(picked), total
}

func (s *Snapshot) page(idx []int32) []headscale.Node {
	out := make([]headscale.Node, len(idx))
	for k, i := range idx {
		out[k] = s.nodes[i]
	}
	return out
}

// filter is a Query's conditions, ready to test nodes against.
type filter struct {
	search           string // lower-cased; "" for none
	status           string
	now              int64
	userID, tag      string
	routes, exitNode *bool
	none             bool // an unknown status: nothing matches
}

// newFilter compiles q's conditions; all reports that there are none.
func newFilter(q Query, now time.Time) (f filter, all bool) {
	f = filter{
		search:   strings.ToLower(strings.TrimSpace(q.Search)),
		status:   q.Status,
		now:      now.UnixNano(),
		userID:   q.UserID,
		tag:      q.Tag,
		routes:   q.Routes,
		exitNode: q.ExitNode,
		none:     !slices.Contains(Statuses, q.Status),
	}
	all = f.search == "" && f.status == "" && f.userID == "" && f.tag == "" && f.routes == nil && f.exitNode == nil
	return f, all
}

// match reports whether node i passes every condition, cheapest first.
func (f *filter) match(t *tables, i int32) bool {
	x := &t.facts[i]
	switch f.status {
	case "online":
		if !x.has(flagOnline) {
			return false
		}
	case "offline":
		if x.has(flagOnline) {
			return false
		}
	case "expired":
		if !x.has(flagHasExpiry) || x.expiry >= f.now {
			return false
		}
	}
	if f.routes != nil && x.has(flagRoutes) != *f.routes {
		return false
	}
	if f.exitNode != nil && x.has(flagExitNode) != *f.exitNode {
		return false
	}
	if f.userID != "" && t.nodes[i].UserID != f.userID {
		return false
	}
	if f.tag != "" && !slices.Contains(t.nodes[i].Tags, f.tag) {
		return false
	}
	return f.search == "" || strings.Contains(x.search, f.search)
}

// buildOrders sorts the node indexes once per sort key and direction.
func (t *tables) buildOrders() {
	n := len(t.nodes)
	id := make([]int32, n)
	rev := make([]int32, n)
	for i := range n {
		id[i] = int32(i)
		rev[n-1-i] = int32(i)
	}
	t.orders[sortID].asc, t.orders[sortID].desc = id, rev

	fx := t.facts
	keys := [numSortKeys]struct {
		has func(*facts) bool
		cmp func(a, b *facts) int // the key alone; ties are settled after
		sub func(a, b *facts) int // secondary key, ascending in both directions
	}{
		sortName: {
			has: func(*facts) bool { return true },
			cmp: func(a, b *facts) int { return strings.Compare(a.nameKey, b.nameKey) },
		},
		sortLastSeen: {
			has: func(f *facts) bool { return f.has(flagHasLastSeen) },
			cmp: func(a, b *facts) int { return cmp.Compare(a.lastSeen, b.lastSeen) },
		},
		sortCreated: {
			has: func(f *facts) bool { return f.has(flagHasCreatedAt) },
			cmp: func(a, b *facts) int { return cmp.Compare(a.createdAt, b.createdAt) },
		},
		sortUser: {
			has: func(f *facts) bool { return f.has(flagOwned) },
			cmp: func(a, b *facts) int { return strings.Compare(a.userKey, b.userKey) },
			sub: func(a, b *facts) int { return strings.Compare(a.nameKey, b.nameKey) },
		},
	}
	for k := sortName; k < numSortKeys; k++ {
		key := keys[k]
		asc := slices.Clone(id)
		slices.SortFunc(asc, func(i, j int32) int {
			a, b := &fx[i], &fx[j]
			ha, hb := key.has(a), key.has(b)
			if ha != hb {
				if ha {
					return -1 // nodes without the key last
				}
				return 1
			}
			if c := key.cmp(a, b); c != 0 && ha {
				return c
			}
			if key.sub != nil {
				if c := key.sub(a, b); c != 0 {
					return c
				}
			}
			return cmp.Compare(i, j) // index order is id order
		})
		// Descending: the groups of nodes with an equal key in reverse, each
		// group in its ascending order, and the nodes without the key last.
		present := 0
		for present < n && key.has(&fx[asc[present]]) {
			present++
		}
		desc := make([]int32, 0, n)
		for end := present; end > 0; {
			start := end - 1
			for start > 0 && key.cmp(&fx[asc[start-1]], &fx[asc[end-1]]) == 0 {
				start--
			}
			desc = append(desc, asc[start:end]...)
			end = start
		}
		desc = append(desc, asc[present:]...)
		t.orders[k].asc, t.orders[k].desc = asc, desc
	}
}
