package wxmock

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// OpenID is the openid wxmock gives the person behind code in appID: the
// same code always means the same person, so tests and the demo can
// predict it. Like WeChat's, it is 28 characters and starts with "o".
// A code "alice_2" is alice's second wx.login: the person is the part
// before the first underscore (WeChat's own codes have none), so a test can
// sign one person in twice with two codes, as a phone does.
func OpenID(appID, code string) string {
	return "o" + digest("openid|" + appID + "|" + Person(code))[:27]
}

// UnionID is the unionid of the person behind code, the same in every app.
func UnionID(code string) string {
	return "o" + digest("unionid|" + Person(code))[:27]
}

// Person is who a code belongs to: the code up to its first underscore.
func Person(code string) string {
	if i := strings.IndexByte(code, '_'); i > 0 {
		return code[:i]
	}
	return code
}

// SessionKey is the session_key jscode2session answers for code.
func SessionKey(appID, code string) string {
	sum := sha256.Sum256([]byte("session_key|" + appID + "|" + code))
	return base64.StdEncoding.EncodeToString(sum[:16])
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// useCode spends a login code: bad codes answer 40029, a code answers once
// and 40163 after.
func (s *Server) useCode(appID, code string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.badCodes[code] {
		return CodeInvalidCode
	}
	key := appID + "|" + code
	if s.st.usedCodes[key] {
		return CodeCodeUsed
	}
	s.st.usedCodes[key] = true
	s.st.unionIDs[OpenID(appID, code)] = UnionID(code)
	return 0
}

// handleCode2Session is GET /sns/jscode2session (mini-program login).
func (s *Server) handleCode2Session(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	appID, code := q.Get("appid"), q.Get("js_code")
	if c := s.checkApp(appID, q.Get("secret")); c != 0 {
		writeErr(w, c, "")
		return
	}
	if q.Get("grant_type") != "authorization_code" {
		writeErr(w, CodeInvalidGrantType, "")
		return
	}
	if code == "" {
		writeErr(w, CodeCodeMissing, "")
		return
	}
	if c := s.useCode(appID, code); c != 0 {
		writeErr(w, c, "")
		return
	}
	writeJSON(w, map[string]any{
		"session_key": SessionKey(appID, code),
		"openid":      OpenID(appID, code),
		"unionid":     UnionID(code),
	})
}

// handleOAuthToken is GET /sns/oauth2/access_token (web page OAuth).
func (s *Server) handleOAuthToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	appID, code := q.Get("appid"), q.Get("code")
	if c := s.checkApp(appID, q.Get("secret")); c != 0 {
		writeErr(w, c, "")
		return
	}
	if q.Get("grant_type") != "authorization_code" {
		writeErr(w, CodeInvalidGrantType, "")
		return
	}
	if code == "" {
		writeErr(w, CodeCodeMissing, "")
		return
	}
	if c := s.useCode(appID, code); c != 0 {
		writeErr(w, c, "")
		return
	}
	// The web access token is the user's, not the app's: it does not
	// authorise /cgi-bin calls, so it is not put among the app tokens.
	writeJSON(w, map[string]any{
		"access_token":  "web_" + digest("web|"+appID+"|"+code),
		"expires_in":    7200,
		"refresh_token": "refresh_" + digest("refresh|"+appID+"|"+code),
		"openid":        OpenID(appID, code),
		"scope":         "snsapi_base",
		"unionid":       UnionID(code),
	})
}
