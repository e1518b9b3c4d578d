package headscale

import (
	"fmt"
	"strconv"
	"strings"
)

// Supported Headscale releases: Headway is tested against these minor lines.
const (
	minSupportedMinor = 27
	maxSupportedMinor = 29
)

// Version is a parsed Headscale version. Raw is the string Headscale
// reported; Pre is what follows the patch number ("beta.1" in
// "v0.29.2-beta.1"). A development build reporting no number at all ("dev")
// parses to zero numbers with Raw set; see Dev.
type Version struct {
	Major, Minor, Patch int
	Pre                 string
	Raw                 string
}

// ParseVersion parses what Headscale reports on /version: "v0.29.2",
// "0.29.2", "v0.29.2-beta.1", "v0.29.2-5-gabc123" (git describe), or the
// development builds "dev" and "(devel)". Anything else is an error.
func ParseVersion(s string) (Version, error) {
	raw := s
	if isDev(s) {
		return Version{Raw: raw}, nil
	}
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "v"), "V")
	// Build metadata ("+abc") carries no ordering meaning.
	s, _, _ = strings.Cut(s, "+")
	core, pre, _ := strings.Cut(s, "-")
	parts := strings.Split(core, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("parse headscale version %q: want vMAJOR.MINOR.PATCH", truncate(raw, 64))
	}
	var nums [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || strings.TrimLeft(p, "0123456789") != "" {
			return Version{}, fmt.Errorf("parse headscale version %q: bad number %q", truncate(raw, 64), truncate(p, 16))
		}
		nums[i] = n
	}
	return Version{Major: nums[0], Minor: nums[1], Patch: nums[2], Pre: pre, Raw: raw}, nil
}

// Dev reports whether v is a development build without a version number.
func (v Version) Dev() bool { return isDev(v.Raw) }

func isDev(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "dev", "devel", "(devel)":
		return true
	}
	return false
}

// Supported reports whether Headway supports this Headscale: the 0.27 to
// 0.29 lines, pre-releases of them included. A development build ("dev") is
// taken to be current and counts as supported; callers may warn about it.
func (v Version) Supported() bool {
	if v.Dev() {
		return true
	}
	return v.Major == 0 && v.Minor >= minSupportedMinor && v.Minor <= maxSupportedMinor
}

// AtLeast reports whether v is major.minor or newer (ignoring patch and
// pre-release). A development build is taken to be newer than any release.
func (v Version) AtLeast(major, minor int) bool {
	if v.Dev() {
		return true
	}
	if v.Major != major {
		return v.Major > major
	}
	return v.Minor >= minor
}

func (v Version) String() string {
	if v.Raw != "" {
		return v.Raw
	}
	s := fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch)
	if v.Pre != "" {
		s += "-" + v.Pre
	}
	return s
}
