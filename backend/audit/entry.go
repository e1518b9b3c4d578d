// Package audit records one event for every change and sign-in attempt, and reads the record back.
//
// The HTTP layer begins an Entry for each state-changing request and puts it
// in the request's context. Services fill in what only they know (the target,
// the change) with the Set functions, which do nothing when the context has
// no entry. A change to Headway's own database goes through InTx, which writes
// the event in the same transaction; anything else (a change in Headscale, a
// refusal) is written by Recorder.Finish once the outcome is known. Either
// way each entry is written exactly once. Nothing secret may be passed to the
// Set functions: keys and tokens are recorded as their prefixes.
package audit

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/pmezard/go-difflib/difflib"

	"headway/backend/rbac"
	"headway/backend/store"
)

// Result is how the operation ended.
type Result string

// Results.
const (
	OK     Result = "ok"
	Denied Result = "denied" // refused: not signed in, not allowed, wrong origin or CSRF token
	Failed Result = "failed" // attempted and failed; the event carries the error's code
)

// Actor kinds.
const (
	ActorUser      = "user"
	ActorAPIKey    = "api_key"
	ActorToken     = "token"
	ActorAnonymous = "anonymous"
)

// Actor is who acted, as recorded.
type Actor struct {
	Type   string // ActorUser, ActorAPIKey, ActorToken or ActorAnonymous
	Name   string // email or name, API-key prefix, token name; "" when unknown
	UserID int64  // console user, for ActorUser and ActorToken
	Role   string // role acted with; "" when none
}

// UserActor is console user u acting with its own role, named by email
// (or, without one, by name).
func UserActor(u store.ConsoleUser) Actor {
	name := u.Email
	if name == "" {
		name = u.Name
	}
	return Actor{Type: ActorUser, Name: name, UserID: u.ID, Role: u.Role}
}

// APIKeyActor is a Headscale API key, by its listed prefix, acting with the
// full access of an admin.
func APIKeyActor(prefix string) Actor {
	return Actor{Type: ActorAPIKey, Name: prefix, Role: string(rbac.Admin)}
}

// Entry is the event being built for one operation. Its methods are safe for
// concurrent use.
type Entry struct {
	mu      sync.Mutex
	ev      store.AuditEvent
	written bool
}

type entryKey struct{}

// Begin starts the entry of an operation and returns a context carrying it.
// The actor is anonymous until SetActor.
func Begin(ctx context.Context, action, targetType, targetID, requestID, clientIP string) (context.Context, *Entry) {
	e := &Entry{ev: store.AuditEvent{
		ActorType: ActorAnonymous, Action: action, TargetType: targetType, TargetID: Mask(targetID),
		RequestID: requestID, ClientIP: clientIP,
	}}
	return context.WithValue(ctx, entryKey{}, e), e
}

// From returns the entry ctx carries, or nil.
func From(ctx context.Context) *Entry {
	e, _ := ctx.Value(entryKey{}).(*Entry)
	return e
}

// SetActor records who is acting.
func SetActor(ctx context.Context, a Actor) {
	from(ctx, func(ev *store.AuditEvent) {
		ev.ActorType, ev.ActorName, ev.ActorUserID, ev.ActorRole = a.Type, Mask(a.Name), a.UserID, a.Role
	})
}

// SetTarget records what the operation acts on; an empty typ keeps the
// declared target type.
func SetTarget(ctx context.Context, typ, id string) {
	from(ctx, func(ev *store.AuditEvent) {
		if typ != "" {
			ev.TargetType = typ
		}
		ev.TargetID = Mask(id)
	})
}

// SetChange records the target's relevant fields before and after the
// change, each encoded as a JSON object (nil for none: before a creation,
// after a deletion). Pass only what people need to see, never a secret.
func SetChange(ctx context.Context, before, after any) {
	from(ctx, func(ev *store.AuditEvent) {
		ev.Before, ev.After = object(before), object(after)
	})
}

// SetDiff records a unified diff of a text document's change (the ACL
// policy, Headscale's DNS settings), with name in its file headers.
func SetDiff(ctx context.Context, name, before, after string) {
	from(ctx, func(ev *store.AuditEvent) {
		ev.Diff = UnifiedDiff(name, before, after)
	})
}

// UnifiedDiff returns the changes from before to after as a unified diff with
// three lines of context, or "" when they are equal.
func UnifiedDiff(name, before, after string) string {
	if before == after {
		return ""
	}
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: splitLines(before), B: splitLines(after),
		FromFile: "a/" + name, ToFile: "b/" + name, Context: 3,
	})
	if err != nil {
		return ""
	}
	return d
}

// splitLines splits text into lines that each end in a newline.
// difflib.SplitLines would add an empty last line to text ending in one.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	lines := strings.SplitAfter(text, "\n")
	if last := len(lines) - 1; lines[last] == "" {
		lines = lines[:last]
	} else {
		lines[last] += "\n" // the diff stays line-based without the final newline
	}
	return lines
}

// InTx runs fn in a transaction of st and, when ctx carries an entry not
// yet written, writes it there as succeeded, after fn: the change and its
// event are committed together or not at all. A later change in the same
// operation adds no second event.
func InTx(ctx context.Context, st *store.Store, fn func(q *store.Queries) error) error {
	e := From(ctx)
	if e == nil || e.Written() {
		return st.InTx(ctx, fn)
	}
	err := st.InTx(ctx, func(q *store.Queries) error {
		if err := fn(q); err != nil {
			return err
		}
		_, err := q.InsertAuditEvent(ctx, e.event(OK, "", time.Now()))
		return err
	})
	if err == nil {
		e.markWritten()
	}
	return err
}

// event returns the entry as a row with the outcome filled in.
func (e *Entry) event(result Result, code string, at time.Time) store.AuditEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	ev := e.ev
	ev.At, ev.Result, ev.ErrorCode = at, string(result), code
	return ev
}

func (e *Entry) markWritten() {
	e.mu.Lock()
	e.written = true
	e.mu.Unlock()
}

// claim marks the entry written and reports whether it was not already:
// the caller that gets true writes it.
func (e *Entry) claim() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.written {
		return false
	}
	e.written = true
	return true
}

// Written reports whether the entry has been written.
func (e *Entry) Written() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.written
}

func from(ctx context.Context, set func(ev *store.AuditEvent)) {
	if e := From(ctx); e != nil {
		e.mu.Lock()
		set(&e.ev)
		e.mu.Unlock()
	}
}

// object encodes v for a jsonb column; nil stays nil.
func object(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil || string(raw) == "null" {
		return nil
	}
	return raw
}
