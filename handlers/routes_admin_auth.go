package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
)

// adminAuthRoutes are the console's sign-in and the identity tools officials use.
func (s *Server) adminAuthRoutes(adm *gin.RouterGroup) {
	adm.POST("/login", s.adminLogin)
	adm.POST("/logout", s.signedIn(auth.RoleOfficial), s.logout)
	adm.GET("/me", s.signedIn(auth.RoleOfficial), s.adminMe)
	adm.POST("/admins", s.signedIn(auth.RoleOfficial), s.createAdmin)
	adm.POST("/cadres/:id/invites", s.signedIn(auth.RoleOfficial), s.issueInvite)
	adm.POST("/members/:id/release", s.signedIn(auth.RoleOfficial), s.releaseMember)
	adm.GET("/audit", s.signedIn(auth.RoleOfficial), s.listAudit)
}

func (s *Server) adminLogin(c *gin.Context) {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.d.Auth.AdminLogin(c.Request.Context(), req.Username, req.Password, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		writeError(c, err)
		return
	}
	s.setSessionCookie(c, out.Token, out.ExpiresAt)
	c.JSON(http.StatusOK, gin.H{"expires_at": out.ExpiresAt, "csrf_token": out.User.CSRFToken, "user": out.User})
}

func (s *Server) setSessionCookie(c *gin.Context, token string, expires time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/admin", Expires: expires, MaxAge: int(time.Until(expires).Seconds()),
		HttpOnly: true, Secure: s.d.Config.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/admin", MaxAge: -1,
		HttpOnly: true, Secure: s.d.Config.SecureCookies, SameSite: http.SameSiteStrictMode})
}

func (s *Server) adminMe(c *gin.Context) {
	p := principal(c)
	out, err := s.d.Auth.Me(c.Request.Context(), p)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"me": out, "csrf_token": p.CSRFToken})
}

func (s *Server) createAdmin(c *gin.Context) {
	var req struct {
		Username    string `json:"username"`
		Password    string `json:"password"`
		DisplayName string `json:"display_name"`
		Role        string `json:"role"`
		RegionScope string `json:"region_scope"`
		Department  string `json:"department"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	p := principal(c)
	if req.Role == "sysadmin" && p.Role != auth.RoleSysadmin {
		writeError(c, errWrongRole)
		return
	}
	a, err := s.d.Auth.CreateAdmin(c.Request.Context(), p, auth.AdminSpec{Username: req.Username, Password: req.Password,
		DisplayName: req.DisplayName, Role: req.Role, RegionScope: req.RegionScope, Department: req.Department})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": a.ID, "username": a.Username, "role": a.Role, "region_scope": a.RegionScope})
}

// pathID reads the :id parameter; anything but a positive number is the
// 404 of what, as if it did not exist.
func pathID(c *gin.Context, what string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(c, apperr.Missing(what))
		return 0, false
	}
	return id, true
}

func (s *Server) issueInvite(c *gin.Context) {
	id, ok := pathID(c, "干部")
	if !ok {
		return
	}
	inv, err := s.d.Auth.IssueInvite(c.Request.Context(), principal(c), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, inv)
}

func (s *Server) releaseMember(c *gin.Context) {
	id, ok := pathID(c, "成员")
	if !ok {
		return
	}
	if err := s.d.Auth.ReleaseMember(c.Request.Context(), principal(c), id); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) listAudit(c *gin.Context) {
	f := audit.Filter{Action: c.Query("action"), TargetKind: c.Query("target_kind"), ActorKind: c.Query("actor_kind"), Limit: 100}
	for key, dst := range map[string]*int64{"target_id": &f.TargetID, "actor_id": &f.ActorID, "cursor": &f.BeforeID} {
		if v := c.Query(key); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				writeError(c, apperr.BadInput("invalid_"+key, key+" 须为正整数"))
				return
			}
			*dst = n
		}
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeError(c, apperr.BadInput("invalid_limit", "limit 须在 1 到 500 之间"))
			return
		}
		f.Limit = n
	}
	entries, err := s.d.Audit.List(c.Request.Context(), principal(c).Scope(), f)
	if err != nil {
		writeError(c, err)
		return
	}
	next := ""
	if len(entries) == f.Limit {
		next = strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	items := make([]gin.H, len(entries))
	for i, e := range entries {
		items[i] = gin.H{"id": e.ID, "at": e.CreatedAt.In(s.d.Config.Location()), "actor_kind": e.ActorKind, "actor_id": e.ActorID, "actor_name": e.ActorName,
			"action": e.Action, "target_kind": e.TargetKind, "target_id": e.TargetID, "region_code": e.RegionCode,
			"ip": e.IP, "endpoint": e.Endpoint, "request_id": e.RequestID, "detail": e.Detail}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}
