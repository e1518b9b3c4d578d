package httpapi

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"headway/backend/audit"
	"headway/backend/store"
)

// exportBuffer is how much of an export is gathered before it is sent.
const exportBuffer = 32 << 10

// csvHeader names the columns of a CSV export, as the JSON fields are named.
var csvHeader = []string{"id", "time", "actorType", "actorName", "actorUserId", "actorRole", "action",
	"targetType", "targetId", "result", "errorCode", "requestId", "clientIp", "before", "after", "diff"}

// auditExport streams the events of an export as they are read, a batch at
// a time, never holding the whole trail in memory.
type auditExport struct {
	ctx      context.Context
	recorder *audit.Recorder
	logger   *slog.Logger
	filter   audit.Filter
	csv      bool
}

// VisitExportAuditEventsResponse writes the export. The status is sent with
// the first bytes, so a failure to read the first batch still answers with
// an error; a failure later can only cut the stream short, and is logged.
func (x auditExport) VisitExportAuditEventsResponse(w http.ResponseWriter) error {
	out := &lazyResponse{w: w, contentType: "application/x-ndjson", filename: "headway-audit.ndjson"}
	if x.csv {
		out.contentType, out.filename = "text/csv; charset=utf-8", "headway-audit.csv"
	}
	buf := bufio.NewWriterSize(out, exportBuffer)
	var write func(store.AuditEvent) error
	flush := func() error { return nil }
	if x.csv {
		cw := csv.NewWriter(buf)
		if err := cw.Write(csvHeader); err != nil {
			return err
		}
		write = func(e store.AuditEvent) error { return cw.Write(csvRow(e)) }
		flush = func() error { cw.Flush(); return cw.Error() }
	} else {
		enc := json.NewEncoder(buf)
		write = func(e store.AuditEvent) error { return enc.Encode(auditEventOut(e)) }
	}
	err := x.recorder.Export(x.ctx, x.filter, write)
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = buf.Flush()
	}
	if err == nil {
		out.start() // an empty export still answers 200
		return nil
	}
	if !out.started {
		return err
	}
	requestID := w.Header().Get(echo.HeaderXRequestID)
	if x.ctx.Err() != nil {
		x.logger.DebugContext(x.ctx, "client left during an audit export", "request_id", requestID)
	} else {
		x.logger.ErrorContext(x.ctx, "audit export cut short", "request_id", requestID, "err", err)
	}
	return nil
}

// csvRow is one event as a CSV record: before and after as JSON objects,
// the diff as a JSON string so that each record stays on one line.
func csvRow(e store.AuditEvent) []string {
	userID := ""
	if e.ActorUserID != 0 {
		userID = strconv.FormatInt(e.ActorUserID, 10)
	}
	diff := ""
	if e.Diff != "" {
		b, _ := json.Marshal(e.Diff) // a string always encodes
		diff = string(b)
	}
	row := []string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano), e.ActorType, e.ActorName, userID, e.ActorRole,
		e.Action, e.TargetType, e.TargetID, e.Result, e.ErrorCode, e.RequestID, e.ClientIP, string(e.Before), string(e.After), diff}
	for i, cell := range row {
		row[i] = inertCell(cell)
	}
	return row
}

// inertCell keeps a spreadsheet from running a cell as a formula: names and
// ids come from callers, and a leading =, +, -, @, tab or carriage return
// would start one. Such a cell gets a leading apostrophe, as OWASP advises.
func inertCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// lazyResponse sends the status and headers with the first bytes written.
type lazyResponse struct {
	w                     http.ResponseWriter
	contentType, filename string
	started               bool
}

func (l *lazyResponse) start() {
	if l.started {
		return
	}
	l.started = true
	h := l.w.Header()
	h.Set(echo.HeaderContentType, l.contentType)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+l.filename+`"`)
	l.w.WriteHeader(http.StatusOK)
}

func (l *lazyResponse) Write(p []byte) (int, error) {
	l.start()
	return l.w.Write(p)
}
