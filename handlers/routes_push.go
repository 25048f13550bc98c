package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/push"
)

func (s *Server) pushRoutes(api *gin.RouterGroup) {
	who := s.signedIn(auth.RoleGuest, auth.RoleHousehold, auth.RoleCadre)
	api.GET("/subscriptions", who, s.listSubscriptions)
	api.POST("/subscriptions", who, s.recordSubscriptions)
}

// listSubscriptions answers which subscribe templates the mini-program may
// ask for (their WeChat ids, for wx.requestSubscribeMessage) and what the
// caller has given for each.
func (s *Server) listSubscriptions(c *gin.Context) {
	list, err := s.d.Subscriptions.List(c.Request.Context(), principal(c).UserID)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": list})
}

// recordSubscriptions takes the result of wx.requestSubscribeMessage.
func (s *Server) recordSubscriptions(c *gin.Context) {
	var req push.SubscriptionReport
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	list, err := s.d.Subscriptions.Record(c.Request.Context(), principal(c).UserID, req)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": list})
}
