package hstest

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fatalTB records Fatalf and stops the calling goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.msg = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

func TestMissingBinaryHint(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-headscale")
	t.Setenv(binaryEnv, missing)
	f := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(f)
		f.mu.Lock()
		f.msg = "Start returned"
		f.mu.Unlock()
	}()
	<-done
	for _, want := range []string{missing, "run `make headscale` (builds the pinned Headscale into .cache/bin)"} {
		if !strings.Contains(f.msg, want) {
			t.Errorf("Start() with a missing binary failed with %q, want it to contain %q", f.msg, want)
		}
	}
}

func TestParseAPIKey(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"hskey-api-abc-def\n", "hskey-api-abc-def"},
		{"2026-11-23T12:13:47Z WRN something\nhskey-api-abc-def\n", "hskey-api-abc-def"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := parseAPIKey(tc.in); got != tc.want {
			t.Errorf("parseAPIKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
