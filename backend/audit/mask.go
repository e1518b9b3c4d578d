package audit

import "regexp"

// Secrets that may reach an entry by way of what a caller typed (a path
// parameter, a claimed name) are cut down to the prefix by which they are
// listed, the way Headscale and Headway show them.
var secretPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	// Headscale API and pre-auth keys: hskey-api-<12>-<secret>, hskey-auth-<12>-<secret>.
	{regexp.MustCompile(`hskey-(api|auth)-([A-Za-z0-9_-]{12})-[A-Za-z0-9_-]{16,}`), "hskey-$1-$2-***"},
	// Legacy Headscale API keys: <7>.<32>.
	{regexp.MustCompile(`(^|[^A-Za-z0-9_-])([A-Za-z0-9_-]{7})\.[A-Za-z0-9_-]{32,}`), "$1$2***"},
	// Headway API tokens: hw_ and 8 characters are the listed prefix; the
	// secret is much longer than any name someone would give a token.
	{regexp.MustCompile(`hw_([A-Za-z0-9_-]{8})[A-Za-z0-9_-]{16,}`), "hw_$1***"},
}

// Mask returns s with every Headscale API key, pre-auth key and Headway
// token in it replaced by its listed prefix ("hskey-api-XXXXXXXXXXXX-***").
func Mask(s string) string {
	for _, p := range secretPatterns {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}
