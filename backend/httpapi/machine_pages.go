package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"headway/backend/machines"
	"headway/backend/tailnet"
)

// maxCachedPages bounds the encoded pages kept for one snapshot.
const maxCachedPages = 256

// pageCache keeps the JSON of machine lists already answered from the current
// snapshot, so that the many people and scripts looking at the same list
// share one encoding until the snapshot changes (at most one refresh
// interval, or at once after a change made through Headway).
type pageCache struct {
	mu      sync.Mutex
	snap    *tailnet.Snapshot
	entries map[string]cachedPage
}

// cachedPage is one encoded page and how many machines matched in all.
type cachedPage struct {
	machines []byte
	total    int
}

// page returns one encoded page, encoding it with encode on a miss.
func (c *pageCache) page(snap *tailnet.Snapshot, q tailnet.Query, caller machines.Caller, encode func() (cachedPage, error)) (cachedPage, error) {
	key := pageKey(q, caller)
	c.mu.Lock()
	if c.snap != snap || len(c.entries) >= maxCachedPages {
		c.snap, c.entries = snap, map[string]cachedPage{}
	}
	if p, ok := c.entries[key]; ok {
		c.mu.Unlock()
		return p, nil
	}
	c.mu.Unlock()

	p, err := encode()
	if err != nil {
		return cachedPage{}, err
	}
	c.mu.Lock()
	if c.snap == snap {
		c.entries[key] = p
	}
	c.mu.Unlock()
	return p, nil
}

// pageKey names a query and what the caller may manage (canManage differs by caller).
func pageKey(q tailnet.Query, c machines.Caller) string {
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
		strconv.FormatBool(q.Desc), strconv.Itoa(q.Page), strconv.Itoa(q.PageSize), who}, "\x00")
}

// machinePage is a MachinePage whose machines are already encoded.
type machinePage struct {
	cachedPage
	page, pageSize int
	dataAge        time.Duration
	stale          bool
}

func (p machinePage) VisitListMachinesResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	var b strings.Builder
	b.WriteString(`{"dataAge":`)
	b.WriteString(strconv.FormatFloat(p.dataAge.Seconds(), 'f', 3, 64))
	b.WriteString(`,"page":` + strconv.Itoa(p.page) + `,"pageSize":` + strconv.Itoa(p.pageSize))
	b.WriteString(`,"stale":` + strconv.FormatBool(p.stale) + `,"total":` + strconv.Itoa(p.total) + `,"machines":`)
	if _, err := w.Write([]byte(b.String())); err != nil {
		return err
	}
	if _, err := w.Write(p.machines); err != nil {
		return err
	}
	_, err := w.Write([]byte("}\n"))
	return err
}
