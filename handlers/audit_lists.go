package handlers

import (
	"github.com/gin-gonic/gin"

	"github.com/xiangbang/xiangbang/service/audit"
)

// auditHouseholdList writes a household.list entry for a list of households
// a cadre or official is about to be shown (DESIGN.md: every read of a
// household by a cadre or official is in the audit log; a list reads many
// at once, so one entry says how many and by what filter). It answers the
// error itself and returns false when the entry cannot be written: nothing
// is shown that was not recorded.
func (s *Server) auditHouseholdList(c *gin.Context, list string, count int, filter any) bool {
	p := principal(c)
	err := s.d.Audit.Record(c.Request.Context(), nil, p.Actor(), audit.Event{Action: "household.list", TargetKind: "household",
		RegionCode: p.RegionScope, Detail: map[string]any{"list": list, "count": count, "filter": filter}})
	if err != nil {
		writeError(c, err)
		return false
	}
	return true
}
