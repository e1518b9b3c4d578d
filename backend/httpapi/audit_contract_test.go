package httpapi

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"headway/api"
)

func TestContractDeclaresAudits(t *testing.T) {
	t.Parallel()
	spec, err := api.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	rules, err := operationAudits(spec)
	if err != nil {
		t.Fatalf("operationAudits: %v", err)
	}
	caps, err := operationCapabilities(spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) == 0 || len(rules) >= len(caps) {
		t.Fatalf("%d audited operations of %d, want every change and no read", len(rules), len(caps))
	}
	// The target of an operation on one thing is the path parameter naming it.
	for op, param := range map[string]string{
		"RenameMachine": "machineId", "DeleteAPIKey": "prefix", "RevokeSession": "sessionId",
		"UpdateConsoleUser": "userId", "ApproveRegistration": "registrationId", "CreateHeadscaleUser": "",
	} {
		if got := rules[op].param; got != param {
			t.Errorf("%s: target parameter %q, want %q", op, got, param)
		}
	}
	if r := rules["RenameMachine"]; r.action != "machine.rename" || r.target != "machine" {
		t.Errorf("RenameMachine audits %+v, want machine.rename on a machine", r)
	}
}

func TestOperationWithoutAuditIsRefused(t *testing.T) {
	t.Parallel()
	doc := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /read:
    get: {operationId: read, x-capability: public, responses: {"200": {description: ok}}}
  /audited:
    post: {operationId: audited, x-capability: public, x-audit: {action: a.b, target: a}, responses: {"200": {description: ok}}}
  /forgotten:
    post: {operationId: forgotten, x-capability: public, responses: {"200": {description: ok}}}
  /halfway:
    put: {operationId: halfway, x-capability: public, x-audit: {action: a.c}, responses: {"200": {description: ok}}}
`
	spec, err := openapi3.NewLoader().LoadFromData([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	_, err = operationAudits(spec)
	if err == nil || !strings.Contains(err.Error(), "POST /forgotten") || !strings.Contains(err.Error(), "PUT /halfway") ||
		strings.Contains(err.Error(), "/audited") || strings.Contains(err.Error(), "/read") {
		t.Fatalf("operationAudits = %v, want an error naming POST /forgotten and PUT /halfway only", err)
	}
}
