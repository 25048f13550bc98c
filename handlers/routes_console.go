package handlers

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/console"
	"github.com/xiangbang/xiangbang/web"
)

// consoleRoutes are the admin console's pages and the API behind its
// dashboard and the lists no other area owns.
func (s *Server) consoleRoutes(adm *gin.RouterGroup) {
	assets := newConsoleAssets(web.FS(), s.d.Logger)
	s.engine.GET("/admin/", assets.index)
	s.engine.GET("/admin/static/*filepath", assets.static)

	official := s.signedIn(auth.RoleOfficial)
	adm.GET("/dashboard", official, s.dashboard)
	adm.GET("/regions", official, s.consoleRegions)
	adm.GET("/households", official, s.listHouseholds)
	adm.GET("/households.xlsx", official, s.exportHouseholds)
	adm.GET("/households/:id", official, s.getHousehold)
	adm.GET("/cadres", official, s.listCadres)
	adm.GET("/cadres.xlsx", official, s.exportCadres)
	adm.GET("/cadres/:id", official, s.getCadre)
	adm.POST("/cadres/:id/leave", official, s.cadreLeaves)
	adm.POST("/cadres/:id/return", official, s.cadreReturns)
	adm.POST("/pairings", official, s.createPairing)
	adm.POST("/pairings/:id/end", official, s.endPairing)
	adm.GET("/outbox", official, s.listOutbox)
	adm.POST("/outbox/:id/retry", official, s.retryOutbox)
	adm.GET("/demo/wxmock-messages", official, s.wxmockMessages)
}

// consolePage reads cursor and limit.
func consolePage(c *gin.Context) (console.Page, error) {
	p := console.Page{Cursor: c.Query("cursor")}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return p, console.ErrBadLimit
		}
		p.Limit = n
	}
	return p, nil
}

func (s *Server) dashboard(c *gin.Context) {
	d, err := s.d.Console.Dashboard(c.Request.Context(), principal(c).Scope(), c.Query("region"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-cache")
	c.JSON(http.StatusOK, d)
}

func (s *Server) consoleRegions(c *gin.Context) {
	t, err := s.d.Console.Regions(c.Request.Context(), principal(c).Scope(), c.Query("region"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func householdFilter(c *gin.Context) (console.HouseholdFilter, error) {
	page, err := consolePage(c)
	return console.HouseholdFilter{Region: c.Query("region"), Class: c.Query("class"), SupportLevel: c.Query("support_level"),
		Status: c.Query("status"), Flag: c.Query("flag"), Visit: c.Query("visit"), Paired: c.Query("paired"), Q: c.Query("q"), Page: page}, err
}

func (s *Server) listHouseholds(c *gin.Context) {
	f, err := householdFilter(c)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := s.d.Console.Households(c.Request.Context(), principal(c).Scope(), f)
	if err != nil {
		writeError(c, err)
		return
	}
	if !s.auditHouseholdList(c, "console", len(page.Items), f) {
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) exportHouseholds(c *gin.Context) {
	f, err := householdFilter(c)
	if err != nil {
		writeError(c, err)
		return
	}
	p := principal(c)
	w := &download{c: c, name: s.d.Console.ExportName("农户")}
	if err := s.d.Console.ExportHouseholds(c.Request.Context(), p.Scope(), p.Actor(), f, w); err != nil {
		w.fail(err)
	}
}

func (s *Server) getHousehold(c *gin.Context) {
	id, ok := pathID(c, "农户")
	if !ok {
		return
	}
	p := principal(c)
	d, err := s.d.Console.Household(c.Request.Context(), p.Scope(), p.Actor(), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, d)
}

func cadreFilter(c *gin.Context) (console.CadreFilter, error) {
	page, err := consolePage(c)
	return console.CadreFilter{Region: c.Query("region"), Kind: c.Query("kind"), Status: c.Query("status"), Q: c.Query("q"), Page: page}, err
}

func (s *Server) listCadres(c *gin.Context) {
	f, err := cadreFilter(c)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := s.d.Console.Cadres(c.Request.Context(), principal(c).Scope(), f)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) exportCadres(c *gin.Context) {
	f, err := cadreFilter(c)
	if err != nil {
		writeError(c, err)
		return
	}
	p := principal(c)
	w := &download{c: c, name: s.d.Console.ExportName("帮扶干部")}
	if err := s.d.Console.ExportCadres(c.Request.Context(), p.Scope(), p.Actor(), f, w); err != nil {
		w.fail(err)
	}
}

func (s *Server) getCadre(c *gin.Context) {
	id, ok := pathID(c, "干部")
	if !ok {
		return
	}
	d, err := s.d.Console.Cadre(c.Request.Context(), principal(c).Scope(), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

func (s *Server) createPairing(c *gin.Context) {
	var in console.PairInput
	if err := decodeJSON(c, &in); err != nil {
		writeError(c, err)
		return
	}
	p := principal(c)
	v, err := s.d.Console.Pair(c.Request.Context(), p.Scope(), p.Actor(), in)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

func (s *Server) endPairing(c *gin.Context) {
	id, ok := pathID(c, "结对关系")
	if !ok {
		return
	}
	var in struct {
		EndedOn model.Date `json:"ended_on"`
	}
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			writeError(c, err)
			return
		}
	}
	p := principal(c)
	v, err := s.d.Console.EndPairing(c.Request.Context(), p.Scope(), p.Actor(), id, in.EndedOn)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (s *Server) listOutbox(c *gin.Context) {
	page, err := consolePage(c)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := s.d.Console.Outbox(c.Request.Context(), principal(c).Scope(),
		console.OutboxFilter{Region: c.Query("region"), State: c.Query("state"), Kind: c.Query("kind"), Page: page})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) retryOutbox(c *gin.Context) {
	id, ok := pathID(c, "消息")
	if !ok {
		return
	}
	p := principal(c)
	v, err := s.d.Console.RetryOutbox(c.Request.Context(), p.Scope(), p.Actor(), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// wxmockMessages shows, in the demo, what the in-process wxmock received
// in place of WeChat, newest first, for recipients in the caller's scope.
// Without an in-process wxmock the path does not exist.
func (s *Server) wxmockMessages(c *gin.Context) {
	if s.d.WXMock == nil {
		writeError(c, apperr.New(apperr.NotFound, "no_such_path", "接口不存在"))
		return
	}
	limit := 200
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeError(c, apperr.BadInput("invalid_limit", "limit 须在 1 到 500 之间"))
			return
		}
		limit = n
	}
	msgs := s.d.WXMock.Messages()
	openids := make([]string, len(msgs))
	for i, m := range msgs {
		openids[i] = m.ToUser
	}
	who, err := s.d.Console.Recipients(c.Request.Context(), principal(c).Scope(), openids)
	if err != nil {
		writeError(c, err)
		return
	}
	items := []gin.H{}
	for i := len(msgs) - 1; i >= 0 && len(items) < limit; i-- {
		m := msgs[i]
		r, ok := who[m.ToUser]
		if !ok {
			continue
		}
		keys := make([]string, 0, len(m.Data))
		for k := range m.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		data := make([]gin.H, len(keys))
		for j, k := range keys {
			data[j] = gin.H{"key": k, "value": m.Data[k]}
		}
		page := m.Page
		if m.MiniProgram != nil {
			page = m.MiniProgram.PagePath
		}
		items = append(items, gin.H{"msgid": m.MsgID, "kind": m.Kind, "template_id": m.TemplateID, "page": page, "url": m.URL,
			"data": data, "sent_at": m.SentAt.In(s.d.Config.Location()), "recipient": r})
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// download writes an export: headers go out with the first byte, so a
// failure before then is still answered in API.md's error shape.
type download struct {
	c       *gin.Context
	name    string
	started bool
}

func (d *download) Write(b []byte) (int, error) {
	if !d.started {
		d.started = true
		h := d.c.Writer.Header()
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", `attachment; filename="export.xlsx"; filename*=UTF-8''`+url.PathEscape(d.name))
		h.Set("Cache-Control", "no-store")
		d.c.Status(http.StatusOK)
	}
	return d.c.Writer.Write(b)
}

func (d *download) fail(err error) {
	if d.started {
		loggerOf(d.c).Error("export failed after it started", "err", err)
		d.c.Abort()
		return
	}
	writeError(d.c, err)
}
