package wxmock

import (
	"net/http"
	"time"
)

// handleUserInfo is GET /cgi-bin/user/info: whether openid follows the
// official account and, for openids issued here, its unionid.
func (s *Server) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if _, code := s.checkToken(q.Get("access_token")); code != 0 {
		writeErr(w, code, "")
		return
	}
	openid := q.Get("openid")
	if !openIDPattern.MatchString(openid) {
		writeErr(w, CodeInvalidOpenID, "")
		return
	}
	s.mu.Lock()
	unionID, unfollowed := s.st.unionIDs[openid], s.st.unfollow[openid]
	s.mu.Unlock()
	if unfollowed {
		// WeChat tells nothing more about a user who does not follow.
		body := map[string]any{"subscribe": 0, "openid": openid}
		if unionID != "" {
			body["unionid"] = unionID
		}
		writeJSON(w, body)
		return
	}
	body := map[string]any{
		"subscribe":       1,
		"openid":          openid,
		"language":        "zh_CN",
		"subscribe_time":  s.now().Add(-24 * time.Hour).Unix(),
		"remark":          "",
		"groupid":         0,
		"tagid_list":      []int{},
		"subscribe_scene": "ADD_SCENE_QR_CODE",
		"qr_scene":        0,
		"qr_scene_str":    "",
	}
	if unionID != "" {
		body["unionid"] = unionID
	}
	writeJSON(w, body)
}
