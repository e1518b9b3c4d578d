package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"headway/backend/audit"
	"headway/backend/auth"
)

// auditRule is the event an operation records, as its x-audit declares it.
type auditRule struct {
	action, target string
	// param is the path parameter naming the target ("" when none does).
	param string
}

// operationAudits reads the x-audit of every operation that is not a GET.
// One without it is an error: the server refuses to start rather than
// serve a change that leaves no trace.
func operationAudits(spec *openapi3.T) (map[string]auditRule, error) {
	rules := map[string]auditRule{}
	var missing []string
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			if method == http.MethodGet {
				continue
			}
			decl, _ := op.Extensions["x-audit"].(map[string]any)
			action, _ := decl["action"].(string)
			target, _ := decl["target"].(string)
			if action == "" || target == "" {
				missing = append(missing, method+" "+path)
				continue
			}
			rule := auditRule{action: action, target: target}
			for _, p := range slices.Concat(item.Parameters, op.Parameters) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInPath {
					rule.param = p.Value.Name
				}
			}
			rules[op.OperationID] = rule
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("operations without an x-audit action and target: %v", missing)
	}
	return rules, nil
}

// beginAudit starts the event of an operation following rule and puts it in
// the request's context, before anything can refuse the request.
func (s *server) beginAudit(c echo.Context, rule auditRule) *audit.Entry {
	target := ""
	if rule.param != "" {
		target = c.Param(rule.param)
		if unescaped, err := url.PathUnescape(target); err == nil {
			target = unescaped
		}
	}
	requestID := c.Response().Header().Get(echo.HeaderXRequestID)
	ctx, entry := audit.Begin(c.Request().Context(), rule.action, rule.target, target, requestID, c.RealIP())
	c.SetRequest(c.Request().WithContext(ctx))
	return entry
}

// finishAudit writes entry with the outcome err describes: ok without one,
// denied for a refusal (401, 403), else failed with the error's code.
func (s *server) finishAudit(ctx context.Context, entry *audit.Entry, err error) {
	if err == nil {
		s.audit.Finish(ctx, entry, audit.OK, "")
		return
	}
	e := toError(err)
	result := audit.Failed
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		result = audit.Denied
	}
	s.audit.Finish(ctx, entry, result, e.Code)
}

// auditActor describes a principal as the audit trail records it: a person
// by email (or name), a Headscale API key by its prefix with the admin role
// it acts with, a token by its name with its creator and effective role.
func auditActor(p *auth.Principal) audit.Actor {
	switch {
	case p.Kind == auth.KindToken && p.User != nil:
		return audit.Actor{Type: audit.ActorToken, Name: p.TokenName, UserID: p.User.ID, Role: p.User.Role}
	case p.User != nil:
		return audit.UserActor(*p.User)
	default:
		return audit.APIKeyActor(p.APIKeyPrefix)
	}
}
