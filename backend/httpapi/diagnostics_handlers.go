package httpapi

import (
	"context"

	"headway/api"
	"headway/backend/doctor"
)

// GetDiagnostics runs the checks of `headway doctor` against this server's
// configuration. doctor.Run masks every secret of the configuration in what
// it returns.
func (s *server) GetDiagnostics(ctx context.Context, _ api.GetDiagnosticsRequestObject) (api.GetDiagnosticsResponseObject, error) {
	checks := doctor.Run(ctx, s.cfg, doctor.Options{})
	out := api.Diagnostics{Ok: true, Checks: make([]api.DiagnosticCheck, 0, len(checks))}
	for _, c := range checks {
		if c.Status == doctor.Fail {
			out.Ok = false
		}
		out.Checks = append(out.Checks, api.DiagnosticCheck{
			Name: c.Name, Status: api.DiagnosticCheckStatus(c.Status), Detail: c.Detail, Fix: c.Fix,
		})
	}
	return api.GetDiagnostics200JSONResponse(out), nil
}
