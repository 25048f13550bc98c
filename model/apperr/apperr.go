// Package apperr holds the kinds of failure the whole program shares, in the
// style of pkgsite's derrors: a few sentinel kinds that handlers map to an
// HTTP status in one table, and an Error carrying the stable code and the
// Chinese message API.md promises to clients.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Kinds of failure. Test with errors.Is.
var (
	Invalid      = errors.New("invalid input")          // 400
	Unauthorized = errors.New("not signed in")          // 401
	Forbidden    = errors.New("outside your role")      // 403
	NotFound     = errors.New("not found")              // 404 (also: exists but not yours)
	Conflict     = errors.New("conflict")               // 409
	TooLarge     = errors.New("too large")              // 413
	Unsupported  = errors.New("unsupported media")      // 415
	TooMany      = errors.New("too many requests")      // 429
	Unavailable  = errors.New("dependency unavailable") // 503
)

// Error is a failure to show a client: a kind, a stable snake_case code for
// programs and a plain Chinese message for people.
type Error struct {
	Kind    error
	Code    string
	Message string
	// RetryAfter, when set, becomes the Retry-After header (429, 503).
	RetryAfter time.Duration
	// Details are extra fields for the client, e.g. the existing report on 409.
	Details map[string]any
	// cause is the underlying error, logged but never shown.
	cause error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s (%s): %v", e.Code, e.Kind, e.cause)
	}
	return fmt.Sprintf("%s (%s)", e.Code, e.Kind)
}

// Is makes errors.Is(err, apperr.NotFound) true for an Error of that kind.
func (e *Error) Is(target error) bool { return e.Kind == target }

// Unwrap gives the cause, so errors.Is and errors.As see through.
func (e *Error) Unwrap() error { return e.cause }

// New returns an Error of the kind with its code and message.
func New(kind error, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Wrap is New with an underlying cause kept for the log.
func Wrap(cause, kind error, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message, cause: cause}
}

// WithDetails returns a copy of e carrying extra client-visible fields.
func (e *Error) WithDetails(d map[string]any) *Error {
	c := *e
	c.Details = d
	return &c
}

// WithRetryAfter returns a copy of e with a Retry-After hint.
func (e *Error) WithRetryAfter(d time.Duration) *Error {
	c := *e
	c.RetryAfter = d
	return &c
}

// Shorthands for the commonest failures.

// BadInput is a 400 with a code and message.
func BadInput(code, message string) *Error { return New(Invalid, code, message) }

// Missing is the 404 for something absent or not the caller's.
func Missing(what string) *Error {
	return New(NotFound, "not_found", what+"不存在或无权查看")
}
