package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model"
)

// cadreLeaves marks a cadre as no longer in post and hands over their
// households (POST /admin/api/cadres/:id/leave, body {"on": "YYYY-MM-DD"},
// optional). Their WeChat sessions' cached principals are dropped after the
// commit, so their next request is refused (403 cadre_inactive) at once.
func (s *Server) cadreLeaves(c *gin.Context) {
	id, ok := pathID(c, "干部")
	if !ok {
		return
	}
	var in struct {
		On model.Date `json:"on"`
	}
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &in); err != nil {
			writeError(c, err)
			return
		}
	}
	p := principal(c)
	out, err := s.d.Console.CadreLeaves(c.Request.Context(), p.Scope(), p.Actor(), id, in.On)
	if err != nil {
		writeError(c, err)
		return
	}
	s.forgetCadre(c, id)
	c.JSON(http.StatusOK, out)
}

// cadreReturns puts a cadre who left back in post; no pairing is restored.
func (s *Server) cadreReturns(c *gin.Context) {
	id, ok := pathID(c, "干部")
	if !ok {
		return
	}
	p := principal(c)
	out, err := s.d.Console.CadreReturns(c.Request.Context(), p.Scope(), p.Actor(), id)
	if err != nil {
		writeError(c, err)
		return
	}
	s.forgetCadre(c, id)
	c.JSON(http.StatusOK, out)
}

// forgetCadre drops the cached principals of the cadre's sessions. The
// change is committed by then; if the kv store does not answer, the cache
// entries still expire within minutes, so the call succeeds and logs.
func (s *Server) forgetCadre(c *gin.Context, id int64) {
	if err := s.d.Auth.Tokens().ForgetCadres(c.Request.Context(), id); err != nil {
		loggerOf(c).Warn("cadre status changed, cached sessions not dropped", "cadre_id", id, "err", err)
	}
}
