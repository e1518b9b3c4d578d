package headscale

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"
)

type observed struct {
	operation string
	d         time.Duration
	err       error
}

func TestObserverSeesEveryCall(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/user":
			_, _ = w.Write([]byte(`{"users":[]}`))
		case "/api/v1/node/7/rename/web":
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":5,"message":"node not found"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	var (
		mu  sync.Mutex
		got []observed
	)
	c := New(srv.URL, testKey, WithObserver(func(operation string, d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, observed{operation, d, err})
	}))
	ctx := context.Background()
	if _, err := c.ListUsers(ctx); err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	if _, err := c.RenameNode(ctx, "7", "web"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("RenameNode = %v, want ErrNotFound", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Fatalf("observed %d calls, want 2: %+v", len(got), got)
	}
	if got[0].operation != "list_users" || got[0].err != nil || got[0].d <= 0 {
		t.Errorf("first call observed as %+v, want list_users, a duration and no error", got[0])
	}
	// The operation is a stable name: the node id stays out of it.
	if got[1].operation != "rename_node" || !errors.Is(got[1].err, ErrNotFound) {
		t.Errorf("second call observed as %+v, want rename_node with ErrNotFound", got[1])
	}
}

func TestObserverSeesUnreachable(t *testing.T) {
	t.Parallel()
	var got observed
	c := New("http://127.0.0.1:1", testKey, WithTimeout(2*time.Second),
		WithObserver(func(operation string, d time.Duration, err error) { got = observed{operation, d, err} }))
	if err := c.Health(context.Background()); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("Health = %v, want ErrUnreachable", err)
	}
	if got.operation != "health" || !errors.Is(got.err, ErrUnreachable) {
		t.Errorf("observed %+v, want health with ErrUnreachable", got)
	}
}

// TestOperationNames keeps every request named, in snake_case.
func TestOperationNames(t *testing.T) {
	t.Parallel()
	snake := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusTeapot)
	}))
	defer srv.Close()
	var mu sync.Mutex
	c := New(srv.URL, testKey, WithObserver(func(operation string, _ time.Duration, _ error) {
		mu.Lock()
		defer mu.Unlock()
		seen[operation] = true
	}))
	ctx := context.Background()
	_ = c.Health(ctx)
	_, _ = c.Version(ctx)
	_, _ = c.ListUsers(ctx)
	_, _ = c.ListNodes(ctx)
	_, _ = c.GetNode(ctx, "1")
	_ = c.DeleteNode(ctx, "1")
	_, _ = c.ListPreAuthKeys(ctx)
	_, _ = c.ListAPIKeys(ctx)
	_, _ = c.GetPolicy(ctx)
	_ = c.CheckPolicy(ctx, "{}")
	for op := range seen {
		if !snake.MatchString(op) {
			t.Errorf("operation %q is not a snake_case name", op)
		}
	}
	for _, want := range []string{"health", "version", "list_users", "list_nodes", "get_node", "delete_node",
		"list_pre_auth_keys", "list_api_keys", "get_policy", "check_policy"} {
		if !seen[want] {
			t.Errorf("no call observed as %q; saw %v", want, seen)
		}
	}
}
