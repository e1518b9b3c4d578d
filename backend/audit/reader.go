package audit

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"headway/backend/problem"
	"headway/backend/store"
)

// Page sizes of List.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// exportBatch is how many events Export reads per query: the connection is
// released between batches, so a slow reader holds none.
const exportBatch = 500

// Refusals of List and Export. Compare with errors.Is.
var (
	ErrCursorInvalid = &problem.Problem{Status: http.StatusBadRequest, Code: "cursor_invalid",
		Message: "The cursor is not one this server handed out.",
		Hint:    "Pass the nextCursor of the previous page unchanged, or leave cursor out to start from the newest event."}
	ErrFilterInvalid = &problem.Problem{Status: http.StatusBadRequest, Code: "filter_invalid",
		Message: "The filter cannot match anything.",
		Hint:    "Check the filter parameters against /admin/api/openapi.yaml."}
)

// Filter selects events; zero fields select everything.
type Filter struct {
	Actor      string // actor name or console user id, exactly
	Action     string // an action, or all of a kind with a trailing dot ("machine.")
	TargetType string
	TargetID   string
	Result     Result
	Since      time.Time // at or after
	Until      time.Time // before
}

// Validate returns filter_invalid, naming the field, when f cannot be applied.
func (f Filter) Validate() error {
	switch {
	case f.Result != "" && f.Result != OK && f.Result != Denied && f.Result != Failed:
		return ErrFilterInvalid.About("result", "result must be ok, denied or failed, not %q.", f.Result)
	case !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until):
		return ErrFilterInvalid.About("since", "since (%s) must be before until (%s).",
			f.Since.Format(time.RFC3339), f.Until.Format(time.RFC3339))
	}
	return nil
}

func (f Filter) query() store.AuditFilter {
	return store.AuditFilter{
		Actor: f.Actor, Action: f.Action, ActionPrefix: strings.HasSuffix(f.Action, "."),
		TargetType: f.TargetType, TargetID: f.TargetID, Result: string(f.Result),
		Since: f.Since, Until: f.Until,
	}
}

// Page is one page of List.
type Page struct {
	Events []store.AuditEvent
	// Next is the cursor of the following page; "" on the last one.
	Next string
}

// List returns the events matching f, newest first, limit at a time
// (DefaultPageSize when 0, at most MaxPageSize), starting after cursor (""
// for the newest). Refusals: cursor_invalid, filter_invalid.
func (r *Recorder) List(ctx context.Context, f Filter, cursor string, limit int) (Page, error) {
	if err := f.Validate(); err != nil {
		return Page{}, err
	}
	switch {
	case limit == 0:
		limit = DefaultPageSize
	case limit < 0 || limit > MaxPageSize:
		return Page{}, ErrFilterInvalid.About("limit", "limit must be 1 to %d, not %d.", MaxPageSize, limit)
	}
	q := f.query()
	if cursor != "" {
		id, err := decodeCursor(cursor)
		if err != nil {
			return Page{}, ErrCursorInvalid.With(err)
		}
		q.BeforeID = id
	}
	// One more than asked tells whether another page follows.
	events, err := r.store.ListAuditEvents(ctx, q, limit+1)
	if err != nil {
		return Page{}, fmt.Errorf("list audit events: %w", err)
	}
	page := Page{Events: events}
	if len(events) > limit {
		page.Events = events[:limit]
		page.Next = encodeCursor(page.Events[limit-1].ID)
	}
	return page, nil
}

// Export calls fn with every event matching f, newest first, and stops at
// the first error fn returns. Refusals: filter_invalid.
func (r *Recorder) Export(ctx context.Context, f Filter, fn func(store.AuditEvent) error) error {
	if err := f.Validate(); err != nil {
		return err
	}
	q := f.query()
	for {
		events, err := r.store.ListAuditEvents(ctx, q, exportBatch)
		if err != nil {
			return fmt.Errorf("export audit events: %w", err)
		}
		for _, e := range events {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(events) < exportBatch {
			return nil
		}
		q.BeforeID = events[len(events)-1].ID
	}
}

// cursorVersion starts every cursor, so that their form can change without
// old ones being misread.
const cursorVersion = "v1:"

// encodeCursor returns the cursor of the page following the event with id.
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorVersion + strconv.FormatInt(id, 10)))
}

func decodeCursor(cursor string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, fmt.Errorf("decode cursor: %w", err)
	}
	digits, ok := strings.CutPrefix(string(raw), cursorVersion)
	if !ok {
		return 0, errors.New("decode cursor: unknown version")
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("decode cursor: bad position %q", digits)
	}
	return id, nil
}
