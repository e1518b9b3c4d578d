package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"headway/backend/machines"
	"headway/backend/tailnet"
)

// maxCachedPages bounds the answers kept for one snapshot.
const maxCachedPages = 256

// machinesRoute is the list whose answers the page cache compresses itself.
const machinesRoute = "/admin/api/v1/machines"

// pageCache keeps whole answers of the machines list, plain and gzipped, for
// the current snapshot: the many people and scripts looking at the same list
// share one encoding and one compression until the snapshot changes (at most
// one refresh interval, or at once after a change made through Headway) or
// the data's age, given in whole seconds, ticks over.
type pageCache struct {
	mu      sync.Mutex
	snap    *tailnet.Snapshot
	entries map[string]*cachedPage
}

// cachedPage is one answer; its gzipped form is made on first demand. Its
// body is set, or err, once ready is closed.
type cachedPage struct {
	ready    chan struct{}
	body     []byte
	err      error
	gzipOnce sync.Once
	gzipped  []byte
}

// answer returns the cached answer for the query, building it with build on
// a miss. Concurrent misses of one key share a single build: when a large
// list's answer expires (each second, as its age ticks over), the callers
// waiting for it cost one encoding, not one each.
func (c *pageCache) answer(snap *tailnet.Snapshot, key string, build func() ([]byte, error)) (*cachedPage, error) {
	c.mu.Lock()
	if c.snap != snap || len(c.entries) >= maxCachedPages {
		c.snap, c.entries = snap, map[string]*cachedPage{}
	}
	p, ok := c.entries[key]
	if !ok {
		p = &cachedPage{ready: make(chan struct{})}
		c.entries[key] = p
	}
	c.mu.Unlock()
	if ok {
		<-p.ready
		return p, p.err
	}

	func() {
		defer func() {
			if p.body == nil && p.err == nil { // build panicked: nobody may wait forever or get nothing
				p.err = errors.New("machines page: build failed")
			}
			close(p.ready)
		}()
		p.body, p.err = build()
	}()
	if p.err != nil {
		c.mu.Lock()
		if c.entries[key] == p {
			delete(c.entries, key) // the next caller tries again
		}
		c.mu.Unlock()
		return nil, p.err
	}
	return p, nil
}

func (p *cachedPage) gzip() []byte {
	p.gzipOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed) // a valid level cannot fail
		_, _ = zw.Write(p.body)                          // writes to a bytes.Buffer cannot fail
		_ = zw.Close()
		p.gzipped = b.Bytes()
	})
	return p.gzipped
}

// pageKey names a query, what the caller may manage (canManage differs by
// caller) and the data's age in whole seconds (it is part of the answer).
func pageKey(q tailnet.Query, c machines.Caller, age time.Duration) string {
	flag := func(b *bool) string {
		if b == nil {
			return "-"
		}
		return strconv.FormatBool(*b)
	}
	who := "own:" + c.HeadscaleUserID
	if c.CanWrite {
		who = "all"
	}
	return strings.Join([]string{q.Search, q.Status, q.UserID, q.Tag, flag(q.Routes), flag(q.ExitNode), q.Sort,
		strconv.FormatBool(q.Desc), strconv.Itoa(q.Page), strconv.Itoa(q.PageSize), who,
		strconv.Itoa(int(age / time.Second))}, "\x00")
}

// machinePage writes a cached answer, compressed when the client accepts it.
type machinePage struct {
	*cachedPage
	gzip bool
}

func (p machinePage) VisitListMachinesResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Add("Vary", "Accept-Encoding")
	body := p.body
	if p.gzip && len(body) >= gzipMinLength {
		w.Header().Set("Content-Encoding", "gzip")
		body = p.cachedPage.gzip()
	}
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

type acceptsGzipKey struct{}

// acceptsGzip reports whether the client said it takes gzip.
func acceptsGzip(ctx context.Context) bool {
	v, _ := ctx.Value(acceptsGzipKey{}).(bool)
	return v
}
