package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"headway/api"
	"headway/backend/headscale"
	"headway/backend/problem"
	"headway/backend/rbac"
)

// Error is a failure written for the people and programs calling the API.
// Message and Hint are shown as they are; Err is the cause, kept for the log only.
type Error struct {
	Status  int
	Code    string
	Message string
	Hint    string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// statusClientClosedRequest marks a request the client abandoned; it is not a server fault.
const statusClientClosedRequest = 499

// echoErrors gives echo's own failures (routing, body limit, binding) the contract's shape.
var echoErrors = map[int]Error{
	http.StatusNotFound:              {Code: "not_found", Message: "There is no such endpoint.", Hint: "See /admin/api/openapi.yaml for the operations this server offers."},
	http.StatusMethodNotAllowed:      {Code: "method_not_allowed", Message: "This endpoint does not accept that method.", Hint: "See /admin/api/openapi.yaml for the methods each path accepts."},
	http.StatusRequestEntityTooLarge: {Code: "request_too_large", Message: "The request body is too large.", Hint: "Send a smaller body."},
	http.StatusUnsupportedMediaType:  {Code: "unsupported_media_type", Message: "The request body must be JSON.", Hint: "Send Content-Type: application/json."},
	http.StatusBadRequest:            {Code: "bad_request", Message: "The request could not be read.", Hint: "Check the request against /admin/api/openapi.yaml."},
	http.StatusUnauthorized:          {Code: "unauthenticated", Message: "Sign in first."},
	http.StatusForbidden:             {Code: "forbidden", Message: "You may not do this."},
}

// toError turns any error a handler returned into the contract's error.
func toError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var pe *problem.Problem
	if errors.As(err, &pe) {
		return &Error{Status: pe.Status, Code: pe.Code, Message: pe.Message, Hint: pe.Hint, Err: err}
	}
	var re *rbac.Error
	if errors.As(err, &re) {
		status := http.StatusForbidden
		if errors.Is(err, rbac.ErrRoleInvalid) {
			status = http.StatusBadRequest
		}
		return &Error{Status: status, Code: re.Code, Message: re.Message, Hint: re.Hint, Err: err}
	}
	switch {
	case errors.Is(err, headscale.ErrUnreachable):
		return headscaleUnavailable(err)
	case errors.Is(err, headscale.ErrUnauthorized):
		return &Error{Status: http.StatusBadGateway, Code: "headscale_key_invalid", Message: "Headscale refused Headway's API key.",
			Hint: "The key in headscale.api_key has expired or was revoked: create one with headscale apikeys create --expiration 90d, set it, and restart Headway. headway doctor checks it.", Err: err}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if known, ok := echoErrors[he.Code]; ok {
			known.Status = he.Code
			known.Err = err
			return &known
		}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Status: statusClientClosedRequest, Code: "client_closed_request", Message: "The request was cancelled.", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "Something went wrong on the server.", Hint: "Report the request id to your administrator; the details are in Headway's log.", Err: err}
}

// errorHandler is echo's single error writer: every failure leaves in one shape and is logged once here.
func errorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		e := toError(err)
		requestID := c.Response().Header().Get(echo.HeaderXRequestID)
		switch {
		case e.Status >= 500:
			logger.ErrorContext(c.Request().Context(), "request failed", "request_id", requestID, "code", e.Code, "err", err)
		case e.Status == statusClientClosedRequest:
			logger.DebugContext(c.Request().Context(), "client left", "request_id", requestID)
		}
		body := api.Error{Error: api.ErrorBody{Code: e.Code, Message: e.Message}}
		if e.Hint != "" {
			body.Error.Hint = &e.Hint
		}
		if requestID != "" {
			body.Error.RequestId = &requestID
		}
		var writeErr error
		if c.Request().Method == http.MethodHead {
			writeErr = c.NoContent(e.Status)
		} else {
			writeErr = c.JSON(e.Status, body)
		}
		if writeErr != nil {
			logger.DebugContext(c.Request().Context(), "write error response", "request_id", requestID, "err", writeErr)
		}
	}
}
