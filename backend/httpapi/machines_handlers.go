package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"

	"headway/api"
	"headway/backend/headscale"
	"headway/backend/machines"
	"headway/backend/rbac"
	"headway/backend/tailnet"
)

// ListMachines answers one page of machines from the shared snapshot.
func (s *server) ListMachines(ctx context.Context, req api.ListMachinesRequestObject) (api.ListMachinesResponseObject, error) {
	query, err := machineQuery(req.Params)
	if err != nil {
		return nil, err
	}
	snap := s.tailnet.Snapshot()
	now := time.Now()
	caller := machineCaller(ctx)
	age := snap.Age(now).Truncate(time.Second)
	cached, err := s.pages.answer(snap, pageKey(query, caller, age), func() ([]byte, error) {
		page, total := snap.Machines(query, now)
		out := api.MachinePage{
			Machines: make([]api.Machine, 0, len(page)),
			Total:    total,
			Page:     query.Page,
			PageSize: query.PageSize,
			DataAge:  float32(age.Seconds()),
			Stale:    snap.Stale,
		}
		for _, node := range page {
			out.Machines = append(out.Machines, s.machineOut(snap, caller, node, now))
		}
		return json.Marshal(out)
	})
	if err != nil {
		return nil, err
	}
	return machinePage{cachedPage: cached, gzip: acceptsGzip(ctx)}, nil
}

// GetMachine answers one machine from the shared snapshot.
func (s *server) GetMachine(ctx context.Context, req api.GetMachineRequestObject) (api.GetMachineResponseObject, error) {
	snap := s.tailnet.Snapshot()
	n, ok := snap.Node(req.MachineId)
	if !ok {
		return nil, errMachineNotFound
	}
	return api.GetMachine200JSONResponse(s.machineOut(snap, machineCaller(ctx), n, time.Now())), nil
}

// RenameMachine gives a machine a new MagicDNS name.
func (s *server) RenameMachine(ctx context.Context, req api.RenameMachineRequestObject) (api.RenameMachineResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	n, err := s.machines.Rename(ctx, machineCaller(ctx), req.MachineId, req.Body.Name)
	if err != nil {
		return nil, err
	}
	return api.RenameMachine200JSONResponse(s.machineAfterWrite(ctx, n)), nil
}

// ExpireMachine expires a machine now, at a time, or never.
func (s *server) ExpireMachine(ctx context.Context, req api.ExpireMachineRequestObject) (api.ExpireMachineResponseObject, error) {
	var at *time.Time
	disable := false
	if req.Body != nil {
		at = req.Body.Expiry
		disable = req.Body.DisableExpiry != nil && *req.Body.DisableExpiry
	}
	n, err := s.machines.Expire(ctx, machineCaller(ctx), req.MachineId, at, disable)
	if err != nil {
		return nil, err
	}
	return api.ExpireMachine200JSONResponse(s.machineAfterWrite(ctx, n)), nil
}

// DeleteMachine deletes a machine.
func (s *server) DeleteMachine(ctx context.Context, req api.DeleteMachineRequestObject) (api.DeleteMachineResponseObject, error) {
	if err := s.machines.Delete(ctx, machineCaller(ctx), req.MachineId); err != nil {
		return nil, err
	}
	return api.DeleteMachine204Response{}, nil
}

// SetMachineTags replaces a machine's ACL tags.
func (s *server) SetMachineTags(ctx context.Context, req api.SetMachineTagsRequestObject) (api.SetMachineTagsResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	n, err := s.machines.SetTags(ctx, machineCaller(ctx), req.MachineId, req.Body.Tags)
	if err != nil {
		return nil, err
	}
	return api.SetMachineTags200JSONResponse(s.machineAfterWrite(ctx, n)), nil
}

// SetMachineRoutes replaces a machine's approved routes.
func (s *server) SetMachineRoutes(ctx context.Context, req api.SetMachineRoutesRequestObject) (api.SetMachineRoutesResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	n, err := s.machines.SetRoutes(ctx, machineCaller(ctx), req.MachineId, req.Body.Routes)
	if err != nil {
		return nil, err
	}
	return api.SetMachineRoutes200JSONResponse(s.machineAfterWrite(ctx, n)), nil
}

// SetMachineExitNode approves or withdraws a machine's exit-node routes.
func (s *server) SetMachineExitNode(ctx context.Context, req api.SetMachineExitNodeRequestObject) (api.SetMachineExitNodeResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	n, err := s.machines.SetExitNode(ctx, machineCaller(ctx), req.MachineId, req.Body.Enabled)
	if err != nil {
		return nil, err
	}
	return api.SetMachineExitNode200JSONResponse(s.machineAfterWrite(ctx, n)), nil
}

// RegisterMachine registers a pending machine for a user.
func (s *server) RegisterMachine(ctx context.Context, req api.RegisterMachineRequestObject) (api.RegisterMachineResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	n, err := s.machines.Register(ctx, req.Body.User, req.Body.RegistrationId)
	if err != nil {
		return nil, err
	}
	return api.RegisterMachine201JSONResponse(s.machineAfterWrite(ctx, n)), nil
}

// ApproveRegistration approves a pending web registration.
func (s *server) ApproveRegistration(ctx context.Context, req api.ApproveRegistrationRequestObject) (api.ApproveRegistrationResponseObject, error) {
	if err := s.machines.ApproveRegistration(ctx, req.RegistrationId); err != nil {
		return nil, err
	}
	return api.ApproveRegistration204Response{}, nil
}

// RejectRegistration rejects a pending web registration.
func (s *server) RejectRegistration(ctx context.Context, req api.RejectRegistrationRequestObject) (api.RejectRegistrationResponseObject, error) {
	if err := s.machines.RejectRegistration(ctx, req.RegistrationId); err != nil {
		return nil, err
	}
	return api.RejectRegistration204Response{}, nil
}

var (
	errMachineNotFound = &Error{Status: http.StatusNotFound, Code: "machine_not_found", Message: "There is no machine with that id.", Hint: "GET /machines lists them."}
	errBodyMissing     = &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: "The request has no body.", Hint: "See /admin/api/openapi.yaml for what this operation expects."}
)

// machineCaller describes the caller to the machines service.
func machineCaller(ctx context.Context) machines.Caller {
	p := principalFrom(ctx)
	c := machines.Caller{CanWrite: capabilitiesOf(p).Has(rbac.WriteMachines)}
	if p.User != nil {
		c.HeadscaleUserID = p.User.HeadscaleUserID
	}
	return c
}

// machineQuery turns the list's query parameters into a snapshot query, refusing values the contract does not allow.
func machineQuery(p api.ListMachinesParams) (tailnet.Query, error) {
	q := tailnet.Query{Page: 1, PageSize: 50, Sort: "name"}
	bad := func(name, hint string) error {
		return &Error{Status: http.StatusBadRequest, Code: "invalid_parameter", Message: "The parameter " + name + " has a value this list does not accept.", Hint: hint}
	}
	if p.Q != nil {
		if utf8.RuneCountInString(*p.Q) > 200 { // maxLength counts characters, not bytes
			return q, bad("q", "Search for at most 200 characters.")
		}
		q.Search = *p.Q
	}
	if p.Status != nil {
		if !p.Status.Valid() {
			return q, bad("status", "Use online, offline or expired.")
		}
		q.Status = string(*p.Status)
	}
	if p.User != nil {
		q.UserID = *p.User
	}
	if p.Tag != nil {
		q.Tag = *p.Tag
	}
	q.Routes, q.ExitNode = p.Routes, p.ExitNode
	if p.Sort != nil {
		if !p.Sort.Valid() {
			return q, bad("sort", "Use name, lastSeen, created or user.")
		}
		q.Sort = string(*p.Sort)
	}
	if p.Order != nil {
		if !p.Order.Valid() {
			return q, bad("order", "Use asc or desc.")
		}
		q.Desc = *p.Order == api.Desc
	}
	if p.Page != nil {
		if *p.Page < 1 {
			return q, bad("page", "Pages start at 1.")
		}
		q.Page = *p.Page
	}
	if p.PageSize != nil {
		if *p.PageSize < 1 || *p.PageSize > 10000 {
			return q, bad("pageSize", "Use 1 to 10000.")
		}
		q.PageSize = *p.PageSize
	}
	return q, nil
}

// machineAfterWrite describes a machine just changed, as the next read will show it.
func (s *server) machineAfterWrite(ctx context.Context, n headscale.Node) api.Machine {
	return s.machineOut(s.tailnet.Snapshot(), machineCaller(ctx), n, time.Now())
}

// exitRoutes are the two routes that together make an exit node.
var exitRoutes = []string{"0.0.0.0/0", "::/0"}

func (s *server) machineOut(snap *tailnet.Snapshot, caller machines.Caller, n headscale.Node, now time.Time) api.Machine {
	out := api.Machine{
		Id: n.ID, Name: n.Name, GivenName: n.GivenName,
		Tags: nonNil(n.Tags), IpAddresses: nonNil(n.IPAddresses),
		MachineKey: shortKey(n.MachineKey), NodeKey: shortKey(n.NodeKey),
		ApprovedRoutes: nonNil(n.ApprovedRoutes), AvailableRoutes: nonNil(n.AvailableRoutes), SubnetRoutes: nonNil(n.SubnetRoutes),
		ExitNode:          slices.Contains(n.ApprovedRoutes, exitRoutes[0]) && slices.Contains(n.ApprovedRoutes, exitRoutes[1]),
		ExitNodeAvailable: slices.Contains(n.AvailableRoutes, exitRoutes[0]) || slices.Contains(n.AvailableRoutes, exitRoutes[1]),
		Online:            n.Online,
		Expired:           n.Expiry != nil && n.Expiry.Before(now),
		LastSeen:          n.LastSeen, Expiry: n.Expiry, CreatedAt: n.CreatedAt,
		RegisterMethod: n.RegisterMethod,
		CanManage:      s.machines.CanManage(caller, n),
	}
	// The user inside a node is a stale copy: the user list is the truth.
	if u, ok := snap.User(n.UserID); ok && len(n.Tags) == 0 {
		user := api.MachineUser{Id: u.ID, Name: u.Name}
		if u.DisplayName != "" {
			user.DisplayName = &u.DisplayName
		}
		out.User = &user
	}
	return out
}

// shortKey keeps enough of a key to tell machines apart without showing it whole.
func shortKey(key string) string {
	if len(key) <= 24 {
		return key
	}
	return key[:20] + "…" + key[len(key)-4:]
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
