package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// statusOf is the one table from failure kind to HTTP status.
var statusOf = []struct {
	kind   error
	status int
}{
	{apperr.Invalid, http.StatusBadRequest},
	{apperr.Unauthorized, http.StatusUnauthorized},
	{apperr.Forbidden, http.StatusForbidden},
	{apperr.NotFound, http.StatusNotFound},
	{apperr.Conflict, http.StatusConflict},
	{apperr.TooLarge, http.StatusRequestEntityTooLarge},
	{apperr.Unsupported, http.StatusUnsupportedMediaType},
	{apperr.TooMany, http.StatusTooManyRequests},
	{apperr.Unavailable, http.StatusServiceUnavailable},
}

// errorBody is API.md's failure shape.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	RequestID string         `json:"request_id"`
	Details   map[string]any `json:"details,omitempty"`
}

var (
	errInternal    = apperr.New(errors.New("internal"), "internal", "系统内部错误，请稍后再试")
	errUnavailable = apperr.New(apperr.Unavailable, "unavailable", "服务暂时不可用，请稍后再试").WithRetryAfter(5 * time.Second)
	errTooLarge    = apperr.New(apperr.TooLarge, "body_too_large", "提交的内容过大")
)

// writeError answers with err in API.md's shape and the status its kind
// maps to. Errors that are not an *apperr.Error are logged in full and
// shown as a generic 500, or 503 when a dependency is down.
func writeError(c *gin.Context, err error) {
	var ae *apperr.Error
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &tooBig):
		ae = errTooLarge
	case errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil:
		// The client went away; nobody reads the answer.
		c.Abort()
		return
	case model.IsUnavailable(err) || errors.Is(err, context.DeadlineExceeded):
		loggerOf(c).Warn("dependency unavailable", "err", err)
		ae = errUnavailable
	default:
		loggerOf(c).Error("internal error", "err", err)
		ae = errInternal
	}
	status := http.StatusInternalServerError
	for _, s := range statusOf {
		if errors.Is(ae, s.kind) {
			status = s.status
			break
		}
	}
	retry := ae.RetryAfter
	if retry <= 0 && status == http.StatusServiceUnavailable {
		retry = errUnavailable.RetryAfter // API.md: every 503 says when to try again
	}
	if retry > 0 {
		c.Header("Retry-After", strconv.Itoa(int((retry+time.Second-1)/time.Second)))
	}
	c.AbortWithStatusJSON(status, errorBody{Error: errorDetail{
		Code: ae.Code, Message: ae.Message, RequestID: requestIDOf(c), Details: ae.Details,
	}})
}
