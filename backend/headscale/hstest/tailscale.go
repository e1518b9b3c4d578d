package hstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TailscaleVersion is the Tailscale client release StartClient runs by
// default: the one Headscale DefaultVersion requires.
const TailscaleVersion = "v1.101.0-pre"

// Environment variables that override the default client binaries.
const (
	tailscaledEnv = "HEADWAY_TAILSCALED_BIN"
	tailscaleEnv  = "HEADWAY_TAILSCALE_BIN"
)

const (
	clientSocketTimeout = 10 * time.Second
	clientUpTimeout     = 30 * time.Second
	clientOnlineTimeout = 30 * time.Second
	clientStopTimeout   = 5 * time.Second
)

// ClientOptions configures StartClient.
type ClientOptions struct {
	// User owns the node (by name); created when missing. Required.
	User string
	// Hostname is the node's name; "client" when empty.
	Hostname string
	// AdvertiseRoutes are subnet routes the node offers, such as "10.42.0.0/24".
	AdvertiseRoutes []string
	// AdvertiseExitNode offers the node as an exit node (0.0.0.0/0 and ::/0).
	AdvertiseExitNode bool
}

// Client is a real Tailscale client (tailscaled in userspace networking and
// the tailscale CLI) registered with a Server. Cleanup stops it.
type Client struct {
	NodeID   string // Headscale's id of the node
	Hostname string
	Dir      string // state, socket and logs

	socket  string
	logPath string
	cliBin  string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	up   *upRun
}

// upRun is a `tailscale up` running in the background.
type upRun struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when it has exited; then err and out are set
	err    error
	out    bytes.Buffer
}

// StartClient runs a real tailscaled in userspace networking against s (all
// of its traffic goes to loopback: Headscale and its dummy DERP region),
// brings it up with a new single-use pre-auth key of opts.User and returns
// once Headscale lists the node online, about two seconds (with Headscale
// v0.29.2 and v0.28.0 alike). The binaries are
// $HEADWAY_TAILSCALED_BIN and $HEADWAY_TAILSCALE_BIN, else
// <repo root>/.cache/bin/tailscaled-v1.101.0-pre and tailscale-v1.101.0-pre.
// Any failure ends the test, with the client's and Headscale's logs.
func (s *Server) StartClient(t testing.TB, opts ClientOptions) *Client {
	t.Helper()
	if opts.User == "" {
		t.Fatalf("hstest: StartClient needs ClientOptions.User")
	}
	if opts.Hostname == "" {
		opts.Hostname = "client"
	}
	daemonBin, cliBin := tailscaleBinaries(t)
	began := time.Now()

	// A short path, as for Start: the socket's path must fit in 108 bytes.
	dir, err := os.MkdirTemp("", "tsclient-")
	if err != nil {
		t.Fatalf("hstest: %v", err)
	}
	c := &Client{
		Hostname: opts.Hostname,
		Dir:      dir,
		socket:   filepath.Join(dir, "ts.sock"),
		logPath:  filepath.Join(dir, "tailscaled.log"),
		cliBin:   cliBin,
	}
	t.Cleanup(func() {
		c.Stop()
		_ = os.RemoveAll(dir)
	})
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("hstest: client %q: %s\n--- last lines of %s ---\n%s\n--- last lines of %s ---\n%s",
			opts.Hostname, fmt.Sprintf(format, args...),
			c.logPath, tailFile(c.logPath, logTailLines), s.logPath, s.logTail(logTailLines))
	}

	key, err := s.clientAuthKey(opts.User)
	if err != nil {
		t.Fatalf("hstest: client %q: pre-auth key for user %q: %v", opts.Hostname, opts.User, err)
	}

	if err := c.startDaemon(daemonBin, s.URL); err != nil {
		fail("start tailscaled: %v", err)
	}
	if err := c.waitSocket(); err != nil {
		fail("%v", err)
	}

	args := []string{
		"up",
		"--login-server", s.URL,
		"--authkey", key,
		"--hostname", opts.Hostname,
		"--accept-dns=false",
		"--timeout", clientUpTimeout.String(),
	}
	if len(opts.AdvertiseRoutes) > 0 {
		args = append(args, "--advertise-routes="+strings.Join(opts.AdvertiseRoutes, ","))
	}
	if opts.AdvertiseExitNode {
		args = append(args, "--advertise-exit-node")
	}
	// `tailscale up` returns once the client is Running, which takes about
	// three seconds longer than Headscale needs to list it online: netcheck
	// waits out its STUN timeout, as the dummy DERP region has no STUN port.
	// So it runs on while Headscale is polled; Stop ends it.
	up, err := c.startUp(args)
	if err != nil {
		fail("start tailscale up: %v", err)
	}
	id, err := s.waitClientOnline(c, up, clientOnlineTimeout)
	if err != nil {
		fail("%s", redact(err.Error(), key))
	}
	c.NodeID = id
	t.Logf("hstest: client %q online as node %s after %v", opts.Hostname, id, time.Since(began).Round(time.Millisecond))
	return c
}

// Stop stops tailscaled (SIGTERM, then SIGKILL after 5s) and waits for it to
// exit; Headscale then sees the node go offline. Stop on a stopped client
// does nothing.
func (c *Client) Stop() {
	c.mu.Lock()
	cmd, done, up := c.cmd, c.done, c.up
	c.cmd, c.up = nil, nil
	c.mu.Unlock()
	if up != nil {
		up.cancel()
		<-up.done
	}
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(clientStopTimeout):
		_ = cmd.Process.Kill()
		<-done
	}
}

// LogPath returns the file tailscaled's output goes to.
func (c *Client) LogPath() string { return c.logPath }

func (c *Client) startDaemon(bin, serverURL string) error {
	logf, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(bin,
		"--tun=userspace-networking",
		"--state=mem:",
		"--statedir="+c.Dir,
		"--socket="+c.socket,
		"--port=0",
		"--no-logs-no-support",
	)
	cmd.Dir = c.Dir
	cmd.Env = append(clientEnv(),
		"TS_NO_LOGS_NO_SUPPORT=1",
		"TS_DISABLE_PORTMAPPER=1",
		"TS_ASSUME_NETWORK_UP_FOR_TEST=1",
		"TS_LOGS_DIR="+c.Dir,
		// Without these two the client advertises its non-loopback addresses.
		"TS_DEBUG_OMIT_LOCAL_ADDRS=1",
		"TS_DEBUG_NEVER_DIRECT_UDP=1",
		"TS_NETCHECK_GENERATE_204_URL="+serverURL+"/generate_204",
	)
	done, err := startLogged(cmd, logf)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.cmd, c.done = cmd, done
	c.mu.Unlock()
	return nil
}

// waitSocket waits until tailscaled accepts connections on its socket.
func (c *Client) waitSocket() error {
	c.mu.Lock()
	done := c.done
	c.mu.Unlock()
	deadline := time.Now().Add(clientSocketTimeout)
	for {
		select {
		case <-done:
			return fmt.Errorf("tailscaled exited before it listened on %s", c.socket)
		default:
		}
		if conn, err := net.DialTimeout("unix", c.socket, time.Second); err == nil {
			conn.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("tailscaled did not listen on %s within %v", c.socket, clientSocketTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cli runs the tailscale CLI against this client's tailscaled and returns its
// combined output.
func (c *Client) cli(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.cliBin, append([]string{"--socket=" + c.socket}, args...)...)
	cmd.Dir = c.Dir
	cmd.Env = clientEnv()
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("%w (gave up after %v)", err, timeout)
	}
	return string(out), err
}

// startUp starts `tailscale ARGS` (up …) in the background.
func (c *Client) startUp(args []string) (*upRun, error) {
	ctx, cancel := context.WithTimeout(context.Background(), clientUpTimeout+5*time.Second)
	u := &upRun{cancel: cancel, done: make(chan struct{})}
	cmd := exec.CommandContext(ctx, c.cliBin, append([]string{"--socket=" + c.socket}, args...)...)
	cmd.Dir = c.Dir
	cmd.Env = clientEnv()
	cmd.Stdout, cmd.Stderr = &u.out, &u.out
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	go func() {
		u.err = cmd.Wait()
		cancel()
		close(u.done)
	}()
	c.mu.Lock()
	c.up = u
	c.mu.Unlock()
	return u, nil
}

// nodeKey returns the client's node key ("nodekey:…", as Headscale lists it)
// once it is registered (state Starting or Running), else "".
func (c *Client) nodeKey() (string, error) {
	out, err := c.cli(10*time.Second, "status", "--json")
	if err != nil {
		return "", fmt.Errorf("tailscale status: %v\n%s", err, out)
	}
	var st struct {
		BackendState string `json:"BackendState"`
		Self         struct {
			PublicKey string `json:"PublicKey"`
		} `json:"Self"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		return "", fmt.Errorf("parse `tailscale status --json`: %v\n%s", err, out)
	}
	if st.BackendState != "Starting" && st.BackendState != "Running" {
		return "", nil
	}
	return st.Self.PublicKey, nil
}

// clientAuthKey creates a single-use pre-auth key, valid for an hour, for
// the user called name, creating the user when missing.
func (s *Server) clientAuthKey(name string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	id, err := s.clientUserID(ctx, name)
	if err != nil {
		return "", err
	}
	if id == "" {
		var created struct {
			User struct {
				ID string `json:"id"`
			} `json:"user"`
		}
		if err := s.post(ctx, "/api/v1/user", map[string]string{"name": name}, &created); err != nil {
			// Another client of the same test may have created it meanwhile.
			if id, _ = s.clientUserID(ctx, name); id == "" {
				return "", fmt.Errorf("create user: %w", err)
			}
		} else {
			id = created.User.ID
		}
	}
	var out struct {
		PreAuthKey struct {
			Key string `json:"key"`
		} `json:"preAuthKey"`
	}
	in := map[string]any{
		"user":       id,
		"reusable":   false,
		"ephemeral":  false,
		"expiration": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
	}
	if err := s.post(ctx, "/api/v1/preauthkey", in, &out); err != nil {
		return "", err
	}
	if out.PreAuthKey.Key == "" {
		return "", fmt.Errorf("POST /api/v1/preauthkey answered no key")
	}
	return out.PreAuthKey.Key, nil
}

// clientUserID returns the id of the user called name, "" when there is none.
func (s *Server) clientUserID(ctx context.Context, name string) (string, error) {
	var out struct {
		Users []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"users"`
	}
	if err := s.clientGet(ctx, "/api/v1/user?name="+url.QueryEscape(name), &out); err != nil {
		return "", err
	}
	for _, u := range out.Users {
		if u.Name == name {
			return u.ID, nil
		}
	}
	return "", nil
}

// waitClientOnline waits until c has registered and Headscale lists its node
// online, and returns the node's id. It gives up when up fails.
func (s *Server) waitClientOnline(c *Client, up *upRun, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	upFailed := func() error {
		<-up.done
		if up.err == nil {
			return nil
		}
		return fmt.Errorf("tailscale up: %v\n%s", up.err, up.out.String())
	}
	last := "not registered"
	nodeKey := ""
	for nodeKey == "" {
		select {
		case <-up.done:
			if err := upFailed(); err != nil {
				return "", err
			}
		default:
		}
		k, err := c.nodeKey()
		if err != nil {
			last = err.Error()
		}
		nodeKey = k
		if nodeKey != "" {
			break
		}
		if time.Now().After(deadline) {
			up.cancel()
			if err := upFailed(); err != nil {
				return "", fmt.Errorf("client not registered within %v (%s); %w", timeout, last, err)
			}
			return "", fmt.Errorf("client not registered within %v (%s)", timeout, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
	last = "not listed"
	for {
		select {
		case <-up.done:
			if err := upFailed(); err != nil {
				return "", err
			}
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var out struct {
			Nodes []struct {
				ID      string `json:"id"`
				NodeKey string `json:"nodeKey"`
				Online  bool   `json:"online"`
			} `json:"nodes"`
		}
		err := s.clientGet(ctx, "/api/v1/node", &out)
		cancel()
		if err != nil {
			last = err.Error()
		} else {
			last = "not listed"
			for _, n := range out.Nodes {
				if n.NodeKey != nodeKey {
					continue
				}
				if n.Online {
					return n.ID, nil
				}
				last = "listed as node " + n.ID + ", offline"
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("node %s not online in Headscale within %v (%s)", nodeKey, timeout, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// clientGet sends an authenticated GET to this server's REST API.
func (s *Server) clientGet(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: %s", path, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

// tailscaleBinaries resolves tailscaled and tailscale, ending the test when
// either is missing.
func tailscaleBinaries(t testing.TB) (daemon, cli string) {
	t.Helper()
	resolve := func(env, name string) string {
		path := os.Getenv(env)
		if path == "" {
			path = filepath.Join(repoRoot(t), ".cache", "bin", name+"-"+TailscaleVersion)
		}
		fi, err := os.Stat(path)
		if err != nil || fi.IsDir() {
			t.Fatalf("hstest: %s binary %s not found: run `make tailscale` (builds the Tailscale client %s into .cache/bin)", name, path, TailscaleVersion)
		}
		return path
	}
	return resolve(tailscaledEnv, "tailscaled"), resolve(tailscaleEnv, "tailscale")
}

// clientEnv is cleanEnv minus TS_* variables, which tailscaled and the CLI
// read as settings; StartClient sets its own.
func clientEnv() []string {
	var env []string
	for _, kv := range cleanEnv() {
		if !strings.HasPrefix(strings.ToUpper(kv), "TS_") {
			env = append(env, kv)
		}
	}
	return env
}

// tailFile returns the last n lines of a file.
func tailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// redact hides a secret in text shown in a failure.
func redact(text, secret string) string {
	if secret == "" {
		return text
	}
	return strings.ReplaceAll(text, secret, "[pre-auth key]")
}
