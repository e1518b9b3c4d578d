package dns

import (
	"net/http"

	"headway/backend/problem"
)

// Error is a refusal written for the people and programs calling the API.
// Status is the HTTP status it suggests, Code is stable snake_case, Message
// and Hint are shown as they are; Field, when set, is the DNSSettings or
// ExtraRecord field at fault (baseDomain, globalNameservers, records[2].value);
// Err is the cause, for the log only (it may be nil).
//
// Every *Error this package returns matches one of the sentinels below with
// errors.Is (same Code) and unwraps to its cause. Other errors are unexpected
// (500) and wrap their cause with a "dns: …" prefix.
type Error = problem.Problem

// Refusals. Compare with errors.Is; read the fields with errors.As.
var (
	ErrDNSNotConfigured = &Error{Status: http.StatusConflict, Code: "dns_not_configured",
		Message: "Headway cannot read Headscale's configuration file.",
		Hint:    hintConfigure}
	ErrDNSReadOnly = &Error{Status: http.StatusConflict, Code: "dns_read_only",
		Message: "Headway cannot write Headscale's configuration file.",
		Hint: "Let the user Headway runs as write the file and its directory (the file is replaced, never edited in place), " +
			"or change the dns section of the file by hand."}
	ErrDNSInvalid = &Error{Status: http.StatusBadRequest, Code: "dns_invalid",
		Message: "These DNS settings are not valid.",
		Hint:    "Nothing was changed: correct the field named and save again."}
	ErrExtraRecordsNotConfigured = &Error{Status: http.StatusConflict, Code: "extra_records_not_configured",
		Message: "Headscale has no extra records file Headway can write.",
		Hint:    hintExtraRecords}
	ErrRecordInvalid = &Error{Status: http.StatusBadRequest, Code: "record_invalid",
		Message: "That is not a valid DNS record.",
		Hint:    "A record has a DNS name, the type A with an IPv4 address or AAAA with an IPv6 address. Nothing was changed."}
)

const (
	hintConfigure = "Set headscale.config_path to Headscale's configuration file (its config.yaml): Headway must be able " +
		"to read it to show the DNS settings, and to write it and its directory to change them."
	hintExtraRecords = "In Headscale's configuration, set dns.extra_records_path to a JSON file holding [] that Headway can " +
		"write (in place of dns.extra_records), and restart Headscale once; Headscale then applies every change at once."
)
