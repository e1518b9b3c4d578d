package dns

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const (
	restartTimeout   = 30 * time.Second
	restartMaxOutput = 4 << 10
)

// writable reports whether the file at path can be replaced: the file and
// its directory are writable (a missing file needs only the directory).
func writable(path string) bool {
	const wOK = 2 // W_OK
	if err := syscall.Access(filepath.Dir(path), wOK); err != nil {
		return false
	}
	err := syscall.Access(path, wOK)
	return err == nil || errors.Is(err, os.ErrNotExist)
}

// writeFile replaces the file at path with data atomically: a temporary file
// in the same directory, synced, given the original's mode (and owner, where
// allowed), renamed over it. Readers see the old file or the new one, never
// a part.
func writeFile(path string, data []byte) (err error) {
	mode := os.FileMode(0o644)
	uid, gid := -1, -1
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			uid, gid = int(st.Uid), int(st.Gid)
		}
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if uid >= 0 && (uid != os.Getuid() || gid != os.Getgid()) {
		_ = f.Chown(uid, gid) // keep the owner when running as root; otherwise the file becomes ours
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// restart runs the restart command with sh -c, for at most 30 seconds, even
// when the request that caused it goes away.
func (s *Service) restart(ctx context.Context) *RestartResult {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), restartTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", s.restartCommand)
	out := &tailBuffer{max: restartMaxOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = time.Second
	start := time.Now()
	err := cmd.Run()

	res := &RestartResult{OK: err == nil}
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("stopped after %s", restartTimeout)
		}
		out.Write([]byte("\n" + err.Error()))
	}
	res.Output = out.String()
	if res.OK {
		s.logger.InfoContext(ctx, "Headscale restart command ran", "duration", time.Since(start).Round(time.Millisecond))
	} else {
		s.logger.WarnContext(ctx, "Headscale restart command failed", "error", err, "output", res.Output)
	}
	return res
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max       int
	buf       []byte
	truncated bool
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
		b.truncated = true
	}
	return len(p), nil
}

// String returns the output kept, at most max bytes, starting with "…" and
// a whole line when the beginning was dropped.
func (b *tailBuffer) String() string {
	s := string(b.buf)
	if !b.truncated {
		return s
	}
	const mark = "…\n"
	s = s[len(s)-(b.max-len(mark)):]
	if i := strings.IndexByte(s, '\n'); i >= 0 && i < len(s)-1 {
		s = s[i+1:]
	}
	return mark + strings.ToValidUTF8(s, "")
}
