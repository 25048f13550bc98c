package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/service/auth"
)

func (s *Server) authRoutes(api *gin.RouterGroup) {
	if s.d.Config.Demo {
		api.POST("/auth/dev", s.devSignIn)
	}
	api.POST("/auth/miniapp", s.miniappSignIn)
	api.POST("/auth/bind", s.signedIn(), s.bind)
	api.POST("/auth/bind-cadre", s.signedIn(), s.bindCadre)
	api.GET("/me", s.signedIn(), s.me)
	api.POST("/auth/logout", s.signedIn(), s.logout)
}

// devSignIn signs in as a demo person; the route exists only with --demo.
func (s *Server) devSignIn(c *gin.Context) {
	var req struct {
		Role string `json:"role"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.d.Auth.DevSignIn(c.Request.Context(), req.Role, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) miniappSignIn(c *gin.Context) {
	var req struct {
		Code string `json:"code"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.d.Auth.MiniappSignIn(c.Request.Context(), req.Code, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) bind(c *gin.Context) {
	var req auth.BindRequest
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.d.Auth.Bind(c.Request.Context(), principal(c), req, c.ClientIP())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) bindCadre(c *gin.Context) {
	var req struct {
		InviteCode string `json:"invite_code"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.d.Auth.BindCadre(c.Request.Context(), principal(c), req.InviteCode, c.ClientIP())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) me(c *gin.Context) {
	out, err := s.d.Auth.Me(c.Request.Context(), principal(c))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) logout(c *gin.Context) {
	if err := s.d.Auth.Tokens().Revoke(c.Request.Context(), principal(c).TokenID); err != nil {
		writeError(c, err)
		return
	}
	if _, err := c.Cookie(sessionCookie); err == nil {
		s.clearSessionCookie(c)
	}
	c.Status(http.StatusNoContent)
}
