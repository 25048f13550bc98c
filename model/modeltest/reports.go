package modeltest

import (
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// Report stores a 自主申报 of a household in a status, routed to cadreID
// (nil: none), with deadlines a week and a month after now, as a filing
// would leave it: its first step and, while open, its open key.
func (f *Fixtures) Report(h model.Household, cadreID *int64, status string) model.Report {
	f.t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	r := model.Report{Type: model.ReportRisk, HouseholdID: h.ID, RegionCode: h.RegionCode, Kind: "illness", Text: "看病花了很多钱",
		PhotoIDs: "[]", ReporterRelation: "self", Status: status, AssignedCadreID: cadreID, Department: "测试镇人民政府",
		FirstDeadline: now.AddDate(0, 0, 7), FinalDeadline: now.AddDate(0, 1, 0), CreatedAt: now, UpdatedAt: now}
	if status == model.ReportOpen || status == model.ReportAcknowledged {
		key := fmt.Sprintf("risk:%d:illness:%d", h.ID, f.next())
		r.OpenKey = &key
	} else {
		r.ClosedAt = &now
	}
	f.create(&r)
	f.create(&model.ReportEvent{ReportID: r.ID, ToStatus: model.ReportOpen, ActorKind: "household", ActorName: h.HeadName, CreatedAt: now})
	return r
}
