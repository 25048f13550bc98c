package wechat

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/silenceper/wechat/v2/util"

	"github.com/xiangbang/xiangbang/model/apperr"
)

// APIError is an errcode WeChat answered.
type APIError struct {
	Op   string // our call, e.g. "SendTemplate"
	Code int
	Msg  string // WeChat's errmsg, redacted
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wechat %s: errcode %d: %s", e.Op, e.Code, e.Msg)
}

// NetError is a call that got no answer from WeChat: the network, a
// timeout, an HTTP status other than 200, or a body that is not JSON.
type NetError struct {
	Op      string
	Status  int  // the HTTP status, when one other than 200 came back
	Timeout bool // the call ran out of time
	msg     string
	cause   error // only context errors: the rest carry URLs
}

func (e *NetError) Error() string { return fmt.Sprintf("wechat %s: %s", e.Op, e.msg) }

// Unwrap lets errors.Is see context.DeadlineExceeded and context.Canceled.
func (e *NetError) Unwrap() error { return e.cause }

// Errcodes with a meaning to callers; WeChat's global return code table.
const (
	CodeSystemBusy        = -1
	CodeInvalidCredential = 40001
	CodeInvalidOpenID     = 40003
	CodeInvalidToken      = 40014
	CodeInvalidCode       = 40029
	CodeInvalidTemplateID = 40037
	CodeCodeUsed          = 40163
	CodeInvalidPage       = 41030
	CodeTokenExpired      = 42001
	CodeRequireSubscribe  = 43004
	CodeUserRefused       = 43101
	CodeDailyQuota        = 45009
	CodeMinuteQuota       = 45011
	CodeMenuNotExist      = 46003
	CodeDataFormat        = 47001
	CodeArgumentInvalid   = 47003
)

func apiCode(err error) (int, bool) {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code, true
	}
	return 0, false
}

// IsTokenError reports whether WeChat rejected the access token (40001
// invalid or superseded, 42001 expired, 40014 malformed). The calls here
// already drop the token and retry once; seeing it after that means
// another instance keeps replacing tokens.
func IsTokenError(err error) bool {
	code, _ := apiCode(err)
	return code == CodeInvalidCredential || code == CodeTokenExpired || code == CodeInvalidToken
}

// IsRetryable reports whether trying again later may succeed: WeChat busy
// (-1), quota and frequency limits (45009, 45011), a token still rejected
// after the refresh, timeouts, network errors and 5xx answers.
func IsRetryable(err error) bool {
	if code, ok := apiCode(err); ok {
		return code == CodeSystemBusy || code == CodeDailyQuota || code == CodeMinuteQuota || IsTokenError(err)
	}
	var ne *NetError
	if errors.As(err, &ne) {
		if errors.Is(ne.cause, context.Canceled) || errors.Is(ne.cause, errRefused) {
			return false
		}
		return ne.Timeout || ne.Status == 0 || ne.Status >= 500 || ne.Status == 429
	}
	return false
}

// IsPermanent reports whether the same message will never go through: the
// user refused or does not follow (43101, 43004), the openid, template or
// data are wrong (40003, 40037, 47001, 47003, 41030).
func IsPermanent(err error) bool {
	switch code, _ := apiCode(err); code {
	case CodeUserRefused, CodeRequireSubscribe, CodeInvalidOpenID, CodeInvalidTemplateID,
		CodeDataFormat, CodeArgumentInvalid, CodeInvalidPage:
		return true
	}
	return false
}

// Errors of this package that are not WeChat's. They are apperr errors, so
// handlers map them to a status with errors.Is(err, apperr.Forbidden)...
var (
	ErrNotConfigured = apperr.New(apperr.Unavailable, "wechat_not_configured", "微信服务未配置")
	ErrBadSignature  = apperr.New(apperr.Forbidden, "bad_signature", "签名校验失败")
	ErrStale         = apperr.New(apperr.Forbidden, "stale_request", "请求已过期")
	ErrTooLarge      = apperr.New(apperr.TooLarge, "body_too_large", "请求内容过大")
	ErrMalformed     = apperr.New(apperr.Invalid, "malformed_message", "消息格式不正确")
)

// The SDK reports WeChat's errcodes in three ways: *util.CommonError, or
// fmt errors "... errcode=N , errmsg=M" and "... errcode=N , errormsg=M";
// and HTTP failures as "... uri=URL , statusCode=N".
var (
	sdkErrcode = regexp.MustCompile(`errcode\s*=\s*(-?\d+)\s*,\s*(?:errmsg|errormsg)\s*=\s*(.*)$`)
	sdkStatus  = regexp.MustCompile(`statusCode\s*=\s*(\d+)`)
)

// classify turns any error from the SDK or the network into an *APIError
// or *NetError for op, redacted. Our own errors pass through.
func (c *Client) classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	var ne *NetError
	if errors.As(err, &ae) || errors.As(err, &ne) {
		return err
	}
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return &APIError{Op: op, Code: int(ce.ErrCode), Msg: c.redact(ce.ErrMsg)}
	}
	msg := err.Error()
	if m := sdkErrcode.FindStringSubmatch(msg); m != nil {
		code, _ := strconv.Atoi(m[1])
		return &APIError{Op: op, Code: code, Msg: c.redact(strings.TrimSpace(m[2]))}
	}
	out := &NetError{Op: op, msg: c.redact(msg)}
	if m := sdkStatus.FindStringSubmatch(msg); m != nil {
		out.Status, _ = strconv.Atoi(m[1])
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		out.Timeout, out.cause = true, context.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		out.cause = context.Canceled
	case errors.Is(err, errRefused):
		out.cause = errRefused
	case errors.As(err, &netErr) && netErr.Timeout():
		out.Timeout = true
	}
	return out
}

// BadCode reports whether WeChat refused a login code (invalid or already
// used): the user's fault, not an outage. Callers test for it through an
// interface, so they need not import this package.
func (e *APIError) BadCode() bool { return e.Code == CodeInvalidCode || e.Code == CodeCodeUsed }
