package handlers

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/risk"
	"github.com/xiangbang/xiangbang/service/visits"
)

// cadreRoutes registers the cadres' work (due list, household file, visits,
// incomes, plans), the households' answer to a visit, and the officials'
// lists of flags and visits.
func (s *Server) cadreRoutes(api, adm *gin.RouterGroup) {
	cadre := api.Group("/cadre", s.signedIn(auth.RoleCadre))
	cadre.GET("/households", s.dueList)
	cadre.GET("/households/:id", s.householdFile)
	cadre.POST("/households/:id/income", s.recordIncome)
	cadre.POST("/households/:id/plan", s.recordPlan)
	cadre.POST("/visits", s.recordVisits)
	cadre.GET("/visits", s.listVisits)
	cadre.GET("/visits/:id/revisions", s.visitRevisions)

	api.GET("/visits", s.signedIn(auth.RoleHousehold), s.householdVisits)
	api.POST("/visits/:id/confirmation", s.signedIn(auth.RoleHousehold), s.confirmVisit)

	official := adm.Group("", s.signedIn(auth.RoleOfficial))
	official.GET("/flags/households", s.flaggedHouseholds)
	official.GET("/flags/villages", s.flaggedVillages)
	official.POST("/flags/recompute", s.recomputeFlags)
	official.GET("/visits", s.listVisits)
	official.GET("/visits/:id/revisions", s.visitRevisions)
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(c *gin.Context, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, apperr.BadInput("invalid_"+name, "参数 "+name+" 应为非负整数")
	}
	return n, nil
}

// queryTime reads an optional RFC 3339 time or YYYY-MM-DD date (the start
// of that day in the server's zone).
func (s *Server) queryTime(c *gin.Context, name string) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, s.d.Config.Location()); err == nil {
		return t, nil
	}
	return time.Time{}, apperr.BadInput("invalid_"+name, "参数 "+name+" 应为日期（YYYY-MM-DD）或 RFC 3339 时间")
}

func (s *Server) dueList(c *gin.Context) {
	items, err := s.d.Visits.DueForCadre(c.Request.Context(), principal(c).CadreID, c.Query("due"))
	if err != nil {
		writeError(c, err)
		return
	}
	if !s.auditHouseholdList(c, "cadre_due", len(items), map[string]string{"due": c.Query("due")}) {
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": ""})
}

func (s *Server) householdFile(c *gin.Context) {
	id, ok := pathID(c, "农户")
	if !ok {
		return
	}
	f, err := s.d.Visits.Household(c.Request.Context(), principal(c), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, f)
}

func (s *Server) recordIncome(c *gin.Context) {
	id, ok := pathID(c, "农户")
	if !ok {
		return
	}
	var in risk.IncomeInput
	if err := decodeJSON(c, &in); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.d.Risk.RecordIncome(c.Request.Context(), principal(c), id, in)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(createdOr200(out.Created), out)
}

func (s *Server) recordPlan(c *gin.Context) {
	id, ok := pathID(c, "农户")
	if !ok {
		return
	}
	var in risk.PlanInput
	if err := decodeJSON(c, &in); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.d.Risk.RecordPlan(c.Request.Context(), principal(c), id, in)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(createdOr200(out.Created), out)
}

func createdOr200(created bool) int {
	if created {
		return http.StatusCreated
	}
	return http.StatusOK
}

// recordVisits takes a batch recorded offline. Items are decoded one by
// one in the service, so one malformed item is reported alone instead of
// failing the batch; the answer is 200 even when some items are rejected.
func (s *Server) recordVisits(c *gin.Context) {
	var req struct {
		Visits []json.RawMessage `json:"visits"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	results, err := s.d.Visits.RecordBatch(c.Request.Context(), principal(c), req.Visits)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"results": results})
}

// visitFilter reads the listing's query parameters.
func (s *Server) visitFilter(c *gin.Context) (visits.Filter, error) {
	f := visits.Filter{Region: c.Query("region"), Confirmation: c.Query("confirmation"), LocationFlag: c.Query("location_flag"),
		Cursor: c.Query("cursor"), History: c.Query("revisions") == "all"}
	var err error
	var limit int64
	if f.HouseholdID, err = queryInt(c, "household_id"); err != nil {
		return f, err
	}
	if f.CadreID, err = queryInt(c, "cadre_id"); err != nil {
		return f, err
	}
	if limit, err = queryInt(c, "limit"); err != nil {
		return f, err
	}
	f.Limit = int(min(limit, 1000))
	if f.Since, err = s.queryTime(c, "since"); err != nil {
		return f, err
	}
	f.Until, err = s.queryTime(c, "until")
	return f, err
}

// listVisits serves cadres (their scope) and officials (their region) alike.
func (s *Server) listVisits(c *gin.Context) {
	f, err := s.visitFilter(c)
	if err != nil {
		writeError(c, err)
		return
	}
	items, next, err := s.d.Visits.List(c.Request.Context(), principal(c), f)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

func (s *Server) visitRevisions(c *gin.Context) {
	id, ok := pathID(c, "走访记录")
	if !ok {
		return
	}
	items, err := s.d.Visits.Revisions(c.Request.Context(), principal(c), id)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": ""})
}

func (s *Server) householdVisits(c *gin.Context) {
	limit, err := queryInt(c, "limit")
	if err != nil {
		writeError(c, err)
		return
	}
	items, next, err := s.d.Visits.ForHousehold(c.Request.Context(), principal(c), c.Query("cursor"), int(limit))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

func (s *Server) confirmVisit(c *gin.Context) {
	id, ok := pathID(c, "走访记录")
	if !ok {
		return
	}
	var req struct {
		Confirmed *bool  `json:"confirmed"`
		Note      string `json:"note"`
	}
	if err := decodeJSON(c, &req); err != nil {
		writeError(c, err)
		return
	}
	if req.Confirmed == nil {
		writeError(c, apperr.BadInput("missing_confirmed", "请选择：确有走访，或没有走访"))
		return
	}
	out, err := s.d.Visits.Confirm(c.Request.Context(), principal(c), id, *req.Confirmed, req.Note)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) flaggedHouseholds(c *gin.Context) {
	limit, err := queryInt(c, "limit")
	if err != nil {
		writeError(c, err)
		return
	}
	items, next, err := s.d.Risk.FlaggedHouseholds(c.Request.Context(), principal(c), risk.FlagFilter{
		Flag: c.Query("flag"), Region: c.Query("region"), Cursor: c.Query("cursor"), Limit: int(min(limit, 1000))})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

func (s *Server) flaggedVillages(c *gin.Context) {
	limit, err := queryInt(c, "limit")
	if err != nil {
		writeError(c, err)
		return
	}
	items, next, err := s.d.Risk.FlaggedVillages(c.Request.Context(), principal(c).Scope(), c.Query("region"), c.Query("cursor"), int(min(limit, 1000)))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": next})
}

// recomputeFlags judges the official's region (or a part of it) now, e.g.
// after an import; the scheduler does the same every night.
func (s *Server) recomputeFlags(c *gin.Context) {
	var req struct {
		Region string `json:"region"`
	}
	if c.Request.ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			writeError(c, err)
			return
		}
	}
	p := principal(c)
	if req.Region == "" {
		req.Region = p.RegionScope
	}
	if !p.Scope().CoversRegion(req.Region) {
		writeError(c, apperr.New(apperr.Forbidden, "outside_region", "只能重新计算本辖区的风险标记"))
		return
	}
	sum, err := s.d.Risk.RecomputeRegion(c.Request.Context(), p.Actor(), req.Region)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, sum)
}
