// Package rbac defines Headway's roles, their capabilities, and who may grant what.
//
// It is pure Go: no I/O and no imports of other Headway packages. Callers look
// up the caller's role, ask this package, and do the write themselves.
package rbac

import (
	"slices"
	"strings"
)

// Capability is one thing a principal may do in the console. Names are
// verb_noun, as in each operation's x-capability.
type Capability string

// Capabilities.
const (
	UIAccess            Capability = "ui_access"             // sign in to the web console
	ReadMachines        Capability = "read_machines"         // list and view nodes
	WriteMachines       Capability = "write_machines"        // rename, expire, move, tag, route and delete nodes
	ReadUsers           Capability = "read_users"            // list and view users
	WriteUsers          Capability = "write_users"           // create, rename and delete users
	ReadPolicy          Capability = "read_policy"           // view the ACL policy
	WritePolicy         Capability = "write_policy"          // change the ACL policy
	ReadNetwork         Capability = "read_network"          // view DNS settings
	WriteNetwork        Capability = "write_network"         // change DNS settings
	ReadFeature         Capability = "read_feature"          // view console settings
	WriteFeature        Capability = "write_feature"         // change console settings
	ConfigureIAM        Capability = "configure_iam"         // change roles, delete console users, link them to Headscale users
	GenerateAuthKeys    Capability = "generate_authkeys"     // create pre-auth keys for any user
	GenerateOwnAuthKeys Capability = "generate_own_authkeys" // create pre-auth keys for one's own linked user
	ReadAudit           Capability = "read_audit"            // view the audit log
	ManageAPIKeys       Capability = "manage_apikeys"        // list, create, expire and delete Headscale API keys
	OwnerCapability     Capability = "owner"                 // act as the console's owner (transfer ownership)
)

// capabilities lists every capability; a capability's index is its bit in a Set.
var capabilities = [...]Capability{
	UIAccess,
	ReadMachines, WriteMachines,
	ReadUsers, WriteUsers,
	ReadPolicy, WritePolicy,
	ReadNetwork, WriteNetwork,
	ReadFeature, WriteFeature,
	ConfigureIAM,
	GenerateAuthKeys, GenerateOwnAuthKeys,
	ReadAudit,
	ManageAPIKeys,
	OwnerCapability,
}

// AllCapabilities returns every capability, sorted by name.
func AllCapabilities() []Capability {
	return allSet().Slice()
}

// Valid reports whether c is one of the capabilities above.
func (c Capability) Valid() bool {
	return c.bit() != 0
}

func (c Capability) String() string { return string(c) }

// bit is c's bit in a Set, or 0 for an unknown capability.
func (c Capability) bit() uint32 {
	for i, known := range capabilities {
		if c == known {
			return 1 << i
		}
	}
	return 0
}

// Set is a set of capabilities. The zero Set is empty; Sets are values and
// compare with ==.
type Set struct {
	bits uint32
}

// NewSet returns the set of cs. Unknown capabilities are dropped, so they are
// never granted.
func NewSet(cs ...Capability) Set {
	var s Set
	for _, c := range cs {
		s.bits |= c.bit()
	}
	return s
}

// allSet holds every capability.
func allSet() Set {
	return Set{bits: 1<<len(capabilities) - 1}
}

// FullAccess is what a Headscale API key may do: every capability except
// owner, the same as Admin. An API key is not a console user, so it cannot own
// the console; in the grant rules (CanAssign, CanDelete, CanLink) callers pass
// Admin for it, with an actor ID that matches no console user.
func FullAccess() Set {
	return Admin.Set()
}

// Has reports whether s holds c.
func (s Set) Has(c Capability) bool {
	b := c.bit()
	return b != 0 && s.bits&b == b
}

// Covers reports whether s holds every capability of o (o ⊆ s).
func (s Set) Covers(o Set) bool {
	return o.bits&^s.bits == 0
}

// Without returns the capabilities of s that o lacks (s \ o).
func (s Set) Without(o Set) Set {
	return Set{bits: s.bits &^ o.bits}
}

// Len returns the number of capabilities in s.
func (s Set) Len() int {
	n := 0
	for _, c := range capabilities {
		if s.Has(c) {
			n++
		}
	}
	return n
}

// Slice returns the capabilities of s sorted by name; never nil, so it
// encodes as [] when empty.
func (s Set) Slice() []Capability {
	out := []Capability{}
	for _, c := range capabilities {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// String lists the capabilities of s, as in "[read_machines read_users]".
func (s Set) String() string {
	names := make([]string, 0, len(capabilities))
	for _, c := range s.Slice() {
		names = append(names, string(c))
	}
	return "[" + strings.Join(names, " ") + "]"
}
