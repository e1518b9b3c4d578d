// Package devidptest starts the development OpenID provider in-process for tests.
package devidptest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"headway/backend/devidp"
)

// Server is a provider listening on a loopback port for the life of a test.
type Server struct {
	*devidp.Provider
	// URL is the server's base address, http://127.0.0.1:PORT.
	URL string
	// Issuer is the issuer: URL followed by the configured issuer path.
	// (It shadows Provider.Issuer, which returns the same value.)
	Issuer string
	srv    *httptest.Server
}

// Start listens on 127.0.0.1, sets cfg.Issuer from the chosen port (keeping the
// path of a cfg.Issuer given as a path such as "/oidc", or as a URL whose path is
// kept and whose host is replaced), builds the provider and serves it until the
// test ends.
func Start(t testing.TB, cfg devidp.Config) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("devidptest: listen: %v", err)
	}
	base := "http://" + ln.Addr().String()
	cfg.Issuer = base + issuerPath(cfg.Issuer)
	p, err := devidp.New(cfg)
	if err != nil {
		ln.Close()
		t.Fatalf("devidptest: %v", err)
	}
	srv := httptest.NewUnstartedServer(p)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return &Server{Provider: p, URL: base, Issuer: cfg.Issuer, srv: srv}
}

// Client returns an HTTP client for the server that follows no redirects, so a
// test can read each Location itself.
func (s *Server) Client() *http.Client {
	c := *s.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// issuerPath returns the path part of an issuer given as "/path" or as a URL.
func issuerPath(issuer string) string {
	if issuer == "" || strings.HasPrefix(issuer, "/") {
		return issuer
	}
	if i := strings.Index(issuer, "://"); i >= 0 {
		rest := issuer[i+3:]
		if j := strings.Index(rest, "/"); j >= 0 {
			return rest[j:]
		}
		return ""
	}
	return "/" + issuer
}
