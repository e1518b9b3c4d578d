package httpapi

import (
	"context"

	"headway/api"
	"headway/backend/dns"
)

// GetDNS answers the DNS settings from Headscale's configuration file, or why they cannot be shown.
func (s *server) GetDNS(ctx context.Context, _ api.GetDNSRequestObject) (api.GetDNSResponseObject, error) {
	st, err := s.dns.Get(ctx)
	if err != nil {
		return nil, err
	}
	out := api.DNS{Configured: st.Configured, Writable: st.Writable, ExtraRecordsConfigured: st.ExtraRecordsConfigured}
	if st.Settings != nil {
		settings := dnsSettingsOut(*st.Settings)
		out.Settings = &settings
	}
	if st.Configured || st.ExtraRecords != nil {
		records := recordsOut(st.ExtraRecords)
		out.ExtraRecords = &records
	}
	if st.Hint != "" {
		out.Hint = &st.Hint
	}
	return api.GetDNS200JSONResponse(out), nil
}

// SetDNS writes DNS settings into Headscale's configuration file.
func (s *server) SetDNS(ctx context.Context, req api.SetDNSRequestObject) (api.SetDNSResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	b := req.Body
	saved, err := s.dns.Save(ctx, dns.Settings{
		BaseDomain: b.BaseDomain, MagicDNS: b.MagicDns, GlobalNameservers: b.GlobalNameservers,
		SplitNameservers: b.SplitNameservers, SearchDomains: b.SearchDomains, OverrideLocalDNS: b.OverrideLocalDns,
	})
	if err != nil {
		return nil, err
	}
	out := api.DNSSaved{RestartRequired: saved.RestartRequired}
	if saved.Restart != nil {
		out.Restart = &struct {
			Ok     bool   `json:"ok"`
			Output string `json:"output"`
		}{Ok: saved.Restart.OK, Output: saved.Restart.Output}
	}
	return api.SetDNS200JSONResponse(out), nil
}

// SetExtraRecords replaces the extra DNS records Headscale serves.
func (s *server) SetExtraRecords(ctx context.Context, req api.SetExtraRecordsRequestObject) (api.SetExtraRecordsResponseObject, error) {
	if req.Body == nil {
		return nil, errBodyMissing
	}
	in := make([]dns.Record, 0, len(req.Body.Records))
	for _, r := range req.Body.Records {
		in = append(in, dns.Record{Name: r.Name, Type: string(r.Type), Value: r.Value})
	}
	written, err := s.dns.SetExtraRecords(ctx, in)
	if err != nil {
		return nil, err
	}
	return api.SetExtraRecords200JSONResponse(api.ExtraRecords{Records: recordsOut(written)}), nil
}

func dnsSettingsOut(st dns.Settings) api.DNSSettings {
	split := st.SplitNameservers
	if split == nil {
		split = map[string][]string{}
	}
	return api.DNSSettings{
		BaseDomain: st.BaseDomain, MagicDns: st.MagicDNS, GlobalNameservers: nonNil(st.GlobalNameservers),
		SplitNameservers: split, SearchDomains: nonNil(st.SearchDomains), OverrideLocalDns: st.OverrideLocalDNS,
	}
}

func recordsOut(rs []dns.Record) []api.ExtraRecord {
	out := make([]api.ExtraRecord, 0, len(rs))
	for _, r := range rs {
		out = append(out, api.ExtraRecord{Name: r.Name, Type: api.ExtraRecordType(r.Type), Value: r.Value})
	}
	return out
}
