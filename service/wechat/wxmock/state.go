package wxmock

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// state is everything the mock remembers; guarded by Server.mu.
type state struct {
	apps      map[string]string // appid → secret
	tokens    map[string]tokenInfo
	stable    map[string]string // appid → its current stable token
	classic   map[string]string // appid → its current /cgi-bin/token token
	usedCodes map[string]bool   // appid|code
	badCodes  map[string]bool
	unionIDs  map[string]string // openid → unionid, for openids issued here
	unfollow  map[string]bool   // openids that do not follow the official account
	templates map[string][]string
	menus     map[string][]Button // appid → menu
	messages  []Message
	sentIDs   map[string]sentID // appid|touser|client_msg_id of template messages in the last ten minutes
	dups      int               // template messages WeChat would not send again (same client_msg_id)
	faults    map[string]*faultState
	calls     map[string]int
	msgID     int64
}

// sentID is the message a client_msg_id produced, and when.
type sentID struct {
	msgID int64
	at    time.Time
}

type tokenInfo struct {
	appID   string
	expires time.Time
}

func newState(o Options) state {
	st := state{
		apps:      map[string]string{},
		tokens:    map[string]tokenInfo{},
		stable:    map[string]string{},
		classic:   map[string]string{},
		usedCodes: map[string]bool{},
		badCodes:  map[string]bool{},
		unionIDs:  map[string]string{},
		unfollow:  map[string]bool{},
		templates: map[string][]string{},
		menus:     map[string][]Button{},
		sentIDs:   map[string]sentID{},
		faults:    map[string]*faultState{},
		calls:     map[string]int{},
		msgID:     2000000000,
	}
	for _, a := range o.Apps {
		st.apps[a.AppID] = a.Secret
	}
	for id, keys := range o.Templates {
		st.templates[id] = append([]string(nil), keys...)
	}
	return st
}

// newToken issues an access token for appID; caller holds mu.
func (s *Server) newToken(appID string) (string, time.Time) {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	exp := s.now().Add(s.opts.TokenTTL)
	s.st.tokens[tok] = tokenInfo{appID: appID, expires: exp}
	return tok, exp
}

// checkToken finds the app of the request's access_token the way WeChat
// answers: missing 41001, unknown 40001, expired 42001.
func (s *Server) checkToken(tok string) (appID string, code int) {
	if tok == "" {
		return "", CodeTokenMissing
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ti, ok := s.st.tokens[tok]
	if !ok {
		return "", CodeInvalidCredential
	}
	if !s.now().Before(ti.expires) {
		return "", CodeTokenExpired
	}
	return ti.appID, 0
}

// checkApp validates an appid/secret pair.
func (s *Server) checkApp(appID, secret string) int {
	switch {
	case appID == "":
		return CodeAppIDMissing
	case secret == "":
		return CodeSecretMissing
	}
	s.mu.Lock()
	want, ok := s.st.apps[appID]
	s.mu.Unlock()
	switch {
	case !ok:
		return CodeInvalidAppID
	case want != secret:
		return CodeInvalidSecret
	}
	return 0
}

// AddApp makes the mock accept another AppID/secret pair (staging).
func (s *Server) AddApp(a App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.apps[a.AppID] = a.Secret
}

// ExpireTokens makes every access token issued so far expired (42001), as
// if two hours had passed.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	past := s.now().Add(-time.Second)
	for k, ti := range s.st.tokens {
		ti.expires = past
		s.st.tokens[k] = ti
	}
}

// RevokeTokens forgets every access token issued so far (40001), as a
// force refresh elsewhere would.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.st.tokens)
}

// BadCode makes code answer 40029 from jscode2session and web OAuth.
func (s *Server) BadCode(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.badCodes[code] = true
}

// Unfollow makes openid a user who does not follow the official account:
// template messages to it answer 43004 and user/info says subscribe 0.
func (s *Server) Unfollow(openid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.unfollow[openid] = true
}

// AddTemplate registers a template id and the data keys a subscribe
// message must fill. Once any is registered, unknown ids answer 40037.
func (s *Server) AddTemplate(id string, keys ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.templates[id] = append([]string(nil), keys...)
}

// Calls reports how many requests reached the endpoint at path.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.calls[path]
}

// Reset forgets messages, faults, call counts, used codes and menus; apps,
// templates and tokens stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.messages = nil
	clear(s.st.sentIDs)
	s.st.dups = 0
	clear(s.st.faults)
	clear(s.st.calls)
	clear(s.st.usedCodes)
	clear(s.st.menus)
}
