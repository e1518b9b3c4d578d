package headscale

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Node is a machine registered with Headscale.
//
// Name is the hostname the client reports; GivenName is the DNS label an
// admin can set (the MagicDNS name). UserID and User name the owning user as
// Headscale's node record last saw it (User is a stale snapshot: join on
// UserID for the current name); both are empty for a tagged node, which its
// tags own. Lists are never nil; unset times are nil.
type Node struct {
	ID          string
	Name        string
	GivenName   string
	UserID      string
	User        string
	IPAddresses []string
	MachineKey  string
	NodeKey     string
	DiscoKey    string
	// Tags are the node's effective tags: Headscale 0.28+ reports them as
	// tags; 0.27 as forcedTags (set by an admin) and validTags (advertised
	// and permitted), whose union this is. 0.27's invalidTags are left out.
	Tags []string
	// ApprovedRoutes are the routes an admin (or autoApprovers) allowed;
	// AvailableRoutes those the node advertises; SubnetRoutes those it
	// actually serves (primary subnet routes, plus exit routes).
	ApprovedRoutes  []string
	AvailableRoutes []string
	SubnetRoutes    []string
	Online          bool
	LastSeen        *time.Time
	Expiry          *time.Time
	CreatedAt       *time.Time
	// RegisterMethod is "authkey", "cli", "oidc", or "" when unknown.
	RegisterMethod string
}

// taggedDevicesUserID is the synthetic user Headscale 0.28+ reports as the
// owner of tagged nodes in node lists.
const taggedDevicesUserID = "2147455555"

type nodeJSON struct {
	ID              string     `json:"id"`
	MachineKey      string     `json:"machineKey"`
	NodeKey         string     `json:"nodeKey"`
	DiscoKey        string     `json:"discoKey"`
	IPAddresses     []string   `json:"ipAddresses"`
	Name            string     `json:"name"`
	User            *userJSON  `json:"user"`
	LastSeen        *time.Time `json:"lastSeen"`
	Expiry          *time.Time `json:"expiry"`
	CreatedAt       *time.Time `json:"createdAt"`
	RegisterMethod  string     `json:"registerMethod"`
	GivenName       string     `json:"givenName"`
	Online          bool       `json:"online"`
	ApprovedRoutes  []string   `json:"approvedRoutes"`
	AvailableRoutes []string   `json:"availableRoutes"`
	SubnetRoutes    []string   `json:"subnetRoutes"`
	Tags            []string   `json:"tags"`        // 0.28+
	ForcedTags      []string   `json:"forcedTags"`  // 0.27
	ValidTags       []string   `json:"validTags"`   // 0.27
	InvalidTags     []string   `json:"invalidTags"` // 0.27, ignored
}

func (n nodeJSON) node() Node {
	out := Node{
		ID:              n.ID,
		Name:            n.Name,
		GivenName:       n.GivenName,
		IPAddresses:     nonNil(n.IPAddresses),
		MachineKey:      n.MachineKey,
		NodeKey:         n.NodeKey,
		DiscoKey:        n.DiscoKey,
		Tags:            unionTags(n.Tags, n.ForcedTags, n.ValidTags),
		ApprovedRoutes:  nonNil(n.ApprovedRoutes),
		AvailableRoutes: nonNil(n.AvailableRoutes),
		SubnetRoutes:    nonNil(n.SubnetRoutes),
		Online:          n.Online,
		LastSeen:        optionalTime(n.LastSeen),
		Expiry:          optionalTime(n.Expiry),
		CreatedAt:       optionalTime(n.CreatedAt),
		RegisterMethod:  registerMethod(n.RegisterMethod),
	}
	// A tagged node has no owner: 0.29 reports the synthetic "tagged-devices"
	// user in lists and null in single-node answers.
	if n.User != nil && n.User.ID != taggedDevicesUserID {
		out.UserID, out.User = n.User.ID, n.User.Name
	}
	return out
}

// unionTags merges tag lists, sorted and without duplicates, never nil.
func unionTags(lists ...[]string) []string {
	out := []string{}
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// registerMethod turns the enum name ("REGISTER_METHOD_AUTH_KEY") into
// Headscale's own short form ("authkey").
func registerMethod(s string) string {
	switch s {
	case "REGISTER_METHOD_AUTH_KEY":
		return "authkey"
	case "REGISTER_METHOD_CLI":
		return "cli"
	case "REGISTER_METHOD_OIDC":
		return "oidc"
	}
	return ""
}

// ListNodes returns every node, ordered by id (GET /api/v1/node).
func (c *Client) ListNodes(ctx context.Context) ([]Node, error) {
	return c.listNodes(ctx, "list nodes")
}

func (c *Client) listNodes(ctx context.Context, op string) ([]Node, error) {
	var out nodeStream
	if err := c.do(ctx, request{name: "list_nodes", op: op, method: http.MethodGet, path: "/api/v1/node", auth: true}, &out); err != nil {
		return nil, err
	}
	if out.nodes == nil {
		out.nodes = []Node{}
	}
	return out.nodes, nil
}

// nodeStream decodes {"nodes": [...]} one node at a time: a refresh of a
// large tailnet then holds neither the whole document nor every node's wire
// form at once, only the nodes (at 10,000 nodes, megabytes less garbage every
// refresh interval).
type nodeStream struct {
	nodes []Node
}

func (s *nodeStream) decodeFrom(dec *json.Decoder) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		if key != "nodes" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if err := s.decodeNodes(dec); err != nil {
			return err
		}
	}
	return expectDelim(dec, '}')
}

// decodeNodes reads the array of nodes (or null).
func (s *nodeStream) decodeNodes(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("nodes: want an array, got %v", tok)
	}
	for dec.More() {
		var n nodeJSON
		if err := dec.Decode(&n); err != nil {
			return err
		}
		s.nodes = append(s.nodes, n.node())
	}
	return expectDelim(dec, ']')
}

// expectDelim reads the next token and fails unless it is d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("want %v, got %v", d, tok)
	}
	return nil
}

// GetNode returns node id (GET /api/v1/node/{id}); ErrNotFound when there is
// none.
func (c *Client) GetNode(ctx context.Context, id string) (Node, error) {
	op, err := withID("get node", id)
	if err != nil {
		return Node{}, err
	}
	return c.nodeCall(ctx, request{name: "get_node", op: op, method: http.MethodGet, path: "/api/v1/node/" + id, auth: true})
}

// RenameNode sets node id's GivenName, its MagicDNS name
// (POST /api/v1/node/{id}/rename/{name}). A name that is not a DNS label is
// ErrInvalid (Headscale answers 500 with "... is not a valid DNS label ...");
// one another node has is ErrConflict.
func (c *Client) RenameNode(ctx context.Context, id, name string) (Node, error) {
	op, err := withID("rename node", id)
	if err != nil {
		return Node{}, err
	}
	if name == "" {
		return Node{}, fmt.Errorf("headscale: %s: %w: empty name", op, ErrInvalid)
	}
	path := "/api/v1/node/" + id + "/rename/" + url.PathEscape(name)
	return c.nodeCall(ctx, request{name: "rename_node", op: op, method: http.MethodPost, path: path, auth: true})
}

// ExpireNode sets node id's key expiry (POST /api/v1/node/{id}/expire): to at,
// or to now when at is nil; with disable, the key never expires (at must then
// be nil).
func (c *Client) ExpireNode(ctx context.Context, id string, at *time.Time, disable bool) (Node, error) {
	op, err := withID("expire node", id)
	if err != nil {
		return Node{}, err
	}
	q := url.Values{}
	switch {
	case disable && at != nil:
		return Node{}, fmt.Errorf("headscale: %s: %w: an expiry time and disabling expiry exclude each other", op, ErrInvalid)
	case disable:
		q.Set("disableExpiry", "true")
	case at != nil:
		q.Set("expiry", at.UTC().Format(time.RFC3339Nano))
	}
	path := "/api/v1/node/" + id + "/expire"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return c.nodeCall(ctx, request{name: "expire_node", op: op, method: http.MethodPost, path: path, auth: true})
}

// DeleteNode deletes node id (DELETE /api/v1/node/{id}).
func (c *Client) DeleteNode(ctx context.Context, id string) error {
	op, err := withID("delete node", id)
	if err != nil {
		return err
	}
	return c.do(ctx, request{name: "delete_node", op: op, method: http.MethodDelete, path: "/api/v1/node/" + id, auth: true}, nil)
}

// SetTags replaces node id's tags (POST /api/v1/node/{id}/tags). Each tag
// must look like "tag:name" and, in 0.28+, be in the policy's tagOwners;
// otherwise ErrInvalid. Tagging a user's node makes it a tagged node for
// good (0.28+): its tags own it, and its tags cannot be removed again.
func (c *Client) SetTags(ctx context.Context, id string, tags []string) (Node, error) {
	op, err := withID("set tags of node", id)
	if err != nil {
		return Node{}, err
	}
	body := map[string][]string{"tags": nonNil(tags)}
	return c.nodeCall(ctx, request{name: "set_tags", op: op, method: http.MethodPost, path: "/api/v1/node/" + id + "/tags", auth: true, body: body})
}

// ApproveRoutes replaces node id's approved routes
// (POST /api/v1/node/{id}/approve_routes); an empty list removes them all.
// Approving either exit route (0.0.0.0/0 or ::/0) approves both. Routes the
// node does not advertise are approved all the same; they take effect when it
// does. A route that is not a prefix is ErrInvalid.
func (c *Client) ApproveRoutes(ctx context.Context, id string, routes []string) (Node, error) {
	op, err := withID("approve routes of node", id)
	if err != nil {
		return Node{}, err
	}
	body := map[string][]string{"routes": nonNil(routes)}
	return c.nodeCall(ctx, request{name: "approve_routes", op: op, method: http.MethodPost, path: "/api/v1/node/" + id + "/approve_routes", auth: true, body: body})
}

// RegisterNode completes a pending registration (the authID the client was
// given, "hskey-authreq-…" in 0.29) for the user called user
// (POST /api/v1/node/register?user=&key=). An unknown or finished
// registration, or an unknown user, is ErrNotFound.
func (c *Client) RegisterNode(ctx context.Context, user, authID string) (Node, error) {
	const op = "register node"
	if user == "" || authID == "" {
		return Node{}, fmt.Errorf("headscale: %s: %w: user and registration id are required", op, ErrInvalid)
	}
	q := url.Values{"user": {user}, "key": {authID}}
	return c.nodeCall(ctx, request{name: "register_node", op: op, method: http.MethodPost, path: "/api/v1/node/register?" + q.Encode(), auth: true})
}

// ApproveRegistration approves a pending authentication request that waits
// for an admin (POST /api/v1/auth/approve, Headscale 0.29+). An unknown
// authID is ErrNotFound; a malformed one ErrInvalid.
func (c *Client) ApproveRegistration(ctx context.Context, authID string) error {
	return c.do(ctx, request{name: "approve_registration", op: "approve registration", method: http.MethodPost, path: "/api/v1/auth/approve", auth: true,
		body: map[string]string{"authId": authID}}, nil)
}

// RejectRegistration rejects a pending authentication request
// (POST /api/v1/auth/reject, Headscale 0.29+). An unknown authID is
// ErrNotFound; a malformed one ErrInvalid.
func (c *Client) RejectRegistration(ctx context.Context, authID string) error {
	return c.do(ctx, request{name: "reject_registration", op: "reject registration", method: http.MethodPost, path: "/api/v1/auth/reject", auth: true,
		body: map[string]string{"authId": authID}}, nil)
}

// nodeCall sends req, which Headscale answers with {"node": …}, and returns
// that node. Headscale fills subnetRoutes only in node lists (single-node
// answers carry [] or, after approve_routes, only primary routes), so for a
// node with approved routes they are taken from the list; if that list cannot
// be read, the node is returned as Headscale answered.
func (c *Client) nodeCall(ctx context.Context, req request) (Node, error) {
	var out struct {
		Node *nodeJSON `json:"node"`
	}
	if err := c.do(ctx, req, &out); err != nil {
		return Node{}, err
	}
	if out.Node == nil {
		return Node{}, fmt.Errorf("headscale: %s: no node in response", req.op)
	}
	n := out.Node.node()
	if len(n.ApprovedRoutes) == 0 {
		return n, nil
	}
	nodes, err := c.listNodes(ctx, req.op+": read subnet routes")
	if err != nil {
		return n, nil
	}
	for _, ln := range nodes {
		if ln.ID == n.ID {
			n.SubnetRoutes = ln.SubnetRoutes
			break
		}
	}
	return n, nil
}
