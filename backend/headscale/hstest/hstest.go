// Package hstest starts a real Headscale for tests: a private server on a
// free loopback port with its own sqlite database, an API key, and functions to
// run the CLI against it, stop and restart it, and add nodes without a client.
package hstest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// DefaultVersion is the pinned Headscale release tests run against.
const DefaultVersion = "v0.29.2"

// binaryEnv names the environment variable that overrides the default binary.
const binaryEnv = "HEADWAY_HEADSCALE_BIN"

const (
	startTimeout = 10 * time.Second
	stopTimeout  = 5 * time.Second
	cliTimeout   = 30 * time.Second
	bindAttempts = 5
	logTailLines = 40
)

// Server is a running Headscale owned by one test. Cleanup stops it and
// removes Dir.
type Server struct {
	URL        string // http://127.0.0.1:PORT, no trailing slash
	APIKey     string // valid for 999 days
	ConfigPath string
	Dir        string // config, database, keys, socket and log
	Binary     string
	Version    string // the release Binary was chosen for ("" when set by HEADWAY_HEADSCALE_BIN)

	// ExtraRecordsPath is the file named by dns.extra_records_path, when
	// started WithExtraRecords.
	ExtraRecordsPath string

	addr       string // 127.0.0.1:PORT
	debugAddr  string // 127.0.0.1:PORT of the debug listener, or ""
	logPath    string
	policyMode string // the config's policy section

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// Option configures Start.
type Option func(*options)

type options struct {
	version      string
	policyFile   *string
	extraRecords bool
}

// WithVersion runs the Headscale built for release v (for example
// "v0.28.0"), found at <repo root>/.cache/bin/headscale-<v>. It takes
// precedence over HEADWAY_HEADSCALE_BIN.
func WithVersion(v string) Option {
	return func(o *options) { o.version = v }
}

// WithPolicyFile runs Headscale with policy.mode: file, reading the policy
// (HuJSON) from a file holding text, instead of the default policy.mode:
// database with no policy.
func WithPolicyFile(text string) Option {
	return func(o *options) { o.policyFile = &text }
}

// Start runs a fresh Headscale and returns once it answers /health and an API
// key exists. The binary is $HEADWAY_HEADSCALE_BIN, else
// <repo root>/.cache/bin/headscale-v0.29.2. Any failure ends the test.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	bin, version := binary(t, o.version)

	// A short path: the unix socket's path must fit in 108 bytes, which
	// t.TempDir() under a long test name does not guarantee.
	dir, err := os.MkdirTemp("", "hstest-")
	if err != nil {
		t.Fatalf("hstest: %v", err)
	}
	s := &Server{
		Dir:        dir,
		Binary:     bin,
		Version:    version,
		ConfigPath: filepath.Join(dir, "config.yaml"),
		logPath:    filepath.Join(dir, "headscale.log"),
	}
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			t.Logf("hstest: headscale log (%s):\n%s", s.logPath, s.logTail(200))
		}
		_ = os.RemoveAll(dir)
	})

	if err := os.WriteFile(filepath.Join(dir, "derp.yaml"), []byte(derpYAML), 0o600); err != nil {
		t.Fatalf("hstest: write derp map: %v", err)
	}
	s.policyMode = "{mode: database}"
	if o.policyFile != nil {
		path := filepath.Join(dir, "policy.hujson")
		if err := os.WriteFile(path, []byte(*o.policyFile), 0o600); err != nil {
			t.Fatalf("hstest: write policy file: %v", err)
		}
		s.policyMode = "{mode: file, path: " + path + "}"
	}
	if o.extraRecords {
		s.writeExtraRecords(t)
	}

	// The port is picked by listening on :0 and closing; another process may
	// take it before Headscale binds, so a bind failure picks another one.
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("hstest: pick a port: %v", err)
		}
		s.addr = fmt.Sprintf("127.0.0.1:%d", port)
		if o.extraRecords {
			if s.debugAddr, err = freeAddr(); err != nil {
				t.Fatalf("hstest: pick a port: %v", err)
			}
		}
		s.URL = "http://" + s.addr
		if err := os.WriteFile(s.ConfigPath, []byte(s.config()), 0o600); err != nil {
			t.Fatalf("hstest: write config: %v", err)
		}
		err = s.start()
		if err == nil {
			break
		}
		if errors.Is(err, errAddrInUse) && attempt < bindAttempts {
			t.Logf("hstest: %s taken, retrying on another port", s.addr)
			continue
		}
		t.Fatalf("hstest: start headscale: %v\n--- last lines of %s ---\n%s", err, s.logPath, s.logTail(logTailLines))
	}

	out := s.Headscale(t, "apikeys", "create", "--expiration", "999d")
	s.APIKey = parseAPIKey(out)
	if s.APIKey == "" {
		t.Fatalf("hstest: no API key in the output of `headscale apikeys create`:\n%s", out)
	}
	return s
}

// Stop stops Headscale (SIGTERM, then SIGKILL after 5s) and waits for it to
// exit. Calls to its URL then fail with connection refused. Stop on a stopped
// server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(stopTimeout):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Restart starts Headscale again on the same port with the same database,
// keys and API key, stopping it first if it runs.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		t.Fatalf("hstest: restart headscale: %v\n--- last lines of %s ---\n%s", err, s.logPath, s.logTail(logTailLines))
	}
}

// Headscale runs the Headscale CLI with this server's config (for example
// s.Headscale(t, "users", "create", "alice")) and returns its stdout. A
// non-zero exit ends the test. The server must be running.
func (s *Server) Headscale(t testing.TB, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.Binary, append([]string{"-c", s.ConfigPath}, args...)...)
	cmd.Dir = s.Dir
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("hstest: headscale %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// LogPath returns the file Headscale's output goes to.
func (s *Server) LogPath() string { return s.logPath }

var errAddrInUse = errors.New("address already in use")

// start launches the process and waits for /health.
func (s *Server) start() error {
	var logStart int64
	if fi, err := os.Stat(s.logPath); err == nil {
		logStart = fi.Size()
	}
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(s.Binary, "-c", s.ConfigPath, "serve")
	cmd.Dir = s.Dir
	cmd.Env = cleanEnv()
	done, err := startLogged(cmd, logf)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()

	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-done:
			s.mu.Lock()
			s.cmd = nil
			s.mu.Unlock()
			if strings.Contains(s.logSince(logStart), "address already in use") {
				return fmt.Errorf("%s: %w", s.addr, errAddrInUse)
			}
			return fmt.Errorf("headscale exited: %v", cmd.ProcessState)
		default:
		}
		if healthy(hc, s.URL) {
			return nil
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("no healthy answer on %s/health within %v", s.URL, startTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func healthy(hc *http.Client, url string) bool {
	resp, err := hc.Get(url + "/health")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	return resp.StatusCode == http.StatusOK && bytes.Contains(b, []byte(`"pass"`))
}

// kill ends the process at once; for cleanup, where the state is discarded.
func (s *Server) kill() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-done
}

// logSince returns what Headscale logged after the first off bytes.
func (s *Server) logSince(off int64) string {
	f, err := os.Open(s.logPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.NewSectionReader(f, off, 1<<20))
	return string(b)
}

// logTail returns the last n lines of Headscale's log.
func (s *Server) logTail(n int) string {
	f, err := os.Open(s.logPath)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

func (s *Server) config() string {
	metrics, extra := `""`, ""
	if s.debugAddr != "" {
		metrics = s.debugAddr
	}
	if s.ExtraRecordsPath != "" {
		extra = ", extra_records_path: " + s.ExtraRecordsPath
	}
	r := strings.NewReplacer("DIR", s.Dir, "ADDR", s.addr, "POLICY", s.policyMode, "METRICS", metrics, "EXTRA", extra)
	return r.Replace(configYAML)
}

const configYAML = `server_url: http://ADDR
listen_addr: ADDR
metrics_listen_addr: METRICS
grpc_listen_addr: 127.0.0.1:0
noise: {private_key_path: DIR/noise_private.key}
prefixes: {v4: 100.64.0.0/10, v6: fd7a:115c:a1e0::/48}
derp: {paths: [DIR/derp.yaml], auto_update_enabled: false}
disable_check_updates: true
database: {type: sqlite, sqlite: {path: DIR/db.sqlite}}
unix_socket: DIR/headscale.sock
policy: POLICY
dns: {magic_dns: true, base_domain: hs.test, override_local_dns: falseEXTRA}
log: {level: info}
`

// derpYAML is a dummy region: an empty DERP map is a fatal start error.
const derpYAML = `regions:
  900: {regionid: 900, regioncode: local, regionname: Local, nodes: [{name: 900a, regionid: 900, hostname: 127.0.0.1, ipv4: 127.0.0.1, stunport: -1}]}
`

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// cleanEnv is the environment minus HEADSCALE_* variables, which Headscale
// reads as config overrides and which would leak a developer's settings into
// the test server.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(strings.ToUpper(kv), "HEADSCALE_") {
			env = append(env, kv)
		}
	}
	return env
}

// parseAPIKey finds the key in the output of `apikeys create`: the last line
// that looks like one.
func parseAPIKey(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l != "" && !strings.ContainsAny(l, " \t{}\"") {
			return l
		}
	}
	return ""
}

// binary resolves the Headscale binary to run, ending the test when it is
// missing.
func binary(t testing.TB, version string) (path, v string) {
	t.Helper()
	switch {
	case version != "":
		path = filepath.Join(repoRoot(t), ".cache", "bin", "headscale-"+version)
		v = version
	case os.Getenv(binaryEnv) != "":
		path = os.Getenv(binaryEnv)
	default:
		path = filepath.Join(repoRoot(t), ".cache", "bin", "headscale-"+DefaultVersion)
		v = DefaultVersion
	}
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() {
		t.Fatalf("hstest: headscale binary %s not found: run `make headscale` (builds the pinned Headscale into .cache/bin)", path)
	}
	return path, v
}

// repoRoot walks up from the working directory to the directory holding
// go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("hstest: %v", err)
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			t.Fatalf("hstest: no go.mod above %s: cannot find the repository's .cache/bin", dir)
		}
		d = parent
	}
}

// startLogged starts cmd with its output in logf; done closes once it has
// exited and the log is closed.
func startLogged(cmd *exec.Cmd, logf *os.File) (done chan struct{}, err error) {
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	done = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	return done, nil
}
