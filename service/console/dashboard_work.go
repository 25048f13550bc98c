package console

import (
	"context"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// ReportStatusNames are the Chinese names of report statuses.
var ReportStatusNames = map[string]string{
	model.ReportOpen: "待受理", model.ReportAcknowledged: "办理中", model.ReportResolved: "已办结", model.ReportRejected: "不予受理",
}

var reportStatuses = []string{model.ReportOpen, model.ReportAcknowledged, model.ReportResolved, model.ReportRejected}

// ReportStats are 问题反映 and 自主申报 cases by status, the unfinished ones
// by age, and those past a deadline.
type ReportStats struct {
	ByStatus []StatusNumber `json:"by_status"`
	ByType   []StatusNumber `json:"by_type"`
	OpenAge  []AgeNumber    `json:"open_by_age"` // open and acknowledged, by days since filed
	Late     Number         `json:"late"`
}

// StatusNumber counts records in one status (or of one type).
type StatusNumber struct {
	Status string `json:"status"`
	Name   string `json:"name"`
	Number
}

// AgeNumber counts unfinished cases filed within an age bucket.
type AgeNumber struct {
	Bucket  string `json:"bucket"` // 0-3, 3-7, 7-15, 15+
	Name    string `json:"name"`
	MinDays int    `json:"min_days"`
	MaxDays int    `json:"max_days,omitempty"` // 0: no upper bound
	Number
}

var ageBuckets = []struct {
	key, name  string
	minD, maxD int
}{
	{"0-3", "3 天内", 0, 3}, {"3-7", "3–7 天", 3, 7}, {"7-15", "7–15 天", 7, 15}, {"15+", "15 天以上", 15, 0},
}

func (s *Service) reportStats(ctx context.Context, scope model.Scope, now time.Time, d *Dashboard) error {
	where, args := regionCond("r.region_code", scope)
	prefix := prefixOf(scope)
	var rows []struct {
		Status string
		Type   string
		N      int64
	}
	if err := s.db.WithContext(ctx).Raw("SELECT r.status AS status, r.type AS type, COUNT(*) AS n FROM reports r WHERE "+where+
		" GROUP BY r.status, r.type", args...).Scan(&rows).Error; err != nil {
		return err
	}
	byStatus, byType := map[string]int64{}, map[string]int64{}
	for _, r := range rows {
		byStatus[r.Status] += r.N
		byType[r.Type] += r.N
	}
	st := ReportStats{}
	for _, status := range reportStatuses {
		st.ByStatus = append(st.ByStatus, StatusNumber{Status: status, Name: ReportStatusNames[status],
			Number: Number{Count: byStatus[status], Link: link("reports", "status", status, "region", prefix)}})
	}
	for _, t := range []struct{ key, name string }{{model.ReportPayment, "问题反映"}, {model.ReportRisk, "自主申报"}} {
		st.ByType = append(st.ByType, StatusNumber{Status: t.key, Name: t.name,
			Number: Number{Count: byType[t.key], Link: link("reports", "type", t.key, "region", prefix)}})
	}

	// One pass over unfinished cases: a column per age bucket and one for late.
	sel := "SELECT "
	var sargs []any
	for i, b := range ageBuckets {
		if i > 0 {
			sel += ", "
		}
		cond := "r.created_at <= ?"
		sargs = append(sargs, now.AddDate(0, 0, -b.minD))
		if b.maxD > 0 {
			cond += " AND r.created_at > ?"
			sargs = append(sargs, now.AddDate(0, 0, -b.maxD))
		}
		sel += "SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END)"
	}
	// Late as report.Late means it: a deadline passed while still open.
	sel += ", SUM(CASE WHEN (r.status = ? AND r.first_deadline < ?) OR r.final_deadline < ? THEN 1 ELSE 0 END)"
	sargs = append(sargs, model.ReportOpen, now, now)
	sel += " FROM reports r WHERE r.status IN ? AND " + where
	sargs = append(append(sargs, []string{model.ReportOpen, model.ReportAcknowledged}), args...)
	counts := make([]*int64, len(ageBuckets)+1)
	dest := make([]any, len(counts))
	for i := range counts {
		counts[i] = new(int64)
		dest[i] = &nullInt{p: counts[i]}
	}
	if err := s.db.WithContext(ctx).Raw(sel, sargs...).Row().Scan(dest...); err != nil {
		return err
	}
	for i, b := range ageBuckets {
		from, to := "", now.In(s.o.Location).AddDate(0, 0, -b.minD).Format("2006-01-02")
		if b.maxD > 0 {
			from = now.In(s.o.Location).AddDate(0, 0, -b.maxD).Format("2006-01-02")
		}
		st.OpenAge = append(st.OpenAge, AgeNumber{Bucket: b.key, Name: b.name, MinDays: b.minD, MaxDays: b.maxD,
			Number: Number{Count: *counts[i], Link: link("reports", "status", "unfinished", "region", prefix, "filed_from", from, "filed_to", to)}})
	}
	st.Late = Number{Count: *counts[len(ageBuckets)], Link: link("reports", "late", "true", "region", prefix)}
	d.Reports = st
	return nil
}

// nullInt scans a nullable integer (SUM over no rows is NULL) as 0.
type nullInt struct{ p *int64 }

func (n *nullInt) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = 0
	case int64:
		*n.p = x
	case float64:
		*n.p = int64(x)
	case []byte:
		var i int64
		for _, c := range x {
			if c >= '0' && c <= '9' {
				i = i*10 + int64(c-'0')
			}
		}
		*n.p = i
	case string:
		return n.Scan([]byte(x))
	default:
		*n.p = 0
	}
	return nil
}

// JobStats are open postings, interest shown by the scope's households and
// 零就业家庭.
type JobStats struct {
	Open           Number `json:"open"`           // every open posting: people here may take work anywhere
	OpenInRegion   Number `json:"open_in_region"` // postings located in the scope
	Vacancies      int64  `json:"vacancies"`      // open headcount not yet filled
	Interests30d   Number `json:"interests_30d"`  // "I want this job" from the scope's households, last 30 days
	ZeroEmployment Number `json:"zero_employment"`
}

// A worker, for the zero-employment rule (the same rule as
// service/employment): an active member with labour, the wish to work, and
// not in school; a zero-employment household has one and nobody employed.
const zeroEmploymentCond = "h.status = 'active' AND EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id AND m.status = 'active' " +
	"AND m.labour_capacity IN ('full', 'weak', 'half') AND m.wish_to_work = ? AND m.in_school = ?) " +
	"AND NOT EXISTS (SELECT 1 FROM members e WHERE e.household_id = h.id AND e.status = 'active' AND e.employment_status = ?)"

func (s *Service) jobStats(ctx context.Context, scope model.Scope, now time.Time, d *Dashboard) error {
	prefix := prefixOf(scope)
	today := s.today()
	var open struct {
		N         int64
		Vacancies int64
	}
	if err := s.db.WithContext(ctx).Raw("SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN headcount > filled THEN headcount - filled ELSE 0 END), 0) AS vacancies "+
		"FROM jobs WHERE status = ? AND valid_until >= ?", "open", today).Scan(&open).Error; err != nil {
		return err
	}
	jwhere, jargs := regionCond("region_code", scope)
	inRegion, err := s.count(ctx, "SELECT COUNT(*) FROM jobs WHERE status = ? AND valid_until >= ? AND "+jwhere,
		append([]any{"open", today}, jargs...)...)
	if err != nil {
		return err
	}
	hwhere, hargs := regionCond("h.region_code", scope)
	interests, err := s.count(ctx, "SELECT COUNT(*) FROM job_interests ji JOIN households h ON h.id = ji.household_id WHERE ji.created_at >= ? AND "+hwhere,
		append([]any{now.AddDate(0, 0, -30)}, hargs...)...)
	if err != nil {
		return err
	}
	zero, err := s.count(ctx, "SELECT COUNT(*) FROM households h WHERE "+zeroEmploymentCond+" AND "+hwhere,
		append([]any{true, false, model.EmploymentEmployed}, hargs...)...)
	if err != nil {
		return err
	}
	d.Jobs = JobStats{
		Open:           Number{Count: open.N, Link: link("jobs", "status", "open")},
		OpenInRegion:   Number{Count: inRegion, Link: link("jobs", "status", "open", "region", prefix)},
		Vacancies:      open.Vacancies,
		Interests30d:   Number{Count: interests, Link: link("jobs", "status", "open", "sort", "interest")},
		ZeroEmployment: Number{Count: zero, Link: link("zero-employment", "region", prefix)},
	}
	return nil
}

// OutboxStateNames are the Chinese names of outbox states.
var OutboxStateNames = map[string]string{
	model.OutboxQueued: "排队中", model.OutboxLeased: "发送中", model.OutboxSent: "已发送", model.OutboxDead: "发送失败", model.OutboxSkipped: "未发送（无授权）",
}

var outboxStates = []string{model.OutboxSent, model.OutboxQueued, model.OutboxLeased, model.OutboxDead, model.OutboxSkipped}

// PushStats are the last 30 days' messages to people of the scope, by state.
type PushStats struct {
	Days    int            `json:"days"`
	ByState []StatusNumber `json:"by_state"`
}

func (s *Service) pushStats(ctx context.Context, scope model.Scope, now time.Time, d *Dashboard) error {
	from, fargs := outboxFrom(scope)
	var rows []struct {
		State string
		N     int64
	}
	q := "SELECT o.state AS state, COUNT(*) AS n " + from + " AND o.created_at >= ? GROUP BY o.state"
	if err := s.db.WithContext(ctx).Raw(q, append(fargs, now.AddDate(0, 0, -30))...).Scan(&rows).Error; err != nil {
		return err
	}
	by := map[string]int64{}
	for _, r := range rows {
		by[r.State] = r.N
	}
	st := PushStats{Days: 30}
	for _, state := range outboxStates {
		st.ByState = append(st.ByState, StatusNumber{Status: state, Name: OutboxStateNames[state],
			Number: Number{Count: by[state], Link: link("outbox", "state", state, "region", prefixOf(scope))}})
	}
	d.Pushes = st
	return nil
}
