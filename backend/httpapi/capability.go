package httpapi

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"headway/api"
	"headway/backend/audit"
	"headway/backend/auth"
	"headway/backend/identity"
	"headway/backend/rbac"
)

// Capability names that need no role.
const (
	capabilityPublic        = "public"
	capabilityAuthenticated = "authenticated"
)

// access is who may call an operation, as the contract declares it.
type access struct {
	capability string
	// machineOwnerMay (x-machine-owner-may) also lets through people with
	// ui_access whose Headscale user owns the machine; the handler checks that.
	machineOwnerMay bool
}

// operationCapabilities reads the x-capability of every operation in the
// contract. An operation without one is an error: the server refuses to start
// rather than serve an endpoint nobody decided who may call.
func operationCapabilities(spec *openapi3.T) (map[string]access, error) {
	caps := map[string]access{}
	var missing []string
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			name, _ := op.Extensions["x-capability"].(string)
			if name != capabilityPublic && name != capabilityAuthenticated && !rbac.Capability(name).Valid() {
				missing = append(missing, fmt.Sprintf("%s %s (%q)", method, path, name))
				continue
			}
			ownerMay, _ := op.Extensions["x-machine-owner-may"].(bool)
			caps[op.OperationID] = access{capability: name, machineOwnerMay: ownerMay}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("operations without a known x-capability: %v", missing)
	}
	return caps, nil
}

// authorize runs before every operation: it begins the audit event of a
// change, refuses unsafe requests from other sites, works out who is
// calling, enforces the operation's x-capability, and checks the CSRF token
// of unsafe requests that ride on a session cookie. A change records exactly
// one event, whether it succeeds, fails or is refused here.
func (s *server) authorize(caps map[string]access, audits map[string]auditRule) api.StrictMiddlewareFunc {
	return func(next api.StrictHandlerFunc, operationID string) api.StrictHandlerFunc {
		return func(c echo.Context, request any) (response any, err error) {
			rule, audited := audits[operationID]
			if !audited {
				return s.gate(c, request, caps[operationID], next)
			}
			entry := s.beginAudit(c, rule)
			defer func() {
				if p := recover(); p != nil {
					s.audit.Finish(c.Request().Context(), entry, audit.Failed, "internal")
					panic(p)
				}
				s.finishAudit(c.Request().Context(), entry, err)
			}()
			return s.gate(c, request, caps[operationID], next)
		}
	}
}

// gate applies rule to the request and calls next when it passes.
func (s *server) gate(c echo.Context, request any, rule access, next api.StrictHandlerFunc) (any, error) {
	capability := rule.capability
	if capability == "" {
		// Unreachable while operationCapabilities vets the spec; fail closed anyway.
		return nil, fmt.Errorf("operation at %s has no capability", c.Path())
	}
	if err := s.checkOrigin(c.Request()); err != nil {
		return nil, err
	}
	p, err := s.identify(c)
	if err != nil {
		return nil, err
	}
	if p != nil {
		audit.SetActor(c.Request().Context(), auditActor(p))
	}
	if capability == capabilityPublic {
		return next(c, request)
	}
	if p == nil {
		return nil, errUnauthenticated
	}
	if p.SessionID != "" && !isSafeMethod(c.Request().Method) && !p.CheckCSRF(c.Request().Header.Get(csrfHeader)) {
		return nil, errCSRF
	}
	if capability != capabilityAuthenticated {
		held := capabilitiesOf(p)
		ownerMayTry := rule.machineOwnerMay && held.Has(rbac.UIAccess)
		if !held.Has(rbac.Capability(capability)) && !ownerMayTry {
			return nil, forbidden(capability)
		}
	}
	return next(c, request)
}

// csrfHeader carries the session's CSRF token (from GET /me) on unsafe requests.
const csrfHeader = "X-CSRF-Token"

// capabilitiesOf returns what a principal may do: a console user what their
// role holds (read afresh on every request, so a role change applies at once),
// a Headscale API key everything.
func capabilitiesOf(p *auth.Principal) rbac.Set {
	if p.User != nil {
		return rbac.Role(p.User.Role).Set()
	}
	return rbac.FullAccess()
}

// actorOf describes the caller to the identity service.
func actorOf(p *auth.Principal) identity.Actor {
	if p.User != nil {
		return identity.Actor{ConsoleUserID: p.User.ID, Role: rbac.Role(p.User.Role)}
	}
	return identity.Actor{Role: rbac.Admin}
}

func forbidden(capability string) error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden",
		Message: fmt.Sprintf("Your role does not allow this (it needs %s).", capability),
		Hint:    "Ask an administrator for a role that includes it; the Users page lists who can grant roles."}
}

var (
	errUnauthenticated = &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "Sign in first.",
		Hint: "Sign in at /admin/login, or send Authorization: Bearer <Headway API token (hw_…) or Headscale API key>."}
	errCSRF = &Error{Status: http.StatusForbidden, Code: "csrf_token_invalid", Message: "The request lacks this session's CSRF token.",
		Hint: "Send the csrfToken from GET /me in the X-CSRF-Token header."}
)
