package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/service/employment"
	"github.com/xiangbang/xiangbang/service/jobs"
)

func (s *Server) adminListJobs(c *gin.Context) {
	lq, ok := listQuery(c)
	if !ok {
		return
	}
	page, err := s.d.Jobs.AdminList(c.Request.Context(), principal(c), lq)
	reply(c, http.StatusOK, page, err)
}

func (s *Server) adminCreateJob(c *gin.Context) {
	var in jobs.JobInput
	if err := decodeJSON(c, &in); err != nil {
		writeError(c, err)
		return
	}
	v, err := s.d.Jobs.Create(c.Request.Context(), principal(c), in)
	reply(c, http.StatusCreated, v, err)
}

func (s *Server) adminGetJob(c *gin.Context) {
	id, ok := pathID(c, "岗位")
	if !ok {
		return
	}
	v, err := s.d.Jobs.AdminGet(c.Request.Context(), principal(c), id)
	reply(c, http.StatusOK, v, err)
}

func (s *Server) adminUpdateJob(c *gin.Context) {
	id, ok := pathID(c, "岗位")
	if !ok {
		return
	}
	var in jobs.JobInput
	if err := decodeJSON(c, &in); err != nil {
		writeError(c, err)
		return
	}
	v, err := s.d.Jobs.Update(c.Request.Context(), principal(c), id, in)
	reply(c, http.StatusOK, v, err)
}

func (s *Server) adminCloseJob(c *gin.Context) {
	id, ok := pathID(c, "岗位")
	if !ok {
		return
	}
	v, err := s.d.Jobs.Close(c.Request.Context(), principal(c), id)
	reply(c, http.StatusOK, v, err)
}

func (s *Server) recordEmployment(c *gin.Context) {
	var in employment.Input
	if err := decodeJSON(c, &in); err != nil {
		writeError(c, err)
		return
	}
	v, err := s.d.Employment.Record(c.Request.Context(), principal(c), in)
	status := http.StatusCreated
	if v.Duplicate {
		status = http.StatusOK
	}
	reply(c, status, v, err)
}

func (s *Server) cadreZeroEmployment(c *gin.Context) {
	items, err := s.d.Employment.CadreZero(c.Request.Context(), principal(c))
	reply(c, http.StatusOK, gin.H{"items": items, "next_cursor": ""}, err)
}

func (s *Server) adminZeroEmployment(c *gin.Context) {
	v, err := s.d.Employment.ZeroSummary(c.Request.Context(), principal(c), c.Query("region"))
	reply(c, http.StatusOK, v, err)
}

func (s *Server) adminZeroHouseholds(c *gin.Context) {
	limit, ok := queryLimit(c)
	if !ok {
		return
	}
	v, err := s.d.Employment.ZeroHouseholds(c.Request.Context(), principal(c), c.Query("village"), c.Query("cursor"), limit)
	reply(c, http.StatusOK, v, err)
}
