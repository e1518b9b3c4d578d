// Package headscale is the typed client for Headscale's REST API: it owns the
// wire format (paths, JSON shapes, bearer authentication), version detection,
// and the mapping of Headscale's errors onto sentinels the rest of Headway can
// test with errors.Is. Nothing outside this package speaks Headscale's wire
// format. Resources live one per file (users.go, nodes.go, preauthkeys.go,
// apikeys.go, policy.go) and return Headway-side types, never the wire
// structs: lists are never nil and unset times are nil. Every call takes a
// context and is bounded by a deadline.
package headscale

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// DefaultTimeout bounds a call whose context carries no deadline of its own.
const DefaultTimeout = 10 * time.Second

// maxResponseBytes caps how much of a successful response is read; node lists
// of large tailnets fit comfortably.
const maxResponseBytes = 64 << 20

// Client calls one Headscale server. It is safe for concurrent use.
type Client struct {
	baseURL string
	apiKey  string
	http    *http.Client
	timeout time.Duration
	observe Observer // nil: calls are not observed
}

// Observer is told about every call to Headscale once it has ended: a stable
// operation name (list_users, health, rename_node), how long it took, and
// its error, nil on success. It must be safe for concurrent use and quick.
type Observer func(operation string, d time.Duration, err error)

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send its requests through hc instead of a
// default client with conservative dial, TLS and header timeouts.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.http = hc
		}
	}
}

// WithTimeout sets the deadline applied to a call whose context has none
// (DefaultTimeout otherwise). A non-positive d is ignored.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithObserver has every call reported to observe, for metrics.
func WithObserver(observe Observer) Option {
	return func(c *Client) { c.observe = observe }
}

// New returns a client for the Headscale server at baseURL (for example
// "https://hs.example.com"), authenticating with apiKey where the API asks for
// it. The key is sent only in the Authorization header and never appears in an
// error.
func New(baseURL string, apiKey string, opts ...Option) *Client {
	c := &Client{
		baseURL: strings.TrimRight(baseURL, "/"),
		apiKey:  apiKey,
		timeout: DefaultTimeout,
	}
	for _, o := range opts {
		o(c)
	}
	if c.http == nil {
		c.http = defaultHTTPClient()
	}
	return c
}

func defaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 5 * time.Second
	tr.ResponseHeaderTimeout = 30 * time.Second
	tr.MaxIdleConnsPerHost = 8
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

// streamDecoder is a response that decodes itself piece by piece, for
// answers too large to hold twice (the whole document, then its values).
type streamDecoder interface {
	decodeFrom(dec *json.Decoder) error
}

// request describes one call to Headscale.
type request struct {
	name   string // stable operation name for observers, e.g. "list_users"; never holds ids
	op     string // "doing what", for error messages
	method string
	path   string // with leading slash, query included
	auth   bool   // send the API key
	body   any    // JSON-encoded when non-nil
}

// do sends req and decodes a 2xx JSON response into out (when non-nil). Every
// failure is returned through the mapping in errors.go. The observer, if any,
// learns how the call went.
func (c *Client) do(ctx context.Context, req request, out any) (err error) {
	if c.observe != nil {
		start := time.Now()
		defer func() { c.observe(req.name, time.Since(start), err) }()
	}
	return c.send(ctx, req, out)
}

// send is do without the observer.
func (c *Client) send(ctx context.Context, req request, out any) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}

	var body io.Reader
	if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			return fmt.Errorf("headscale: %s: encode request: %w", req.op, err)
		}
		body = bytes.NewReader(b)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, c.baseURL+req.path, body)
	if err != nil {
		return fmt.Errorf("headscale: %s: %w", req.op, c.redact(err))
	}
	hr.Header.Set("Accept", "application/json")
	hr.Header.Set("User-Agent", "headway")
	if req.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.auth {
		hr.Header.Set("Authorization", "Bearer "+c.apiKey)
	}

	resp, err := c.http.Do(hr)
	if err != nil {
		return c.transportError(ctx, req.op, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyBytes))
		return fmt.Errorf("headscale: %s: %w", req.op, c.apiError(resp.StatusCode, b))
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes))
		return nil
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxResponseBytes))
	if stream, ok := out.(streamDecoder); ok {
		err = stream.decodeFrom(dec)
	} else {
		err = dec.Decode(out)
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return c.transportError(ctx, req.op, err)
		}
		return fmt.Errorf("headscale: %s: decode response: %w", req.op, c.redact(err))
	}
	return nil
}
