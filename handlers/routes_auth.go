package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *Server) authRoutes(api *gin.RouterGroup) {
	if s.d.Config.Demo {
		api.POST("/auth/dev", s.devSignIn)
	}
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

func (s *Server) me(c *gin.Context) {
	c.JSON(http.StatusOK, principal(c))
}

func (s *Server) logout(c *gin.Context) {
	if err := s.d.Auth.Tokens().Revoke(c.Request.Context(), principal(c).TokenID); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
