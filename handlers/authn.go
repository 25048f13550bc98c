package handlers

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
)

const principalKey = "xb.principal"

var errWrongRole = apperr.New(apperr.Forbidden, "forbidden", "您的身份不能使用此功能")

// bearer extracts the token of "Authorization: Bearer <token>".
func bearer(c *gin.Context) string {
	h := c.GetHeader("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// sessionCookie carries a console session. Only officials get one; the
// mini-program uses bearer tokens.
const sessionCookie = "xb_session"

var errCSRF = apperr.New(apperr.Forbidden, "csrf_failed", "页面已过期，请刷新后重试")

// signedIn requires a valid bearer token or console session cookie and,
// when roles are given, one of them. A cookie is an ambient credential, so a
// state-changing call made with one must also carry the session's CSRF
// token in X-CSRF-Token.
func (s *Server) signedIn(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		token, byCookie := bearer(c), false
		if token == "" {
			if v, err := c.Cookie(sessionCookie); err == nil && v != "" {
				token, byCookie = v, true
			}
		}
		p, err := s.d.Auth.Authenticate(c.Request.Context(), token)
		if err != nil {
			writeError(c, err)
			return
		}
		if byCookie {
			if !p.IsAdmin() {
				writeError(c, auth.ErrBadToken)
				return
			}
			if unsafeMethod(c.Request.Method) && !sameToken(c.GetHeader("X-CSRF-Token"), p.CSRFToken) {
				writeError(c, errCSRF)
				return
			}
		}
		if len(roles) > 0 && !hasRole(p, roles) {
			writeError(c, errWrongRole)
			return
		}
		c.Set(principalKey, p)
		c.Next()
	}
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

func sameToken(a, b string) bool {
	return b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func hasRole(p auth.Principal, roles []string) bool {
	for _, r := range roles {
		if p.Role == r || (r == auth.RoleOfficial && p.Role == auth.RoleSysadmin) {
			return true
		}
	}
	return false
}

// principal returns the caller set by signedIn.
func principal(c *gin.Context) auth.Principal {
	p, _ := c.Get(principalKey)
	pr, _ := p.(auth.Principal)
	return pr
}

var errBadJSON = apperr.BadInput("invalid_json", "请求内容不是有效的 JSON")

// decodeJSON reads the body into dst. Unknown fields are allowed (older and
// newer mini-program versions talk to one server); wrong types are not.
func decodeJSON(c *gin.Context, dst any) error {
	dec := json.NewDecoder(c.Request.Body)
	if err := dec.Decode(dst); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge
		}
		if errors.Is(err, io.EOF) {
			return apperr.BadInput("empty_body", "请求内容为空")
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			if te.Field != "" {
				return apperr.BadInput("invalid_field", "字段 "+te.Field+" 的类型不正确").
					WithDetails(map[string]any{"field": te.Field})
			}
			// The body is JSON, but an array, string or number where every
			// request takes an object.
			return apperr.BadInput("invalid_body", "请求内容应为 JSON 对象")
		}
		return errBadJSON
	}
	if dec.More() {
		return errBadJSON
	}
	return nil
}
