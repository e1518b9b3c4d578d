package httpapi

import (
	"context"

	"headway/api"
	"headway/backend/policy"
)

// GetPolicy answers the ACL policy and its version.
func (s *server) GetPolicy(ctx context.Context, _ api.GetPolicyRequestObject) (api.GetPolicyResponseObject, error) {
	doc, err := s.policy.Get(ctx)
	if err != nil {
		return nil, err
	}
	return api.GetPolicy200JSONResponse(policyOut(doc)), nil
}

// SetPolicy saves the policy when Headscale accepts it and nobody changed it since baseVersion.
func (s *server) SetPolicy(ctx context.Context, req api.SetPolicyRequestObject) (api.SetPolicyResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	doc, err := s.policy.Save(ctx, req.Body.Policy, req.Body.BaseVersion)
	if err != nil {
		return nil, err
	}
	return api.SetPolicy200JSONResponse(policyOut(doc)), nil
}

// CheckPolicy asks Headscale whether a policy is valid without saving it.
func (s *server) CheckPolicy(ctx context.Context, req api.CheckPolicyRequestObject) (api.CheckPolicyResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	r, err := s.policy.Check(ctx, req.Body.Policy)
	if err != nil {
		return nil, err
	}
	out := api.PolicyCheck{Valid: r.Valid}
	if !r.Valid {
		out.Message = &r.Message
		if r.Line > 0 {
			out.Line, out.Column = &r.Line, &r.Column
		}
	}
	return api.CheckPolicy200JSONResponse(out), nil
}

func policyOut(d policy.Document) api.Policy {
	return api.Policy{Policy: d.Text, Version: d.Version, UpdatedAt: d.UpdatedAt, Mode: api.PolicyMode(d.Mode)}
}
