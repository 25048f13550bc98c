package wxmock

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// Message is one template or subscribe message wxmock accepted.
type Message struct {
	// Kind is "template" (official account) or "subscribe" (mini-program).
	Kind       string `json:"kind"`
	AppID      string `json:"appid"`
	MsgID      int64  `json:"msgid"`
	ToUser     string `json:"touser"`
	TemplateID string `json:"template_id"`
	// URL and MiniProgram are a template message's links.
	URL         string       `json:"url,omitempty"`
	MiniProgram *MiniProgram `json:"miniprogram,omitempty"`
	ClientMsgID string       `json:"client_msg_id,omitempty"`
	// Page, State and Lang are a subscribe message's.
	Page  string `json:"page,omitempty"`
	State string `json:"miniprogram_state,omitempty"`
	Lang  string `json:"lang,omitempty"`
	// Data holds each key's value.
	Data   map[string]string `json:"data"`
	SentAt time.Time         `json:"sent_at"`
}

// MiniProgram is the mini-program page a template message opens.
type MiniProgram struct {
	AppID    string `json:"appid"`
	PagePath string `json:"pagepath"`
}

// Messages returns the messages accepted so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.st.messages...)
}

// ClearMessages forgets the recorded messages.
func (s *Server) ClearMessages() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.messages = nil
}

// openIDPattern is loose on purpose: real openids are 28 characters, but
// the demo seeds its own; what WeChat would reject outright is rejected.
var openIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// dataValue reads a data item's value, which WeChat takes as a string
// (some SDKs send numbers).
type dataValue struct {
	Value json.RawMessage `json:"value"`
	Color string          `json:"color,omitempty"`
}

func (d dataValue) text() string {
	var s string
	if json.Unmarshal(d.Value, &s) == nil {
		return s
	}
	return string(d.Value)
}

type templateReq struct {
	ToUser      string               `json:"touser"`
	TemplateID  string               `json:"template_id"`
	URL         string               `json:"url"`
	MiniProgram *MiniProgram         `json:"miniprogram"`
	ClientMsgID string               `json:"client_msg_id"`
	Data        map[string]dataValue `json:"data"`
}

type subscribeReq struct {
	ToUser     string               `json:"touser"`
	TemplateID string               `json:"template_id"`
	Page       string               `json:"page"`
	State      string               `json:"miniprogram_state"`
	Lang       string               `json:"lang"`
	Data       map[string]dataValue `json:"data"`
}

// readCall does what every access-token POST starts with: the method, the
// token, then a JSON body into v. It answers the error itself.
func (s *Server) readCall(w http.ResponseWriter, r *http.Request, v any) (appID string, ok bool) {
	if r.Method != http.MethodPost {
		writeErr(w, CodeRequirePOST, "")
		return "", false
	}
	appID, code := s.checkToken(r.URL.Query().Get("access_token"))
	if code != 0 {
		writeErr(w, code, "")
		return "", false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || len(body) == 0 {
		writeErr(w, CodeEmptyPostData, "")
		return "", false
	}
	if err := json.Unmarshal(body, v); err != nil {
		writeErr(w, CodeDataFormat, "")
		return "", false
	}
	return appID, true
}

// knownTemplate reports whether id may be used, and the keys it needs.
func (s *Server) knownTemplate(id string) (keys []string, ok bool) {
	if id == "" {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.st.templates) == 0 {
		return nil, true
	}
	keys, ok = s.st.templates[id]
	return keys, ok
}

func (s *Server) record(m Message) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.msgID++
	m.MsgID = s.st.msgID
	m.SentAt = s.now().UTC()
	s.st.messages = append(s.st.messages, m)
	return m.MsgID
}

// clientMsgWindow is how long WeChat remembers a client_msg_id: "对于同一个
// openid + client_msg_id, 只发送一条消息, 10分钟有效".
const clientMsgWindow = 10 * time.Minute

// recordOnce records a template message unless the same openid and
// client_msg_id were sent in the last ten minutes; then, as WeChat does, it
// sends nothing, answers the first message's msgid and counts a duplicate.
func (s *Server) recordOnce(m *Message) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	key := m.AppID + "|" + m.ToUser + "|" + m.ClientMsgID
	if m.ClientMsgID != "" {
		if prev, ok := s.st.sentIDs[key]; ok && now.Sub(prev.at) < clientMsgWindow {
			s.st.dups++
			return prev.msgID, true
		}
	}
	s.st.msgID++
	m.MsgID = s.st.msgID
	m.SentAt = now.UTC()
	s.st.messages = append(s.st.messages, *m)
	if m.ClientMsgID != "" {
		s.st.sentIDs[key] = sentID{msgID: m.MsgID, at: now}
	}
	return m.MsgID, false
}

// Duplicates counts template messages sent again with an openid and
// client_msg_id already used in the last ten minutes: WeChat drops them, so
// they are not in Messages, but a sender that retries too eagerly shows here.
func (s *Server) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.dups
}

func values(d map[string]dataValue) map[string]string {
	out := make(map[string]string, len(d))
	for k, v := range d {
		out[k] = v.text()
	}
	return out
}

// handleTemplateSend is POST /cgi-bin/message/template/send (official
// account template message).
func (s *Server) handleTemplateSend(w http.ResponseWriter, r *http.Request) {
	var req templateReq
	appID, ok := s.readCall(w, r, &req)
	if !ok {
		return
	}
	if !openIDPattern.MatchString(req.ToUser) {
		writeErr(w, CodeInvalidOpenID, "")
		return
	}
	if _, ok := s.knownTemplate(req.TemplateID); !ok {
		writeErr(w, CodeInvalidTemplateID, "")
		return
	}
	if req.Data == nil {
		writeErr(w, CodeDataFormat, "")
		return
	}
	s.mu.Lock()
	unfollowed := s.st.unfollow[req.ToUser]
	s.mu.Unlock()
	if unfollowed {
		writeErr(w, CodeRequireSubscribe, "")
		return
	}
	mp := req.MiniProgram
	if mp != nil && mp.AppID == "" && mp.PagePath == "" {
		mp = nil // SDKs send an empty object when there is no link
	}
	m := Message{Kind: "template", AppID: appID, ToUser: req.ToUser, TemplateID: req.TemplateID,
		URL: req.URL, MiniProgram: mp, ClientMsgID: req.ClientMsgID, Data: values(req.Data)}
	if id, dup := s.recordOnce(&m); dup {
		writeOK(w, map[string]any{"msgid": id})
		return
	}
	writeOK(w, map[string]any{"msgid": m.MsgID})
}

// handleSubscribeSend is POST /cgi-bin/message/subscribe/send (mini-program
// subscribe message). Each key the template needs must have a value.
func (s *Server) handleSubscribeSend(w http.ResponseWriter, r *http.Request) {
	var req subscribeReq
	appID, ok := s.readCall(w, r, &req)
	if !ok {
		return
	}
	if !openIDPattern.MatchString(req.ToUser) {
		writeErr(w, CodeInvalidOpenID, "")
		return
	}
	keys, ok := s.knownTemplate(req.TemplateID)
	if !ok {
		writeErr(w, CodeInvalidTemplateID, "")
		return
	}
	if len(req.Data) == 0 {
		writeErr(w, CodeArgumentInvalid, "argument invalid! data is empty")
		return
	}
	for _, k := range keys {
		if v, ok := req.Data[k]; !ok || v.text() == "" {
			writeErr(w, CodeArgumentInvalid, "argument invalid! data."+k+".value is empty")
			return
		}
	}
	switch req.State {
	case "", "developer", "trial", "formal":
	default:
		writeErr(w, CodeArgumentInvalid, "argument invalid! miniprogram_state "+strconv.Quote(req.State))
		return
	}
	id := s.record(Message{Kind: "subscribe", AppID: appID, ToUser: req.ToUser, TemplateID: req.TemplateID,
		Page: req.Page, State: req.State, Lang: req.Lang, Data: values(req.Data)})
	writeOK(w, map[string]any{"msgid": id})
}
