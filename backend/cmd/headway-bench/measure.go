package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// measureOptions are the flags of `headway-bench measure`.
type measureOptions struct {
	headway      string
	config       string
	url          string
	headscaleURL string
	apiKeyFile   string
	nodes        int
	users        int
	conns        int
	duration     time.Duration
	starts       int
	logFile      string
	out          string
	seedSeconds  float64
	pidFile      string
}

// sizeResult is everything measured at one tailnet size (the JSON written).
type sizeResult struct {
	Nodes           int          `json:"nodes"`
	Users           int          `json:"users"`
	SeedSeconds     float64      `json:"seedSeconds,omitempty"`
	Machines        int          `json:"machinesSeenByHeadway"`
	IdleRSSKiB      int64        `json:"idleRssKiB"`
	PeakRSSKiB      int64        `json:"peakRssKiB"`
	HWMKiB          int64        `json:"vmHwmKiB"`
	StartHealthzMs  []float64    `json:"startToHealthzMs"`
	StartReadyzMs   []float64    `json:"startToReadyzMs"`
	MedianHealthzMs float64      `json:"medianStartToHealthzMs"`
	MedianReadyzMs  float64      `json:"medianStartToReadyzMs"`
	Scenarios       []loadResult `json:"scenarios"`
	Connections     int          `json:"connections"`
	DurationS       float64      `json:"durationSecondsPerScenario"`
	CPUs            int          `json:"cpus"`
	// LoadAvg is /proc/loadavg's 1-minute figure before and after: other
	// work on the machine skews every number here.
	LoadAvgBefore float64   `json:"loadAvgBefore"`
	LoadAvgAfter  float64   `json:"loadAvgAfter"`
	GoVersion     string    `json:"goVersion"`
	When          time.Time `json:"when"`
}

// maxStarts bounds the start-time loop.
const maxStarts = 50

func measureCommand(ctx context.Context, args []string, stderr io.Writer) error {
	var o measureOptions
	flags := flag.NewFlagSet("measure", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&o.headway, "headway", "bin/headway", "the headway binary")
	flags.StringVar(&o.config, "config", "", "headway's configuration file")
	flags.StringVar(&o.url, "url", "", "headway's base URL (loopback), e.g. http://127.0.0.1:3000")
	flags.StringVar(&o.headscaleURL, "headscale-url", "", "Headscale's URL (loopback), for the comparison scenario")
	flags.StringVar(&o.apiKeyFile, "api-key-file", "", "file holding a Headscale API key (sign-in and the comparison)")
	flags.IntVar(&o.nodes, "nodes", 0, "the number of nodes Headscale holds (checked)")
	flags.IntVar(&o.users, "users", 0, "the number of users Headscale holds (reported)")
	flags.IntVar(&o.conns, "connections", 20, "concurrent connections per scenario")
	flags.DurationVar(&o.duration, "duration", 20*time.Second, "duration of each scenario")
	flags.IntVar(&o.starts, "starts", 5, "how many starts to time")
	flags.StringVar(&o.logFile, "log", "headway.log", "where headway's output goes")
	flags.StringVar(&o.out, "out", "", "JSON result file")
	flags.Float64Var(&o.seedSeconds, "seed-seconds", 0, "how long seeding took (reported)")
	flags.StringVar(&o.pidFile, "pid-file", "", "where to write the pid of the running headway (for a caller's cleanup)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	switch {
	case o.config == "" || o.url == "" || o.headscaleURL == "" || o.apiKeyFile == "" || o.out == "":
		return errors.New("measure: need --config, --url, --headscale-url, --api-key-file and --out")
	case !loopback(o.url) || !loopback(o.headscaleURL):
		return errors.New("measure: --url and --headscale-url must be loopback addresses")
	case o.conns < 1 || o.conns > 1000:
		return errors.New("measure: --connections must be between 1 and 1000")
	case o.duration <= 0 || o.duration > 10*time.Minute:
		return errors.New("measure: --duration must be between 0 and 10m")
	case o.starts < 1 || o.starts > maxStarts:
		return fmt.Errorf("measure: --starts must be between 1 and %d", maxStarts)
	}
	keyBytes, err := os.ReadFile(o.apiKeyFile)
	if err != nil {
		return err
	}
	key := strings.TrimSpace(string(keyBytes))
	logf, err := os.OpenFile(o.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()

	res, err := measure(ctx, o, key, logf, stderr)
	if err != nil {
		return fmt.Errorf("measure (%d nodes): %w", o.nodes, err)
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(o.out, append(b, '\n'), 0o644)
}

func measure(ctx context.Context, o measureOptions, key string, logf *os.File, stderr io.Writer) (*sizeResult, error) {
	say := func(format string, a ...any) { fmt.Fprintf(stderr, "==> "+format+"\n", a...) }
	res := &sizeResult{
		Nodes: o.nodes, Users: o.users, SeedSeconds: o.seedSeconds,
		Connections: o.conns, DurationS: o.duration.Seconds(),
		CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), When: time.Now().UTC(),
		LoadAvgBefore: loadAvg(),
	}

	// The first start applies the migrations; it is not one of the timed ones.
	say("starting headway serve (%s)", o.url)
	p, err := startHeadway(o, logf)
	if err != nil {
		return nil, err
	}
	defer p.stop()
	if _, err := waitOK(ctx, o.url+"/admin/readyz", p, 120*time.Second); err != nil {
		return nil, err
	}
	select {
	case <-time.After(2 * time.Second):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if res.IdleRSSKiB, err = procStatusKiB(p.cmd.Process.Pid, "VmRSS"); err != nil {
		return nil, err
	}
	say("idle RSS %.1f MiB", float64(res.IdleRSSKiB)/1024)

	cookie, err := signIn(ctx, o.url, key)
	if err != nil {
		return nil, err
	}
	total, firstID, err := machinesSeen(ctx, o.url, cookie)
	if err != nil {
		return nil, err
	}
	res.Machines = total
	if o.nodes > 0 && total != o.nodes {
		return nil, fmt.Errorf("headway sees %d machines, Headscale was seeded with %d", total, o.nodes)
	}

	// As a browser does, the load asks for gzip; naming it explicitly also
	// keeps Go's client from decompressing the answers, which would spend
	// the cores the server is measured on. machines_all_plain is a script
	// that takes no compression.
	session := http.Header{"Cookie": {cookie}, "Accept": {"application/json"}, "Accept-Encoding": {"gzip"}}
	plain := http.Header{"Cookie": {cookie}, "Accept": {"application/json"}, "Accept-Encoding": {"identity"}}
	api := o.url + "/admin/api/v1"
	scenarios := []scenario{
		{Name: "machines_page", Target: "headway", Method: http.MethodGet, URL: api + "/machines", Header: session},
		{Name: "machines_all", Target: "headway", Method: http.MethodGet, URL: api + "/machines?pageSize=10000", Header: session},
		{Name: "machines_all_plain", Target: "headway", Method: http.MethodGet, URL: api + "/machines?pageSize=10000", Header: plain},
		{Name: "machine", Target: "headway", Method: http.MethodGet, URL: api + "/machines/" + firstID, Header: session},
		{Name: "me", Target: "headway", Method: http.MethodGet, URL: api + "/me", Header: session},
		{Name: "info", Target: "headway", Method: http.MethodGet, URL: api + "/info", Header: session},
		{Name: "headscale_nodes", Target: "headscale", Method: http.MethodGet, URL: o.headscaleURL + "/api/v1/node",
			Header: http.Header{"Authorization": {"Bearer " + key}}},
	}
	pid := p.cmd.Process.Pid
	for _, sc := range scenarios {
		say("load %s: %s, %d connections for %s", sc.Name, pathOf(sc.URL), o.conns, o.duration)
		stopSampling := sampleRSS(pid)
		r := runLoad(ctx, sc, o.conns, o.duration)
		r.PeakRSSKiB = stopSampling()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if sc.Target == "headway" {
			res.PeakRSSKiB = max(res.PeakRSSKiB, r.PeakRSSKiB)
		}
		say("  %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors of %d", r.RPS, r.P50ms, r.P99ms, r.Errors, r.Requests)
		res.Scenarios = append(res.Scenarios, r)
	}
	if res.HWMKiB, err = procStatusKiB(pid, "VmHWM"); err != nil {
		return nil, err
	}
	if err := p.stop(); err != nil {
		return nil, err
	}

	// Start to healthy, against the migrated database.
	for i := range o.starts {
		h, r, err := timeStart(ctx, o, logf)
		if err != nil {
			return nil, fmt.Errorf("timed start %d: %w", i+1, err)
		}
		res.StartHealthzMs = append(res.StartHealthzMs, ms(h))
		res.StartReadyzMs = append(res.StartReadyzMs, ms(r))
	}
	res.LoadAvgAfter = loadAvg()
	res.MedianHealthzMs = median(res.StartHealthzMs)
	res.MedianReadyzMs = median(res.StartReadyzMs)
	say("start to healthz %.0f ms, to readyz %.0f ms (medians of %d)", res.MedianHealthzMs, res.MedianReadyzMs, o.starts)
	return res, nil
}

// process is a running headway serve.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	once sync.Once
	err  error
}

// startHeadway execs `headway serve`, with its output going to logf. The
// HEADWAY_* variables that are not configuration (no "__") are not passed on.
func startHeadway(o measureOptions, logf *os.File) (*process, error) {
	cmd := exec.Command(o.headway, "serve", "--config", o.config)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "HEADWAY_") && !strings.Contains(name, "__") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	if o.pidFile != "" {
		_ = os.WriteFile(o.pidFile, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o600)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM and waits up to 20 s, then kills. Safe to call twice.
func (p *process) stop() error {
	var err error
	p.once.Do(func() {
		if p.exited() {
			return
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(20 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
			err = errors.New("headway did not stop within 20s of SIGTERM; killed")
		}
	})
	return err
}

// waitOK polls url until it answers 200 and returns the time that took.
func waitOK(ctx context.Context, url string, p *process, timeout time.Duration) (time.Duration, error) {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	deadline := start.Add(timeout)
	for i := 0; time.Now().Before(deadline) && i < 1_000_000; i++ {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if p.exited() {
			return 0, fmt.Errorf("headway exited (%v) before %s answered; see its log", p.err, url)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("%s did not answer 200 within %s", url, timeout)
}

// timeStart starts headway once and times exec to the first 200 from
// /admin/healthz and from /admin/readyz.
func timeStart(ctx context.Context, o measureOptions, logf *os.File) (healthz, readyz time.Duration, err error) {
	t0 := time.Now()
	p, err := startHeadway(o, logf)
	if err != nil {
		return 0, 0, err
	}
	defer p.stop()
	if _, err = waitOK(ctx, o.url+"/admin/healthz", p, 60*time.Second); err != nil {
		return 0, 0, err
	}
	healthz = time.Since(t0)
	if _, err = waitOK(ctx, o.url+"/admin/readyz", p, 60*time.Second); err != nil {
		return 0, 0, err
	}
	readyz = time.Since(t0)
	return healthz, readyz, p.stop()
}

// signIn trades a Headscale API key for a session cookie, as the sign-in page does.
func signIn(ctx context.Context, base, key string) (string, error) {
	body, _ := json.Marshal(map[string]string{"apiKey": key})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/admin/api/v1/auth/apikey", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", base)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sign-in with the API key: HTTP %s: %s", resp.Status, b)
	}
	var parts []string
	for _, c := range resp.Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	if len(parts) == 0 {
		return "", errors.New("sign-in with the API key set no cookie")
	}
	return strings.Join(parts, "; "), nil
}

// machinesSeen asks headway for its first page of machines: the total and one id.
func machinesSeen(ctx context.Context, base, cookie string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/admin/api/v1/machines?pageSize=1", nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Cookie", cookie)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var page struct {
		Total    int `json:"total"`
		Machines []struct {
			ID string `json:"id"`
		} `json:"machines"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("GET machines: HTTP %s: %s", resp.Status, b)
	}
	if err := json.Unmarshal(b, &page); err != nil {
		return 0, "", fmt.Errorf("GET machines: %w", err)
	}
	if len(page.Machines) == 0 {
		return 0, "", errors.New("GET machines: no machines")
	}
	return page.Total, page.Machines[0].ID, nil
}

// sampleRSS reads the process's VmRSS every 100 ms until the returned
// function is called, which returns the largest value seen.
func sampleRSS(pid int) func() int64 {
	stop := make(chan struct{})
	var peak int64
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if v, err := procStatusKiB(pid, "VmRSS"); err == nil {
				peak = max(peak, v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	return func() int64 {
		close(stop)
		wg.Wait()
		return peak
	}
}

// procStatusKiB reads one "kB" field of /proc/PID/status.
func procStatusKiB(pid int, field string) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if ok && name == field {
			fields := strings.Fields(rest)
			if len(fields) == 0 {
				break
			}
			return strconv.ParseInt(fields[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// loopback reports whether a URL's host is 127.0.0.1, ::1 or localhost.
func loopback(raw string) bool {
	for _, prefix := range []string{"http://127.0.0.1:", "http://[::1]:", "http://localhost:"} {
		if strings.HasPrefix(raw, prefix) {
			return true
		}
	}
	return false
}

// loadAvg is the 1-minute load average (0 when unknown).
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
