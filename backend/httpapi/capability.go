package httpapi

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"headway/api"
)

// Capability names that need no role.
const (
	capabilityPublic        = "public"
	capabilityAuthenticated = "authenticated"
)

// operationCapabilities reads the x-capability of every operation in the
// contract. An operation without one is an error: the server refuses to start
// rather than serve an endpoint nobody decided who may call.
func operationCapabilities(spec *openapi3.T) (map[string]string, error) {
	caps := map[string]string{}
	var missing []string
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			name, _ := op.Extensions["x-capability"].(string)
			if name == "" {
				missing = append(missing, method+" "+path)
				continue
			}
			caps[op.OperationID] = name
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("operations without x-capability: %v", missing)
	}
	return caps, nil
}

// requireCapability enforces each operation's x-capability before its handler runs.
func requireCapability(caps map[string]string) api.StrictMiddlewareFunc {
	return func(next api.StrictHandlerFunc, operationID string) api.StrictHandlerFunc {
		return func(c echo.Context, request any) (any, error) {
			switch caps[operationID] {
			case capabilityPublic:
				return next(c, request)
			case "":
				// Unreachable while operationCapabilities vets the spec; fail closed anyway.
				return nil, fmt.Errorf("operation %q has no capability", operationID)
			default:
				return nil, &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "Sign in first.", Hint: "Sign in at /admin/ to use this endpoint."}
			}
		}
	}
}
