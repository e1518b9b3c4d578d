package httpapi

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"headway/api"
	"headway/backend/rbac"
)

func TestContractDeclaresCapabilities(t *testing.T) {
	spec, err := api.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	caps, err := operationCapabilities(spec)
	if err != nil {
		t.Fatalf("operationCapabilities: %v", err)
	}
	if len(caps) == 0 {
		t.Fatal("no operations found in the contract")
	}
	for op, rule := range caps {
		capability := rule.capability
		if capability != capabilityPublic && capability != capabilityAuthenticated && !rbac.Capability(capability).Valid() {
			t.Errorf("operation %s declares unknown capability %q", op, capability)
		}
	}
}

func TestOperationWithoutCapabilityIsRefused(t *testing.T) {
	doc := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /ok:
    get: {operationId: ok, x-capability: public, responses: {"200": {description: ok}}}
  /forgotten:
    post: {operationId: forgotten, responses: {"200": {description: ok}}}
  /misspelt:
    get: {operationId: misspelt, x-capability: read_machine, responses: {"200": {description: ok}}}
`
	spec, err := openapi3.NewLoader().LoadFromData([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	_, err = operationCapabilities(spec)
	if err == nil || !strings.Contains(err.Error(), "POST /forgotten") || !strings.Contains(err.Error(), "GET /misspelt") {
		t.Fatalf("operationCapabilities = %v, want an error naming POST /forgotten and GET /misspelt", err)
	}
}
