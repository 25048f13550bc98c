package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/wechat"
)

// wechatRoutes are the official account's message callback, outside
// /api/v1 with its own body cap, and the bot's list of unanswered
// questions for officials.
func (s *Server) wechatRoutes(e *gin.Engine, adm *gin.RouterGroup) {
	// One byte over the cap: Parse reads cap+1 bytes to tell a body at
	// the cap from a longer one, and answers ErrTooLarge itself.
	wx := e.Group("/wechat", limitBody(int64(s.d.Config.CallbackMaxBody)+1))
	wx.GET("/official", s.verifyOfficial)
	wx.POST("/official", s.officialMessage)
	adm.GET("/chatbot/unanswered", s.signedIn(auth.RoleOfficial), s.listUnanswered)
}

// verifyOfficial answers the GET WeChat sends when the callback URL is
// saved in the official account's console.
func (s *Server) verifyOfficial(c *gin.Context) {
	echo, err := s.d.WeChat.Callback().VerifyURL(c.Request.URL.Query())
	if err != nil {
		s.refuseCallback(c, err)
		return
	}
	c.Data(http.StatusOK, wechat.ContentTypeText, []byte(echo))
}

// officialMessage answers one message or event WeChat pushes: checked,
// parsed, answered by the bot within its deadline, and written back
// (encrypted when it came encrypted).
func (s *Server) officialMessage(c *gin.Context) {
	cb := s.d.WeChat.Callback()
	in, err := cb.Parse(c.Request, int64(s.d.Config.CallbackMaxBody), s.d.Config.CallbackWindow)
	if err != nil {
		s.refuseCallback(c, err)
		return
	}
	reply := s.d.Chatbot.Answer(c.Request.Context(), in)
	body, ct, err := cb.Reply(in, reply)
	if err != nil {
		// Nothing the user could do about it; "success" shows them nothing
		// rather than WeChat's "该公众号暂时无法提供服务".
		loggerOf(c).Error("wechat callback: rendering the reply failed", "err", err, "msg", in)
		body, ct = []byte("success"), wechat.ContentTypeText
	}
	c.Data(http.StatusOK, ct, body)
}

// refuseCallback logs a refused callback request (a forged, stale,
// oversized or malformed one is worth knowing about) and answers in
// API.md's shape.
func (s *Server) refuseCallback(c *gin.Context, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = wechat.ErrTooLarge
	}
	loggerOf(c).Warn("wechat callback refused", "err", err, "ip", c.ClientIP())
	writeError(c, err)
}

func (s *Server) listUnanswered(c *gin.Context) {
	limit, before := 50, int64(0)
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			writeError(c, apperr.BadInput("invalid_limit", "limit 须在 1 到 200 之间"))
			return
		}
		limit = n
	}
	if v := c.Query("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			writeError(c, apperr.BadInput("invalid_cursor", "cursor 无效"))
			return
		}
		before = n
	}
	items, err := s.d.Chatbot.Unanswered(c.Request.Context(), principal(c).Scope(), before, limit)
	if err != nil {
		writeError(c, err)
		return
	}
	next := ""
	if len(items) == limit {
		next = strconv.FormatInt(items[len(items)-1].ID, 10)
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}
