package headscale

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testKey = "hskey-api-SECRETprefix-SECRETSECRETSECRETSECRET"

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		want   []error // sentinels errors.Is must match
		notIs  []error // and must not
		apiErr *APIError
	}{
		{
			name: "bad key is plain-text 401", status: 401, body: "Unauthorized",
			want: []error{ErrUnauthorized}, notIs: []error{ErrNotFound, ErrUnreachable},
			apiErr: &APIError{Status: 401, Message: "Unauthorized"},
		},
		{
			name: "user not found is sent as 500", status: 500, body: `{"code":2, "message":"user not found", "details":[]}`,
			want: []error{ErrNotFound}, notIs: []error{ErrUnauthorized, ErrConflict},
			apiErr: &APIError{Status: 500, Code: 2, Message: "user not found"},
		},
		{
			name: "node not found is a real 404", status: 404, body: `{"code":5, "message":"node not found", "details":[]}`,
			want:   []error{ErrNotFound},
			apiErr: &APIError{Status: 404, Code: 5, Message: "node not found"},
		},
		{
			name: "registration cache miss", status: 500, body: `{"code":2, "message":"node not found in registration cache", "details":[]}`,
			want: []error{ErrNotFound},
		},
		{
			name: "no policy yet", status: 500, body: `{"code":2, "message":"acl policy not found", "details":[]}`,
			want: []error{ErrNotFound},
		},
		{
			name: "duplicate user name (sqlite)", status: 500,
			body: `{"code":13, "message":"creating user: creating user: constraint failed: UNIQUE constraint failed: users.name (2067)", "details":[]}`,
			want: []error{ErrConflict}, notIs: []error{ErrNotFound},
		},
		{
			name: "user already exists", status: 500, body: `{"code":2, "message":"user already exists", "details":[]}`,
			want: []error{ErrConflict},
		},
		{
			name: "user still has nodes", status: 500, body: `{"code":2, "message":"user not empty: node(s) found", "details":[]}`,
			want: []error{ErrUserHasNodes}, notIs: []error{ErrNotFound, ErrConflict},
		},
		{
			// A 400 mentioning "not found" is invalid input, not a missing object.
			name: "400 is not mapped by message", status: 400, body: `{"code":3, "message":"tag:web not found in tagOwners", "details":[]}`,
			notIs:  []error{ErrNotFound},
			apiErr: &APIError{Status: 400, Code: 3, Message: "tag:web not found in tagOwners"},
		},
		{
			name: "400 is invalid input", status: 400, body: `{"code":3, "message":"requested tags [tag:web] are invalid or not permitted", "details":[]}`,
			want: []error{ErrInvalid}, notIs: []error{ErrNotFound, ErrConflict},
		},
		{
			name: "invalid DNS label is sent as 500", status: 500,
			body: `{"code":2, "message":"renaming node: \"Bad_Name!\" is not a valid DNS label: must end with a letter or number", "details":[]}`,
			want: []error{ErrInvalid}, notIs: []error{ErrNotFound},
		},
		{
			// Regression: the policy error quotes "not found"; it is invalid input.
			name: "policy rejected on set is sent as 500", status: 500,
			body: `{"code":2, "message":"setting policy: parsing policy: user not found: alice@", "details":[]}`,
			want: []error{ErrInvalid}, notIs: []error{ErrNotFound},
		},
		{
			name: "policy in a file", status: 500, body: `{"code":2, "message":"update is disabled for modes other than 'database'", "details":[]}`,
			want: []error{ErrPolicyModeFile}, notIs: []error{ErrInvalid},
		},
		{
			name: "missing node on approve_routes is sent as 400", status: 400, body: `{"code":3, "message":"node no longer exists in NodeStore: 99", "details":[]}`,
			want: []error{ErrNotFound}, notIs: []error{ErrInvalid},
		},
		{
			name: "missing node on rename is sent as 500", status: 500, body: `{"code":2, "message":"node no longer exists in NodeStore: 99", "details":[]}`,
			want: []error{ErrNotFound},
		},
		{
			name: "unknown api key prefix", status: 500, body: `{"code":2, "message":"record not found", "details":[]}`,
			want: []error{ErrNotFound},
		},
		{
			name: "unknown 500 maps to nothing", status: 500, body: `{"code":13, "message":"database is locked", "details":[]}`,
			notIs: []error{ErrNotFound, ErrConflict, ErrUnauthorized, ErrUnreachable, ErrUserHasNodes, ErrInvalid, ErrPolicyModeFile},
		},
		{
			name: "proxy in front answers 502", status: 502, body: "<html>Bad Gateway</html>",
			want: []error{ErrUnreachable},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			_, err := New(srv.URL, testKey).ListAPIKeys(t.Context())
			if err == nil {
				t.Fatalf("ListAPIKeys() = nil error, want status %d", tc.status)
			}
			for _, s := range tc.want {
				if !errors.Is(err, s) {
					t.Errorf("ListAPIKeys() = %v, want errors.Is %v", err, s)
				}
			}
			for _, s := range tc.notIs {
				if errors.Is(err, s) {
					t.Errorf("ListAPIKeys() = %v, want not errors.Is %v", err, s)
				}
			}
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("ListAPIKeys() = %v (%T), want an *APIError in the chain", err, err)
			}
			if tc.apiErr != nil {
				if diff := cmp.Diff(tc.apiErr, ae); diff != "" {
					t.Errorf("APIError mismatch (-want +got):\n%s", diff)
				}
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error text contains the API key: %q", err)
			}
		})
	}
}

func TestKeyNeverInErrors(t *testing.T) {
	t.Parallel()
	// A misbehaving proxy echoing the request headers in its error page.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("bad request, headers: Authorization=" + r.Header.Get("Authorization")))
	}))
	defer srv.Close()
	_, err := New(srv.URL, testKey).ListAPIKeys(t.Context())
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("ListAPIKeys() = %v, want an error without the key", err)
	}
	if err != nil && !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("ListAPIKeys() = %v, want the key replaced by [redacted]", err)
	}
}

func TestLongErrorBodyIsTruncated(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(strings.Repeat("é", 100_000)))
	}))
	defer srv.Close()
	_, err := New(srv.URL, testKey).ListAPIKeys(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("ListAPIKeys() = %v, want *APIError", err)
	}
	if n := len(ae.Message); n > messageLimit+len("…") {
		t.Errorf("len(APIError.Message) = %d, want at most %d", n, messageLimit+len("…"))
	}
	if !strings.HasSuffix(ae.Message, "…") {
		t.Errorf("APIError.Message does not end in …: %q", ae.Message[len(ae.Message)-10:])
	}
}

func TestUnreachable(t *testing.T) {
	t.Parallel()

	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		url := "http://" + l.Addr().String()
		l.Close()
		c := New(url, testKey)
		for name, call := range map[string]func(context.Context) error{
			"Health":      c.Health,
			"Version":     func(ctx context.Context) error { _, err := c.Version(ctx); return err },
			"ListAPIKeys": func(ctx context.Context) error { _, err := c.ListAPIKeys(ctx); return err },
		} {
			err := call(t.Context())
			if !errors.Is(err, ErrUnreachable) {
				t.Errorf("%s() = %v, want ErrUnreachable", name, err)
			}
			if err != nil && !strings.Contains(err.Error(), "refused") {
				t.Errorf("%s() = %v, want the cause (connection refused) in the text", name, err)
			}
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("%s() error contains the API key: %q", name, err)
			}
		}
	})

	t.Run("per-call timeout", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer srv.Close()
		defer close(release)
		start := time.Now()
		err := New(srv.URL, testKey, WithTimeout(50*time.Millisecond)).Health(t.Context())
		if !errors.Is(err, ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Health() = %v, want ErrUnreachable wrapping context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Health() took %v, want about the 50ms timeout", d)
		}
	})

	t.Run("caller cancelled is not unreachable", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}))
		defer srv.Close()
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(20*time.Millisecond, cancel)
		err := New(srv.URL, testKey).Health(ctx)
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnreachable) {
			t.Errorf("Health() = %v, want context.Canceled and not ErrUnreachable", err)
		}
	})
}

func TestRequests(t *testing.T) {
	t.Parallel()
	type seen struct{ method, path, auth string }
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, seen{r.Method, r.URL.Path, r.Header.Get("Authorization")})
		switch r.URL.Path {
		case "/health":
			w.Write([]byte(`{"status":"pass"}`))
		case "/version":
			w.Write([]byte(`{"version":"v0.29.2","commit":"unknown"}`))
		case "/api/v1/apikey":
			w.Write([]byte(`{"apiKeys":[
				{"id":"1", "prefix":"hskey-api-abc-***", "expiration":"2029-08-18T12:13:36Z", "createdAt":"2026-11-23T12:13:36Z", "lastSeen":null},
				{"id":"2", "prefix":"hskey-api-def-***", "expiration":"0001-01-01T00:00:00Z", "createdAt":"2026-11-23T12:13:36Z"}]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := New(srv.URL+"/", testKey) // trailing slash is tolerated

	if err := c.Health(t.Context()); err != nil {
		t.Errorf("Health() = %v, want nil", err)
	}
	v, err := c.Version(t.Context())
	if err != nil || v != "v0.29.2" {
		t.Errorf("Version() = %q, %v, want %q, nil", v, err, "v0.29.2")
	}
	keys, err := c.ListAPIKeys(t.Context())
	if err != nil {
		t.Fatalf("ListAPIKeys() = %v", err)
	}
	exp := time.Date(2029, 8, 18, 12, 13, 36, 0, time.UTC)
	created := time.Date(2026, 11, 23, 12, 13, 36, 0, time.UTC)
	wantKeys := []APIKey{
		{ID: "1", Prefix: "hskey-api-abc-***", Expiration: &exp, CreatedAt: &created},
		{ID: "2", Prefix: "hskey-api-def-***", CreatedAt: &created}, // zero time means unset
	}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("ListAPIKeys() mismatch (-want +got):\n%s", diff)
	}

	wantSeen := []seen{
		{"GET", "/health", ""}, // no key on unauthenticated endpoints
		{"GET", "/version", ""},
		{"GET", "/api/v1/apikey", "Bearer " + testKey},
	}
	if diff := cmp.Diff(wantSeen, got, cmp.AllowUnexported(seen{})); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
}

func TestHealthNotPassing(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"status":"fail"}`))
	}))
	defer srv.Close()
	if err := New(srv.URL, testKey).Health(t.Context()); err == nil {
		t.Errorf("Health() = nil, want an error for status fail")
	}
}

func TestParseVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		want      Version
		wantErr   bool
		supported bool
		dev       bool
	}{
		{in: "v0.29.2", want: Version{Minor: 29, Patch: 2, Raw: "v0.29.2"}, supported: true},
		{in: "0.28.0", want: Version{Minor: 28, Raw: "0.28.0"}, supported: true},
		{in: "v0.27.1", want: Version{Minor: 27, Patch: 1, Raw: "v0.27.1"}, supported: true},
		{in: "v0.29.2-beta.1", want: Version{Minor: 29, Patch: 2, Pre: "beta.1", Raw: "v0.29.2-beta.1"}, supported: true},
		{in: "v0.30.0-rc.1", want: Version{Minor: 30, Pre: "rc.1", Raw: "v0.30.0-rc.1"}},
		{in: "v0.29.2-5-gabc123", want: Version{Minor: 29, Patch: 2, Pre: "5-gabc123", Raw: "v0.29.2-5-gabc123"}, supported: true},
		{in: "v0.29.2+dirty", want: Version{Minor: 29, Patch: 2, Raw: "v0.29.2+dirty"}, supported: true},
		{in: "v0.29", want: Version{Minor: 29, Raw: "v0.29"}, supported: true},
		{in: "v0.26.1", want: Version{Minor: 26, Patch: 1, Raw: "v0.26.1"}},
		{in: "v1.0.0", want: Version{Major: 1, Raw: "v1.0.0"}},
		{in: "dev", want: Version{Raw: "dev"}, supported: true, dev: true},
		{in: "(devel)", want: Version{Raw: "(devel)"}, supported: true, dev: true},
		{in: "", wantErr: true},
		{in: "unknown", wantErr: true},
		{in: "v0.x.1", wantErr: true},
		{in: "v0.+29.1", wantErr: true}, // regression: strconv.Atoi accepts a sign
		{in: "v0..1", wantErr: true},
		{in: "v0.29.2.1", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseVersion(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseVersion(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if tc.wantErr {
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseVersion(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
		if s := got.Supported(); s != tc.supported {
			t.Errorf("ParseVersion(%q).Supported() = %v, want %v", tc.in, s, tc.supported)
		}
		if d := got.Dev(); d != tc.dev {
			t.Errorf("ParseVersion(%q).Dev() = %v, want %v", tc.in, d, tc.dev)
		}
	}
}

func TestVersionAtLeast(t *testing.T) {
	t.Parallel()
	v := Version{Minor: 28, Patch: 3}
	tests := []struct {
		major, minor int
		want         bool
	}{{0, 27, true}, {0, 28, true}, {0, 29, false}, {1, 0, false}}
	for _, tc := range tests {
		if got := v.AtLeast(tc.major, tc.minor); got != tc.want {
			t.Errorf("v0.28.3.AtLeast(%d, %d) = %v, want %v", tc.major, tc.minor, got, tc.want)
		}
	}
	if !(Version{Raw: "dev"}).AtLeast(0, 99) {
		t.Errorf("dev.AtLeast(0, 99) = false, want true")
	}
}
