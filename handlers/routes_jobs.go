package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/jobs"
)

// jobRoutes registers the job board: the public list and postings, the
// worker's profile, recommendations and interest, employment reports, the
// cadre's views, and the officials' admin API (bearer tokens for now; the
// console's cookie sessions come with the console).
func (s *Server) jobRoutes(api *gin.RouterGroup) {
	anyone := s.signedIn()
	household := s.signedIn(auth.RoleHousehold)
	cadre := s.signedIn(auth.RoleCadre)
	api.GET("/jobs", anyone, s.listJobs)
	api.GET("/jobs/recommended", household, s.recommendedJobs)
	api.GET("/jobs/skill-tags", anyone, s.skillTags)
	api.GET("/jobs/:id", anyone, s.getJob)
	api.POST("/jobs/:id/interest", household, s.jobInterest)
	api.GET("/me/job-profile", household, s.getJobProfile)
	api.PUT("/me/job-profile", household, s.putJobProfile)
	api.POST("/me/employment", s.signedIn(auth.RoleHousehold, auth.RoleCadre), s.recordEmployment)
	api.GET("/cadre/job-interests", cadre, s.cadreJobInterests)
	api.GET("/cadre/zero-employment", cadre, s.cadreZeroEmployment)

	admin := s.engine.Group("/admin/api", limitBody(int64(s.d.Config.BodyLimit)), s.signedIn(auth.RoleOfficial))
	admin.GET("/jobs", s.adminListJobs)
	admin.POST("/jobs", s.adminCreateJob)
	admin.GET("/jobs/:id", s.adminGetJob)
	admin.PUT("/jobs/:id", s.adminUpdateJob)
	admin.POST("/jobs/:id/close", s.adminCloseJob)
	admin.GET("/zero-employment", s.adminZeroEmployment)
	admin.GET("/zero-employment/households", s.adminZeroHouseholds)
}

// queryLimit reads ?limit= (0 when absent: the service's default).
func queryLimit(c *gin.Context) (int, bool) {
	v := c.Query("limit")
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 200 {
		writeError(c, apperr.BadInput("invalid_limit", "limit 应为 1 到 200 之间的整数"))
		return 0, false
	}
	return n, true
}

func listQuery(c *gin.Context) (jobs.ListQuery, bool) {
	limit, ok := queryLimit(c)
	return jobs.ListQuery{Q: c.Query("q"), Region: c.Query("region"), Kind: c.Query("kind"), Status: c.Query("status"),
		Cursor: c.Query("cursor"), Limit: limit}, ok
}

// reply answers v with status, or the error.
func reply(c *gin.Context, status int, v any, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(status, v)
}

func (s *Server) listJobs(c *gin.Context) {
	lq, ok := listQuery(c)
	if !ok {
		return
	}
	lq.Status = ""
	page, err := s.d.Jobs.List(c.Request.Context(), lq)
	reply(c, http.StatusOK, page, err)
}

func (s *Server) getJob(c *gin.Context) {
	id, ok := pathID(c, "岗位")
	if !ok {
		return
	}
	v, err := s.d.Jobs.Get(c.Request.Context(), id)
	reply(c, http.StatusOK, v, err)
}

func (s *Server) skillTags(c *gin.Context) {
	type group struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	out := []group{}
	for _, g := range s.d.Jobs.Tags().Groups() {
		gr := group{Name: g.Name}
		for _, t := range g.Tags {
			gr.Tags = append(gr.Tags, t.Name)
		}
		out = append(out, gr)
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.JSON(http.StatusOK, gin.H{"groups": out})
}

func (s *Server) recommendedJobs(c *gin.Context) {
	limit, ok := queryLimit(c)
	if !ok {
		return
	}
	page, err := s.d.Jobs.Recommended(c.Request.Context(), principal(c), limit)
	reply(c, http.StatusOK, page, err)
}

func (s *Server) jobInterest(c *gin.Context) {
	id, ok := pathID(c, "岗位")
	if !ok {
		return
	}
	v, created, err := s.d.Jobs.Interest(c.Request.Context(), principal(c), id)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	reply(c, status, v, err)
}

func (s *Server) getJobProfile(c *gin.Context) {
	v, err := s.d.Jobs.Profile(c.Request.Context(), principal(c))
	reply(c, http.StatusOK, v, err)
}

func (s *Server) putJobProfile(c *gin.Context) {
	var in jobs.ProfileInput
	if err := decodeJSON(c, &in); err != nil {
		writeError(c, err)
		return
	}
	v, err := s.d.Jobs.SaveProfile(c.Request.Context(), principal(c), in)
	reply(c, http.StatusOK, v, err)
}

func (s *Server) cadreJobInterests(c *gin.Context) {
	limit, ok := queryLimit(c)
	if !ok {
		return
	}
	page, err := s.d.Jobs.CadreInterests(c.Request.Context(), principal(c), c.Query("cursor"), limit)
	reply(c, http.StatusOK, page, err)
}
