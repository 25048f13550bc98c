package wxmock

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// stableRefreshMargin: in normal mode WeChat hands out a new stable token
// once the current one has less than five minutes left, so expires_in is
// always at least 300.
const stableRefreshMargin = 5 * time.Minute

// classicOverlap: after /cgi-bin/token issues a new token the previous
// one keeps working for five minutes.
const classicOverlap = 5 * time.Minute

// handleToken is GET /cgi-bin/token: each call issues a new token.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("grant_type") != "client_credential" {
		writeErr(w, CodeInvalidGrantType, "")
		return
	}
	appID := q.Get("appid")
	if code := s.checkApp(appID, q.Get("secret")); code != 0 {
		writeErr(w, code, "")
		return
	}
	s.mu.Lock()
	if old, ok := s.st.classic[appID]; ok {
		if ti, ok := s.st.tokens[old]; ok {
			if cut := s.now().Add(classicOverlap); ti.expires.After(cut) {
				ti.expires = cut
				s.st.tokens[old] = ti
			}
		}
	}
	tok, _ := s.newToken(appID)
	s.st.classic[appID] = tok
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": int(s.opts.TokenTTL / time.Second)})
}

type stableTokenReq struct {
	GrantType    string `json:"grant_type"`
	AppID        string `json:"appid"`
	Secret       string `json:"secret"`
	ForceRefresh bool   `json:"force_refresh"`
}

// handleStableToken is POST /cgi-bin/stable_token. In normal mode it
// returns the app's current token and the seconds it has left (7200 when
// new); force_refresh revokes the current one and issues another.
func (s *Server) handleStableToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeErr(w, CodeRequirePOST, "")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil || len(body) == 0 {
		writeErr(w, CodeEmptyPostData, "")
		return
	}
	var req stableTokenReq
	if err := json.Unmarshal(body, &req); err != nil {
		writeErr(w, CodeDataFormat, "")
		return
	}
	if req.GrantType != "client_credential" {
		writeErr(w, CodeInvalidGrantType, "")
		return
	}
	if code := s.checkApp(req.AppID, req.Secret); code != 0 {
		writeErr(w, code, "")
		return
	}
	s.mu.Lock()
	now := s.now()
	tok := s.st.stable[req.AppID]
	ti, ok := s.st.tokens[tok]
	switch {
	case req.ForceRefresh:
		delete(s.st.tokens, tok)
		ok = false
	case ok && ti.expires.Sub(now) < stableRefreshMargin:
		ok = false // the old one stays valid until it expires
	}
	if !ok {
		tok, ti.expires = s.newToken(req.AppID)
		s.st.stable[req.AppID] = tok
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": int(ti.expires.Sub(now) / time.Second)})
}
