package machines

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLabelLength is the longest DNS label, in bytes.
const maxLabelLength = 63

// validMachineName reports whether name is usable as a machine's given name.
// It mirrors Headscale v0.29 (hscontrol/types.ValidateGivenName, which uses
// tailscale.com/util/dnsname.ValidLabel): 1 to 63 ASCII letters, digits and
// hyphens, starting and ending with a letter or digit. Headscale keeps the
// case as given, so this does too.
func validMachineName(name string) bool {
	if name == "" || len(name) > maxLabelLength {
		return false
	}
	if !isAlphanum(name[0]) || !isAlphanum(name[len(name)-1]) {
		return false
	}
	for i := 1; i < len(name)-1; i++ {
		if !isAlphanum(name[i]) && name[i] != '-' {
			return false
		}
	}
	return true
}

func isAlphanum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// validTag reports whether tag is well-formed as Headscale v0.29 checks it
// (hscontrol/grpcv1.go validateTag): it starts with "tag:", is lower case and
// has no spaces; and a name follows "tag:".
func validTag(tag string) bool {
	name, ok := strings.CutPrefix(tag, "tag:")
	return ok && name != "" && strings.ToLower(tag) == tag && !strings.ContainsFunc(tag, unicode.IsSpace)
}

// parseRoute parses route as an IP prefix in canonical form (no host bits
// set: 192.168.1.0/24, not 192.168.1.1/24).
func parseRoute(route string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(route))
	if err != nil {
		return netip.Prefix{}, err
	}
	if p != p.Masked() {
		return netip.Prefix{}, fmt.Errorf("host bits set: did you mean %s?", p.Masked())
	}
	return p, nil
}

// validUserName reports whether name is a user name Headscale v0.29 accepts
// (hscontrol/util.ValidateUsername): at least 2 bytes, starting with a
// letter, holding only letters, digits, '-', '.', '_' and at most one '@'.
func validUserName(name string) bool {
	if len(name) < 2 || !utf8.ValidString(name) {
		return false
	}
	if first, _ := utf8.DecodeRuneInString(name); !unicode.IsLetter(first) {
		return false
	}
	ats := 0
	for _, r := range name {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '.', r == '_':
		case r == '@':
			ats++
			if ats > 1 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
