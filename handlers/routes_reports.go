package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/report"
)

func (s *Server) reportRoutes(api *gin.RouterGroup) {
	anyone := s.signedIn(auth.RoleHousehold, auth.RoleCadre, auth.RoleOfficial)
	staff := s.signedIn(auth.RoleCadre, auth.RoleOfficial)
	api.GET("/report-kinds", s.signedIn(), s.reportKinds)
	api.POST("/subsidies/:id/reports", s.signedIn(auth.RoleHousehold), s.filePaymentReport)
	api.GET("/reports", anyone, s.listReports(model.ReportPayment))
	api.GET("/reports/:id", anyone, s.getReport)
	api.POST("/reports/:id/acknowledge", staff, s.transitionReport(report.ActionAcknowledge))
	api.POST("/reports/:id/resolve", staff, s.transitionReport(report.ActionResolve))
	api.POST("/reports/:id/reject", staff, s.transitionReport(report.ActionReject))
	api.POST("/risk-reports", s.signedIn(auth.RoleHousehold, auth.RoleCadre), s.fileRiskReport)
	api.GET("/risk-reports", anyone, s.listReports(model.ReportRisk))
}

func (s *Server) adminReportRoutes(admin *gin.RouterGroup) {
	admin.GET("/reports", s.listReports(""))
	admin.GET("/reports/:id", s.getReport)
	admin.POST("/reports/:id/acknowledge", s.transitionReport(report.ActionAcknowledge))
	admin.POST("/reports/:id/resolve", s.transitionReport(report.ActionResolve))
	admin.POST("/reports/:id/reject", s.transitionReport(report.ActionReject))
}

func (s *Server) reportKinds(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"payment": report.PaymentKinds, "risk": report.RiskKinds})
}

// filePaymentReport is 问题反映 on one payment of the caller's household.
func (s *Server) filePaymentReport(c *gin.Context) {
	id, ok := pathID(c, "这笔补贴")
	if !ok {
		return
	}
	var in report.PaymentReportInput
	if err := decodeJSON(c, &in); err != nil {
		writeError(c, err)
		return
	}
	v, err := s.d.Reports.FilePaymentReport(c.Request.Context(), principal(c), id, in)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

// fileRiskReport is 自主申报, by a household or a cadre on its behalf.
func (s *Server) fileRiskReport(c *gin.Context) {
	var in report.RiskReportInput
	if err := decodeJSON(c, &in); err != nil {
		writeError(c, err)
		return
	}
	v, err := s.d.Reports.FileRiskReport(c.Request.Context(), principal(c), in)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, v)
}

// listReports lists cases of one type ("" lets the caller choose with
// ?type=, for the console).
func (s *Server) listReports(typ string) gin.HandlerFunc {
	return func(c *gin.Context) {
		f := report.Filter{Type: typ, Status: c.Query("status"), Region: c.Query("region"),
			Department: c.Query("department"), Cursor: c.Query("cursor")}
		if typ == model.ReportPayment && c.Query("type") != "" {
			f.Type = c.Query("type") // ?type=risk or ?type=all: one list of every case
		}
		if typ == "" {
			f.Type = c.Query("type")
		}
		if f.Type == "all" {
			f.Type = ""
		}
		var err error
		if f.Late, err = queryBool(c, "late"); err != nil {
			writeError(c, err)
			return
		}
		if f.Escalated, err = queryBool(c, "escalated"); err != nil {
			writeError(c, err)
			return
		}
		limit, err := queryInt(c, "limit")
		if err != nil {
			writeError(c, err)
			return
		}
		f.Limit = int(min(limit, 1000))
		hh, err := queryInt(c, "household_id")
		if err != nil {
			writeError(c, err)
			return
		}
		f.HouseholdID = int64(hh)
		page, err := s.d.Reports.List(c.Request.Context(), principal(c), f)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, page)
	}
}

func (s *Server) getReport(c *gin.Context) {
	id, ok := pathID(c, "这件事")
	if !ok {
		return
	}
	v, err := s.d.Reports.Get(c.Request.Context(), principal(c), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// transitionReport acknowledges, resolves or rejects a case, with the
// answer the household will read: {"answer": "..."}.
func (s *Server) transitionReport(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := pathID(c, "这件事")
		if !ok {
			return
		}
		var in struct {
			Answer string `json:"answer"`
		}
		if err := decodeJSON(c, &in); err != nil {
			writeError(c, err)
			return
		}
		v, err := s.d.Reports.Transition(c.Request.Context(), principal(c), id, action, in.Answer)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, v)
	}
}

// queryBool reads true/false (or 1/0) from the query string.
func queryBool(c *gin.Context, name string) (bool, error) {
	switch c.Query(name) {
	case "":
		return false, nil
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, apperr.BadInput("invalid_"+name, name+" 只能是 true 或 false")
}
