package tailnet

import (
	"cmp"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"headway/backend/headscale"
)

// Snapshot is Headscale's nodes and users as of one refresh, plus Headway's
// own writes since. It never changes once published: a write or refresh
// publishes a new one. Slices it returns are shared: callers must not modify
// them or the lists inside the nodes.
type Snapshot struct {
	// FetchedAt is when the last successful refresh began; zero before the
	// first one.
	FetchedAt time.Time
	// Stale reports whether the last refresh failed (this snapshot then
	// holds what the one before it fetched).
	Stale bool
	// Err is the last refresh's error, for logs; nil when it succeeded.
	Err error

	*tables // shared by a snapshot and its stale copy
}

// Age returns how old the snapshot's data is at now: the longest duration
// before the first successful refresh, so that any freshness check fails.
func (s *Snapshot) Age(now time.Time) time.Duration {
	if s.FetchedAt.IsZero() {
		return math.MaxInt64
	}
	return now.Sub(s.FetchedAt)
}

// Nodes returns every node, by id in numeric order.
func (s *Snapshot) Nodes() []headscale.Node { return s.nodes }

// Users returns every user, by name.
func (s *Snapshot) Users() []headscale.User { return s.users }

// Node returns node id and whether it exists.
func (s *Snapshot) Node(id string) (headscale.Node, bool) {
	i, ok := s.nodeIndex[id]
	if !ok {
		return headscale.Node{}, false
	}
	return s.nodes[i], true
}

// User returns user id and whether it exists.
func (s *Snapshot) User(id string) (headscale.User, bool) {
	i, ok := s.userIndex[id]
	if !ok {
		return headscale.User{}, false
	}
	return s.users[i], true
}

// NodesOfUser returns the nodes user userID owns, by id; tagged nodes belong
// to no user. The slice is new (never nil); the nodes' lists are shared.
func (s *Snapshot) NodesOfUser(userID string) []headscale.Node {
	idx := s.byUser[userID]
	out := make([]headscale.Node, len(idx))
	for k, i := range idx {
		out[k] = s.nodes[i]
	}
	return out
}

// NodeCounts returns how many nodes each user owns, by user id; users
// without nodes are absent. The map is the caller's.
func (s *Snapshot) NodeCounts() map[string]int {
	out := make(map[string]int, len(s.byUser))
	for id, idx := range s.byUser {
		out[id] = len(idx)
	}
	return out
}

// tables is a snapshot's data and the indexes built from it.
type tables struct {
	nodes     []headscale.Node // by id, numerically
	users     []headscale.User // by name
	nodeIndex map[string]int32 // node id → index in nodes
	userIndex map[string]int32 // user id → index in users
	byUser    map[string][]int32
	facts     []facts // parallel to nodes
	// orders[k] lists node indexes sorted for sort key k, ascending and
	// descending, so a query never sorts.
	orders [numSortKeys]struct{ asc, desc []int32 }
}

// facts is what queries need of a node, worked out once per snapshot.
type facts struct {
	// search is the lower-cased name, given name, IP addresses, owner's name
	// and tags, each followed by "\x00" so that no match spans two fields.
	search    string
	nameKey   string // lower-cased given name (hostname when empty)
	userKey   string // lower-cased owner's name; "" when tagged
	lastSeen  int64  // UnixNano
	createdAt int64
	expiry    int64
	flags     uint8
}

const (
	flagOnline uint8 = 1 << iota
	flagHasLastSeen
	flagHasCreatedAt
	flagHasExpiry
	flagRoutes   // advertises a subnet route
	flagExitNode // advertises an exit route
	flagOwned    // belongs to a user (not tagged)
)

func (f *facts) has(flag uint8) bool { return f.flags&flag != 0 }

// build makes the tables for nodes and users, whose slices it takes over
// (it sorts them and rewrites each owned node's User to the owner's name in
// users: a node's embedded user name is a stale copy).
func build(nodes []headscale.Node, users []headscale.User) *tables {
	if nodes == nil {
		nodes = []headscale.Node{}
	}
	if users == nil {
		users = []headscale.User{}
	}
	nodes = dedupe(nodes, func(n headscale.Node) string { return n.ID })
	users = dedupe(users, func(u headscale.User) string { return u.ID })
	slices.SortFunc(users, func(a, b headscale.User) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), compareIDs(a.ID, b.ID))
	})

	t := &tables{
		nodes:     nodes,
		users:     users,
		nodeIndex: make(map[string]int32, len(nodes)),
		userIndex: make(map[string]int32, len(users)),
		byUser:    make(map[string][]int32),
		facts:     make([]facts, len(nodes)),
	}
	for i, u := range users {
		t.userIndex[u.ID] = int32(i)
	}
	// Every node's search text goes into one string, which each node's
	// facts.search slices: one allocation instead of one per node.
	text := make([]byte, 0, 80*len(nodes))
	ends := make([]int, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		t.nodeIndex[n.ID] = int32(i)
		if n.UserID != "" {
			if j, ok := t.userIndex[n.UserID]; ok {
				n.User = users[j].Name
			}
			t.byUser[n.UserID] = append(t.byUser[n.UserID], int32(i))
		}
		text = appendSearchText(text, n)
		ends[i] = len(text)
		t.facts[i] = nodeFacts(n)
	}
	all := string(text)
	for i, start := 0, 0; i < len(nodes); i++ {
		t.facts[i].search, start = all[start:ends[i]], ends[i]
	}
	t.buildOrders()
	return t
}

// holds reports whether t was built from exactly these nodes and users, as
// Headscale lists them (by id, each once). Owned nodes' User is not compared:
// build rewrites it from users, which are.
func (t *tables) holds(nodes []headscale.Node, users []headscale.User) bool {
	if len(nodes) != len(t.nodes) || len(users) != len(t.users) {
		return false
	}
	for _, u := range users {
		i, ok := t.userIndex[u.ID]
		if !ok || t.users[i] != u {
			return false
		}
	}
	for i := range nodes {
		if !sameNode(&nodes[i], &t.nodes[i]) {
			return false
		}
	}
	return true
}

func sameNode(a, b *headscale.Node) bool {
	return a.ID == b.ID && a.Name == b.Name && a.GivenName == b.GivenName && a.UserID == b.UserID &&
		(a.UserID != "" || a.User == b.User) &&
		a.MachineKey == b.MachineKey && a.NodeKey == b.NodeKey && a.DiscoKey == b.DiscoKey &&
		a.Online == b.Online && a.RegisterMethod == b.RegisterMethod &&
		slices.Equal(a.IPAddresses, b.IPAddresses) && slices.Equal(a.Tags, b.Tags) &&
		slices.Equal(a.ApprovedRoutes, b.ApprovedRoutes) && slices.Equal(a.AvailableRoutes, b.AvailableRoutes) &&
		slices.Equal(a.SubnetRoutes, b.SubnetRoutes) &&
		sameTime(a.LastSeen, b.LastSeen) && sameTime(a.Expiry, b.Expiry) && sameTime(a.CreatedAt, b.CreatedAt)
}

func sameTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// dedupe sorts s by id (numerically) and keeps the last of each id.
func dedupe[T any](s []T, id func(T) string) []T {
	byID := func(a, b T) int { return compareIDs(id(a), id(b)) }
	if !slices.IsSortedFunc(s, byID) { // Headscale lists by id already
		slices.SortStableFunc(s, byID)
	}
	out := s[:0]
	for i, v := range s {
		if i+1 < len(s) && id(s[i+1]) == id(v) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// compareIDs orders Headscale ids numerically; anything not a number comes
// after the numbers, by its text.
func compareIDs(a, b string) int {
	x, errA := strconv.ParseUint(a, 10, 64)
	y, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(x, y)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// appendSearchText appends n's lower-cased name, given name, IP addresses,
// owner's name and tags to b, each followed by "\x00" so that no match spans
// two fields.
func appendSearchText(b []byte, n *headscale.Node) []byte {
	field := func(s string) {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= utf8.RuneSelf { // not ASCII: the slow way, for the rest
				for _, r := range s[i:] {
					b = utf8.AppendRune(b, unicode.ToLower(r))
				}
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
		b = append(b, 0)
	}
	field(n.Name)
	field(n.GivenName)
	for _, ip := range n.IPAddresses {
		field(ip)
	}
	if n.UserID != "" {
		field(n.User)
	}
	for _, tag := range n.Tags {
		field(tag)
	}
	return b
}

func nodeFacts(n *headscale.Node) facts {
	var f facts
	f.nameKey = strings.ToLower(n.GivenName)
	if f.nameKey == "" {
		f.nameKey = strings.ToLower(n.Name)
	}
	if n.UserID != "" {
		f.flags |= flagOwned
		f.userKey = strings.ToLower(n.User)
	}
	if n.Online {
		f.flags |= flagOnline
	}
	if n.LastSeen != nil {
		f.flags |= flagHasLastSeen
		f.lastSeen = n.LastSeen.UnixNano()
	}
	if n.CreatedAt != nil {
		f.flags |= flagHasCreatedAt
		f.createdAt = n.CreatedAt.UnixNano()
	}
	if n.Expiry != nil {
		f.flags |= flagHasExpiry
		f.expiry = n.Expiry.UnixNano()
	}
	for _, r := range n.AvailableRoutes {
		if isExitRoute(r) {
			f.flags |= flagExitNode
		} else {
			f.flags |= flagRoutes
		}
	}
	return f
}

// isExitRoute reports whether route is 0.0.0.0/0 or ::/0, however written.
func isExitRoute(route string) bool {
	p, err := netip.ParsePrefix(route)
	return err == nil && p.Bits() == 0
}
