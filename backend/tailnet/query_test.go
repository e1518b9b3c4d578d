package tailnet

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"headway/backend/headscale"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time {
	t := now.Add(d)
	return &t
}

func ptr[T any](v T) *T { return &v }

// machinesSnapshot is a small tailnet covering every filter and sort.
func machinesSnapshot() *Snapshot {
	users := []headscale.User{{ID: "3", Name: "carol"}, {ID: "1", Name: "alice"}, {ID: "2", Name: "bob"}}
	n1 := node("1", "web-1", "1", "al-old") // the embedded user name is stale
	n1.Name = "web-1-host"
	n1.IPAddresses = []string{"100.64.0.1", "fd7a:115c:a1e0::1"}
	n1.Online, n1.LastSeen, n1.CreatedAt, n1.Expiry = true, at(3*time.Hour), at(time.Hour), at(-time.Hour)
	n1.AvailableRoutes = []string{"10.0.0.0/24"}

	n2 := node("2", "db", "2", "bob")
	n2.LastSeen, n2.CreatedAt, n2.Expiry = at(time.Hour), at(2*time.Hour), at(10*time.Hour)
	n2.AvailableRoutes = []string{"0.0.0.0/0", "::/0"}

	n3 := node("3", "gateway", "", "") // tagged: owned by its tags
	n3.Tags = []string{"tag:infra", "tag:router"}
	n3.Online, n3.CreatedAt = true, at(3*time.Hour)
	n3.AvailableRoutes = []string{"10.1.0.0/16", "0.0.0.0/0"}

	n4 := node("4", "web-2", "1", "alice")
	n4.LastSeen, n4.CreatedAt, n4.Expiry = at(2*time.Hour), at(4*time.Hour), at(0) // expires exactly now: not yet expired

	n5 := node("5", "app", "3", "carol")
	n5.LastSeen, n5.CreatedAt = at(30*time.Minute), at(0)

	n10 := node("10", "app", "2", "bob") // same given name as 5: ties go by id
	n10.LastSeen, n10.Expiry = at(2*time.Hour), at(-2*time.Hour)

	return &Snapshot{FetchedAt: now, tables: build([]headscale.Node{n10, n4, n3, n2, n1, n5}, users)}
}

func TestMachines(t *testing.T) {
	t.Parallel()
	s := machinesSnapshot()
	tests := []struct {
		name      string
		q         Query
		want      []string
		wantTotal int
	}{
		{"zero query: all by id", Query{}, []string{"1", "2", "3", "4", "5", "10"}, 6},
		{"by id, desc", Query{Desc: true}, []string{"10", "5", "4", "3", "2", "1"}, 6},

		{"status online", Query{Status: "online"}, []string{"1", "3"}, 2},
		{"status offline", Query{Status: "offline"}, []string{"2", "4", "5", "10"}, 4},
		{"status expired", Query{Status: "expired"}, []string{"1", "10"}, 2}, // 4 expires at now: not expired
		{"status unknown", Query{Status: "bogus"}, []string{}, 0},
		{"user id", Query{UserID: "1"}, []string{"1", "4"}, 2},
		{"user id unknown", Query{UserID: "99"}, []string{}, 0},
		{"tag", Query{Tag: "tag:infra"}, []string{"3"}, 1},
		{"tag is exact", Query{Tag: "tag:inf"}, []string{}, 0},
		{"routes", Query{Routes: ptr(true)}, []string{"1", "3"}, 2},
		{"no routes", Query{Routes: ptr(false)}, []string{"2", "4", "5", "10"}, 4},
		{"exit node", Query{ExitNode: ptr(true)}, []string{"2", "3"}, 2},
		{"no exit node", Query{ExitNode: ptr(false)}, []string{"1", "4", "5", "10"}, 4},
		{"routes and exit node", Query{Routes: ptr(true), ExitNode: ptr(true)}, []string{"3"}, 1},

		{"search given name, any case", Query{Search: "WEB"}, []string{"1", "4"}, 2},
		{"search hostname", Query{Search: "-host"}, []string{"1"}, 1},
		{"search IPv4", Query{Search: "100.64.0.2"}, []string{"2"}, 1},
		{"search IPv6", Query{Search: "A1E0::1"}, []string{"1"}, 1},
		{"search user name from the user list", Query{Search: "alice"}, []string{"1", "4"}, 2},
		{"search stale embedded user name", Query{Search: "al-old"}, []string{}, 0}, // regression: the node's copy of its user is stale
		{"search tag", Query{Search: "router"}, []string{"3"}, 1},
		{"search trimmed", Query{Search: "  db "}, []string{"2"}, 1},
		{"search does not span fields", Query{Search: "hostweb"}, []string{}, 0},
		{"search and filters", Query{Search: "app", Status: "expired"}, []string{"10"}, 1},

		{"sort name", Query{Sort: "name"}, []string{"5", "10", "2", "3", "1", "4"}, 6},
		{"sort name desc, ties by id", Query{Sort: "name", Desc: true}, []string{"4", "1", "3", "2", "5", "10"}, 6},
		{"sort lastSeen, never seen last", Query{Sort: "lastSeen"}, []string{"5", "2", "4", "10", "1", "3"}, 6},
		{"sort lastSeen desc, never seen last", Query{Sort: "lastSeen", Desc: true}, []string{"1", "4", "10", "2", "5", "3"}, 6},
		{"sort created", Query{Sort: "created"}, []string{"5", "1", "2", "3", "4", "10"}, 6},
		{"sort created desc", Query{Sort: "created", Desc: true}, []string{"4", "3", "2", "1", "5", "10"}, 6},
		{"sort user, tagged last", Query{Sort: "user"}, []string{"1", "4", "10", "2", "5", "3"}, 6},
		{"sort user desc, tagged last", Query{Sort: "user", Desc: true}, []string{"5", "10", "2", "1", "4", "3"}, 6},
		{"sort unknown: by id", Query{Sort: "bogus"}, []string{"1", "2", "3", "4", "5", "10"}, 6},
		{"filter and sort", Query{Status: "offline", UserID: "2", Sort: "name"}, []string{"10", "2"}, 2},

		{"first page", Query{PageSize: 2}, []string{"1", "2"}, 6},
		{"page 0 is page 1", Query{PageSize: 2, Page: 0}, []string{"1", "2"}, 6},
		{"last page", Query{PageSize: 2, Page: 3}, []string{"5", "10"}, 6},
		{"short last page", Query{PageSize: 4, Page: 2}, []string{"5", "10"}, 6},
		{"page past the end", Query{PageSize: 2, Page: 4}, []string{}, 6},
		{"huge page number", Query{PageSize: 2, Page: 1 << 62}, []string{}, 6},
		{"filtered page", Query{Status: "offline", PageSize: 3, Page: 2}, []string{"10"}, 4},
		{"filtered page past the end", Query{Status: "offline", PageSize: 3, Page: 3}, []string{}, 4},
		{"sorted page desc", Query{Sort: "user", Desc: true, PageSize: 2, Page: 2}, []string{"2", "1"}, 6},
	}
	for _, tc := range tests {
		page, total := s.Machines(tc.q, now)
		if page == nil {
			t.Errorf("%s: Machines(%+v) page = nil, want a list", tc.name, tc.q)
		}
		if got := ids(page); !slices.Equal(got, tc.want) || total != tc.wantTotal {
			t.Errorf("%s: Machines(%+v) = %v, %d; want %v, %d", tc.name, tc.q, got, total, tc.want, tc.wantTotal)
		}
	}
}

func TestMachinesShowsCurrentUserName(t *testing.T) {
	t.Parallel()
	page, _ := machinesSnapshot().Machines(Query{UserID: "1"}, now)
	for _, n := range page {
		if n.User != "alice" {
			t.Errorf("node %s User = %q, want the user list's name alice", n.ID, n.User)
		}
	}
}

func TestMachinesPageSizes(t *testing.T) {
	t.Parallel()
	ns, us := fleet(MaxPageSize+5, 3, 0)
	s := &Snapshot{tables: build(ns, us)}
	tests := []struct {
		size, page, want int
	}{
		{0, 1, DefaultPageSize},
		{-3, 1, DefaultPageSize},
		{MaxPageSize * 2, 1, MaxPageSize},
		{MaxPageSize * 2, 2, 5},
		{MaxPageSize, 3, 0},
	}
	for _, tc := range tests {
		page, total := s.Machines(Query{PageSize: tc.size, Page: tc.page}, now)
		if len(page) != tc.want || total != MaxPageSize+5 {
			t.Errorf("Machines(PageSize %d, Page %d) = %d nodes of %d, want %d of %d", tc.size, tc.page, len(page), total, tc.want, MaxPageSize+5)
		}
		page, total = s.Machines(Query{PageSize: tc.size, Page: tc.page, Search: "host-"}, now)
		if len(page) != tc.want || total != MaxPageSize+5 {
			t.Errorf("Machines(PageSize %d, Page %d, Search) = %d nodes of %d, want %d of %d", tc.size, tc.page, len(page), total, tc.want, MaxPageSize+5)
		}
	}
}

// Every sort order matches a plain stable sort of the nodes, on a larger
// tailnet with many ties.
func TestMachinesOrdersMatchStableSort(t *testing.T) {
	t.Parallel()
	ns, us := fleet(500, 9, 0)
	for i := range ns {
		switch i % 11 {
		case 0:
			ns[i].UserID, ns[i].User = "", "" // tagged
		case 1:
			ns[i].LastSeen = nil
		}
		if i%13 == 0 {
			ns[i].GivenName = "dup"
		}
	}
	s := &Snapshot{tables: build(ns, us)}
	key := map[string]func(a, b headscale.Node) int{
		"name": func(a, b headscale.Node) int { return compareStrings(a.GivenName, b.GivenName) },
		"lastSeen": func(a, b headscale.Node) int {
			return compareTimes(a.LastSeen, b.LastSeen)
		},
		"user": func(a, b headscale.Node) int {
			if c := compareStrings(a.User, b.User); c != 0 {
				return c
			}
			return 0
		},
	}
	missing := map[string]func(headscale.Node) bool{
		"name":     func(headscale.Node) bool { return false },
		"lastSeen": func(n headscale.Node) bool { return n.LastSeen == nil },
		"user":     func(n headscale.Node) bool { return n.UserID == "" },
	}
	for sortName, cmpKey := range key {
		for _, desc := range []bool{false, true} {
			want := slices.Clone(s.Nodes()) // by id
			slices.SortStableFunc(want, func(a, b headscale.Node) int {
				ma, mb := missing[sortName](a), missing[sortName](b)
				switch {
				case ma && mb && sortName == "user":
					return compareStrings(a.GivenName, b.GivenName) // tagged nodes by name
				case ma && mb:
					return 0
				case ma:
					return 1
				case mb:
					return -1
				}
				c := cmpKey(a, b)
				if desc {
					c = -c
				}
				if c == 0 && sortName == "user" {
					c = compareStrings(a.GivenName, b.GivenName)
				}
				return c
			})
			got, _ := s.Machines(Query{Sort: sortName, Desc: desc, PageSize: MaxPageSize}, now)
			if diff := cmp.Diff(ids(want), ids(got)); diff != "" {
				t.Errorf("Machines(Sort %q, Desc %v) order (-want +got):\n%s", sortName, desc, diff)
			}
		}
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareTimes(a, b *time.Time) int { return a.Compare(*b) }

func TestQueryValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q     Query
		valid bool
	}{
		{Query{}, true},
		{Query{Status: "expired", Sort: "lastSeen", Desc: true, Page: 3, PageSize: 10}, true},
		{Query{Status: "Online"}, false},
		{Query{Sort: "last_seen"}, false},
		{Query{Page: -1}, false},
	}
	for _, tc := range tests {
		err := tc.q.Validate()
		if (err == nil) != tc.valid || (err != nil && !errors.Is(err, ErrInvalidQuery)) {
			t.Errorf("%+v.Validate() = %v, want valid %v", tc.q, err, tc.valid)
		}
	}
}

func TestNodesOfUserAndCounts(t *testing.T) {
	t.Parallel()
	s := machinesSnapshot()
	if got := ids(s.NodesOfUser("2")); !slices.Equal(got, []string{"2", "10"}) {
		t.Errorf("NodesOfUser(2) = %v, want [2 10]", got)
	}
	if got := s.NodesOfUser("99"); got == nil || len(got) != 0 {
		t.Errorf("NodesOfUser(99) = %v, want []", got)
	}
	if diff := cmp.Diff(map[string]int{"1": 2, "2": 2, "3": 1}, s.NodeCounts()); diff != "" {
		t.Errorf("NodeCounts() (-want +got):\n%s", diff)
	}
	if got := names(s.Users()); !slices.Equal(got, []string{"alice", "bob", "carol"}) {
		t.Errorf("Users() = %v, want by name", got)
	}
	if u, ok := s.User("3"); !ok || u.Name != "carol" {
		t.Errorf("User(3) = %v, %v; want carol", u, ok)
	}
	if _, ok := s.Node("nope"); ok {
		t.Error(`Node("nope") found a node`)
	}
}
