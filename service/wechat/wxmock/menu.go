package wxmock

import (
	"net/http"
)

// Button is one official-account menu button, in WeChat's JSON.
type Button struct {
	Type      string   `json:"type,omitempty"`
	Name      string   `json:"name"`
	Key       string   `json:"key,omitempty"`
	URL       string   `json:"url,omitempty"`
	MediaID   string   `json:"media_id,omitempty"`
	ArticleID string   `json:"article_id,omitempty"`
	AppID     string   `json:"appid,omitempty"`
	PagePath  string   `json:"pagepath,omitempty"`
	SubButton []Button `json:"sub_button"`
}

type menuReq struct {
	Button []Button `json:"button"`
}

// Menu returns the menu last created for appID.
func (s *Server) Menu(appID string) []Button {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Button(nil), s.st.menus[appID]...)
}

// handleMenuCreate is POST /cgi-bin/menu/create, with the limits of
// WeChat's custom menu: 1-3 buttons of at most 16 bytes, each with at
// most 5 sub-buttons of at most 60 bytes.
func (s *Server) handleMenuCreate(w http.ResponseWriter, r *http.Request) {
	var req menuReq
	appID, ok := s.readCall(w, r, &req)
	if !ok {
		return
	}
	if n := len(req.Button); n < 1 || n > 3 {
		writeErr(w, CodeButtonSize, "")
		return
	}
	for _, b := range req.Button {
		if len(b.Name) == 0 || len(b.Name) > 16 {
			writeErr(w, CodeButtonNameSize, "")
			return
		}
		if len(b.SubButton) > 0 {
			if len(b.SubButton) > 5 || b.Type != "" {
				writeErr(w, CodeSubButtonSize, "")
				return
			}
			for _, sb := range b.SubButton {
				if len(sb.Name) == 0 || len(sb.Name) > 60 {
					writeErr(w, CodeButtonNameSize, "")
					return
				}
				if len(sb.SubButton) > 0 {
					writeErr(w, CodeSubButtonSize, "")
					return
				}
				if code := checkLeaf(sb); code != 0 {
					writeErr(w, code, "")
					return
				}
			}
			continue
		}
		if code := checkLeaf(b); code != 0 {
			writeErr(w, code, "")
			return
		}
	}
	s.mu.Lock()
	s.st.menus[appID] = req.Button
	s.mu.Unlock()
	writeOK(w, nil)
}

// checkLeaf checks a button that does something, by its type.
func checkLeaf(b Button) int {
	switch b.Type {
	case "click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album",
		"pic_weixin", "location_select":
		if len(b.Key) == 0 || len(b.Key) > 128 {
			return CodeButtonKeySize
		}
	case "view":
		if len(b.URL) == 0 || len(b.URL) > 1024 {
			return CodeButtonURLSize
		}
	case "miniprogram":
		switch {
		case len(b.URL) == 0 || len(b.URL) > 1024:
			return CodeButtonURLSize
		case b.AppID == "":
			return CodeInvalidAppID
		case b.PagePath == "":
			return CodeInvalidPagePath
		}
	case "media_id", "view_limited", "article_id", "article_view_limited":
		if b.MediaID == "" && b.ArticleID == "" {
			return CodeButtonKeySize
		}
	default:
		return CodeButtonType
	}
	return 0
}

// handleMenuGet is GET /cgi-bin/menu/get.
func (s *Server) handleMenuGet(w http.ResponseWriter, r *http.Request) {
	appID, code := s.checkToken(r.URL.Query().Get("access_token"))
	if code != 0 {
		writeErr(w, code, "")
		return
	}
	buttons := s.Menu(appID)
	if len(buttons) == 0 {
		writeErr(w, CodeMenuNotExist, "")
		return
	}
	for i := range buttons {
		if buttons[i].SubButton == nil {
			buttons[i].SubButton = []Button{}
		}
	}
	writeJSON(w, map[string]any{"menu": map[string]any{"button": buttons}})
}
