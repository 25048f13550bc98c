package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

// subsidyRoutes registers the 一卡通 payments, the reports on them, 自主申报,
// and the officials' lists of both under /admin/api.
func (s *Server) subsidyRoutes(api *gin.RouterGroup) {
	api.GET("/subsidy-items", s.signedIn(), s.subsidyItems)
	api.GET("/subsidies", s.signedIn(auth.RoleHousehold), s.householdSubsidies)
	s.reportRoutes(api)

	admin := s.engine.Group("/admin/api", limitBody(int64(s.d.Config.BodyLimit)), s.signedIn(auth.RoleOfficial))
	admin.GET("/payments", s.adminPayments)
	admin.GET("/payments/overdue", s.adminOverduePayments)
	s.adminReportRoutes(admin)
}

func (s *Server) subsidyItems(c *gin.Context) {
	items, err := s.d.Subsidies.Items(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// householdSubsidies is GET /api/v1/subsidies?year=YYYY: the caller's
// household's payments of the year. Any bound member sees the household's.
func (s *Server) householdSubsidies(c *gin.Context) {
	p := principal(c)
	year, err := s.d.Subsidies.ParseYear(c.Query("year"))
	if err != nil {
		writeError(c, err)
		return
	}
	body, err := s.d.Subsidies.YearJSON(c.Request.Context(), p.Scope(), p.HouseholdID, year)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-cache")
	// The body is whole already: saying its length sends it in one piece, not chunked.
	c.Header("Content-Length", strconv.Itoa(len(body)))
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}

func (s *Server) adminPayments(c *gin.Context) {
	f, err := paymentFilter(c)
	if err != nil {
		writeError(c, err)
		return
	}
	p := principal(c)
	page, err := s.d.Subsidies.ListPayments(c.Request.Context(), p.Scope(), p.Actor(), f)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) adminOverduePayments(c *gin.Context) {
	f, err := paymentFilter(c)
	if err != nil {
		writeError(c, err)
		return
	}
	if f.Status != "" && f.Status != model.PaymentOverdue {
		writeError(c, apperr.BadInput("invalid_status", "逾期列表只列逾期未发的补贴"))
		return
	}
	p := principal(c)
	page, err := s.d.Subsidies.Overdue(c.Request.Context(), p.Scope(), p.Actor(), f)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

// paymentFilter reads the officials' list filters from the query string.
func paymentFilter(c *gin.Context) (subsidy.PaymentFilter, error) {
	f := subsidy.PaymentFilter{Region: c.Query("region"), Item: c.Query("item"), Period: c.Query("period"),
		Status: c.Query("status"), Cursor: c.Query("cursor")}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return f, err
	}
	f.Limit = int(min(limit, 1000))
	hh, err := queryInt(c, "household_id")
	if err != nil {
		return f, err
	}
	f.HouseholdID = int64(hh)
	switch c.Query("late") {
	case "", "false":
	case "true":
		f.Late = true
	default:
		return f, subsidy.ErrBadLate
	}
	for _, d := range []struct {
		name string
		dst  *model.Date
	}{{"due_from", &f.DueFrom}, {"due_to", &f.DueTo}} {
		if v := c.Query(d.name); v != "" {
			if *d.dst, err = model.ParseDate(v); err != nil {
				return f, apperr.BadInput("invalid_date", d.name+" 应为 YYYY-MM-DD 格式的日期")
			}
		}
	}
	return f, nil
}
