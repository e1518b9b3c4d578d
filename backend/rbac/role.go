package rbac

import "fmt"

// Role is a console user's role: a named, fixed set of capabilities.
type Role string

// Roles, highest rank first.
const (
	// Owner may do everything, including transferring ownership. There is
	// exactly one owner; the role is never assigned, mapped from groups or
	// changed, only handed on with CanTransferOwnership.
	Owner Role = "owner"
	// Admin may do everything except what only the owner may do.
	Admin Role = "admin"
	// NetworkAdmin runs the network: reads and changes the ACL policy and DNS,
	// views machines, users and settings, and creates pre-auth keys for
	// anyone. It cannot change machines, users, settings or roles.
	NetworkAdmin Role = "network_admin"
	// ITAdmin runs machines and people: changes machines, users and
	// settings, configures roles and links, creates pre-auth keys for anyone,
	// and reads the audit log. It views the ACL policy and DNS but makes no
	// ACL or DNS changes.
	ITAdmin Role = "it_admin"
	// Auditor reads everything (machines, users, policy, DNS, settings and the
	// audit log) and changes nothing, apart from creating pre-auth keys for
	// its own linked user.
	Auditor Role = "auditor"
	// Viewer views machines and users and creates pre-auth keys for its own
	// linked user.
	Viewer Role = "viewer"
	// Member may do nothing in the console, not even open it; it is a user
	// of the tailnet only.
	Member Role = "member"
)

// Roles returns every role, highest rank first.
func Roles() []Role {
	return []Role{Owner, Admin, NetworkAdmin, ITAdmin, Auditor, Viewer, Member}
}

// ParseRole returns the role named s. Names are matched exactly (lowercase);
// anything else is an error matching ErrRoleInvalid.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("parse role %q: %w", s, ErrRoleInvalid)
	}
	return r, nil
}

// Valid reports whether r is one of the roles above.
func (r Role) Valid() bool {
	return Rank(r) >= 0
}

func (r Role) String() string { return string(r) }

// Rank orders roles for group mapping: a higher rank wins when a user's groups
// map to several roles. Owner ranks highest and Member lowest (0); an unknown
// role ranks -1. Rank says nothing about capabilities: NetworkAdmin outranks
// ITAdmin, yet each holds capabilities the other lacks.
func Rank(r Role) int {
	switch r {
	case Owner:
		return 6
	case Admin:
		return 5
	case NetworkAdmin:
		return 4
	case ITAdmin:
		return 3
	case Auditor:
		return 2
	case Viewer:
		return 1
	case Member:
		return 0
	default:
		return -1
	}
}

// Set returns r's capabilities; empty for Member and for an unknown role.
func (r Role) Set() Set {
	switch r {
	case Owner:
		return allSet()
	case Admin:
		return allSet().Without(NewSet(OwnerCapability))
	case NetworkAdmin:
		return NewSet(UIAccess,
			ReadPolicy, WritePolicy,
			ReadNetwork, WriteNetwork,
			ReadMachines, ReadUsers,
			GenerateAuthKeys, GenerateOwnAuthKeys,
			ReadFeature)
	case ITAdmin:
		return NewSet(UIAccess,
			ReadMachines, WriteMachines,
			ReadUsers, WriteUsers,
			ReadFeature, WriteFeature,
			ConfigureIAM,
			GenerateAuthKeys, GenerateOwnAuthKeys,
			ReadAudit,
			ReadPolicy, ReadNetwork)
	case Auditor:
		return NewSet(UIAccess,
			ReadMachines, ReadUsers, ReadPolicy, ReadNetwork, ReadFeature, ReadAudit,
			GenerateOwnAuthKeys)
	case Viewer:
		return NewSet(UIAccess, ReadMachines, ReadUsers, GenerateOwnAuthKeys)
	default:
		return Set{}
	}
}

// Has reports whether r holds c.
func (r Role) Has(c Capability) bool {
	return r.Set().Has(c)
}

// Capabilities returns r's capabilities sorted by name; never nil.
func (r Role) Capabilities() []Capability {
	return r.Set().Slice()
}

// Lesser returns the highest role whose capabilities both a and b hold: a
// when b covers it, b when a covers it, and otherwise the highest-ranked role
// below both (Member at worst). A token acts with Lesser(its role, its
// creator's current role).
func Lesser(a, b Role) Role {
	as, bs := a.Set(), b.Set()
	switch {
	case bs.Covers(as):
		return a
	case as.Covers(bs):
		return b
	}
	for _, r := range Roles() {
		if rs := r.Set(); as.Covers(rs) && bs.Covers(rs) {
			return r
		}
	}
	return Member
}
