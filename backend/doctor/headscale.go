package doctor

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"headway/backend/config"
	"headway/backend/headscale"
)

// supportedRange names the Headscale releases headscale.Version.Supported accepts.
const supportedRange = "0.27 to 0.29"

// createKeyFix tells how to give Headway a new API key.
const createKeyFix = "On the Headscale server run `headscale apikeys create --expiration 365d`, " +
	"put the key it prints in headscale.api_key (or headscale.api_key_path, or HEADWAY_HEADSCALE__API_KEY) and restart Headway."

// headscaleChecks checks that Headscale answers, runs a supported version and
// accepts Headway's API key, and how long that key stays valid.
func headscaleChecks(ctx context.Context, cfg *config.Config, opts Options) []Check {
	hopts := []headscale.Option{headscale.WithTimeout(opts.timeout())}
	if opts.HTTPClient != nil {
		hopts = append(hopts, headscale.WithHTTPClient(opts.HTTPClient))
	}
	key := cfg.Headscale.APIKey.Reveal()
	client := headscale.New(cfg.Headscale.URL, key, hopts...)

	hctx, cancel := context.WithTimeout(ctx, opts.timeout())
	err := client.Health(hctx)
	cancel()
	if err != nil {
		return []Check{{
			Name:   NameHeadscaleReachable,
			Status: Fail,
			Detail: fmt.Sprintf("Headscale at %s did not pass its health check (/health): %v", cfg.Headscale.URL, err),
			Fix: "Check headscale.url: it must be the address where Headway reaches Headscale's HTTP API " +
				"(its server_url or listen_addr), and Headscale must be running and reachable from the Headway server.",
		}}
	}
	checks := []Check{{Name: NameHeadscaleReachable, Status: Pass, Detail: "Headscale at " + cfg.Headscale.URL + " is healthy"}}
	checks = append(checks, versionCheck(ctx, client, opts))

	kctx, cancel := context.WithTimeout(ctx, opts.timeout())
	keys, err := client.ListAPIKeys(kctx)
	cancel()
	if err != nil {
		c := Check{Name: NameHeadscaleAPIKey, Status: Fail, Detail: "Headscale refused to list API keys: " + err.Error(), Fix: createKeyFix}
		if errors.Is(err, headscale.ErrUnauthorized) {
			c.Detail = "Headscale rejected Headway's API key (headscale.api_key): it is wrong, expired or was deleted"
		}
		return append(checks, c)
	}
	checks = append(checks, Check{Name: NameHeadscaleAPIKey, Status: Pass, Detail: "Headscale accepts Headway's API key"})
	return append(checks, keyExpiryCheck(key, keys, opts.now()))
}

func versionCheck(ctx context.Context, client *headscale.Client, opts Options) Check {
	c := Check{Name: NameHeadscaleVersion}
	vctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	raw, err := client.Version(vctx)
	if err != nil {
		c.Status, c.Detail = Warn, "Headscale did not report its version (/version): "+err.Error()
		c.Fix = "Headway supports Headscale " + supportedRange + "; check the version on the Headscale server with `headscale version`."
		return c
	}
	v, err := headscale.ParseVersion(raw)
	switch {
	case err != nil:
		c.Status, c.Detail = Warn, "Headscale reports a version Headway cannot read: "+err.Error()
		c.Fix = "Headway supports Headscale " + supportedRange + "; make sure that is what runs."
	case v.Dev():
		c.Status, c.Detail = Warn, fmt.Sprintf("Headscale is a development build (%q); Headway supports the releases %s", raw, supportedRange)
		c.Fix = "Run a Headscale release from " + supportedRange + " in production."
	case v.Supported():
		c.Status, c.Detail = Pass, fmt.Sprintf("Headscale %s is supported (%s)", raw, supportedRange)
	case !v.AtLeast(0, 27):
		c.Status, c.Detail = Fail, fmt.Sprintf("Headscale %s is too old; Headway supports %s", raw, supportedRange)
		c.Fix = "Upgrade Headscale to a release from " + supportedRange + "."
	default:
		c.Status, c.Detail = Warn, fmt.Sprintf("Headscale %s is newer than the releases Headway is tested with (%s); some pages may not work", raw, supportedRange)
		c.Fix = "Upgrade Headway to a release that supports this Headscale, or run Headscale " + supportedRange + "."
	}
	return c
}

// keyExpiryCheck finds Headway's own key among the listed ones by its prefix
// and says how long it stays valid.
func keyExpiryCheck(key string, keys []headscale.APIKey, now time.Time) Check {
	c := Check{Name: NameHeadscaleKeyExpiry}
	prefix, _, ok := splitAPIKey(key)
	if !ok {
		c.Status, c.Detail = Warn, "headscale.api_key does not look like a Headscale API key (hskey-api-… or prefix.secret), so its expiry is unknown"
		c.Fix = createKeyFix
		return c
	}
	var own *headscale.APIKey
	for i := range keys {
		if listedPrefix(keys[i].Prefix) == prefix {
			own = &keys[i]
			break
		}
	}
	switch {
	case own == nil:
		c.Status, c.Detail = Warn, "Headway's API key is not among the keys Headscale lists, so its expiry is unknown"
		c.Fix = "Check that headscale.url points at the Headscale that issued headscale.api_key."
		return c
	case own.Expiration == nil:
		c.Status, c.Detail = Pass, fmt.Sprintf("Headway's API key %s never expires", own.Prefix)
		return c
	}
	left := own.Expiration.Sub(now)
	when := own.Expiration.UTC().Format("2006-01-02 15:04 MST")
	renew := createKeyFix + " Then expire the old key: `headscale apikeys expire --prefix " + prefix + "`."
	switch {
	case left <= 0:
		c.Status, c.Detail, c.Fix = Fail, fmt.Sprintf("Headway's API key %s expired on %s", own.Prefix, when), createKeyFix
	case left < keyExpiryWarning:
		c.Status, c.Detail, c.Fix = Warn, fmt.Sprintf("Headway's API key %s expires in %s (%s)", own.Prefix, timeLeft(left), when), renew
	default:
		c.Status, c.Detail = Pass, fmt.Sprintf("Headway's API key %s expires in %s (%s)", own.Prefix, timeLeft(left), when)
	}
	return c
}

// timeLeft says "12 days", or hours under a day.
func timeLeft(d time.Duration) string {
	if d < 24*time.Hour {
		h := int(math.Ceil(d.Hours()))
		if h == 1 {
			return "1 hour"
		}
		return fmt.Sprintf("%d hours", h)
	}
	days := int(math.Round(d.Hours() / 24))
	if days == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", days)
}

// splitAPIKey splits a Headscale API key into the prefix Headscale stores and
// lists it by, and the secret: hskey-api-<12 characters>-<secret>, or the
// legacy <prefix>.<secret>.
func splitAPIKey(key string) (prefix, secret string, ok bool) {
	if rest, found := strings.CutPrefix(key, "hskey-api-"); found {
		if len(rest) > 13 && rest[12] == '-' {
			return rest[:12], rest[13:], true
		}
		return "", "", false
	}
	prefix, secret, found := strings.Cut(key, ".")
	if !found || prefix == "" || secret == "" {
		return "", "", false
	}
	return prefix, secret, true
}

// listedPrefix turns a prefix as Headscale lists it ("hskey-api-XXXXXXXXXXXX-***",
// legacy "XXXXXXX***") into the bare stored prefix.
func listedPrefix(p string) string {
	p = strings.TrimSpace(p)
	if s, ok := strings.CutSuffix(p, "-***"); ok {
		return strings.TrimPrefix(s, "hskey-api-")
	}
	return strings.TrimSuffix(p, "***")
}
