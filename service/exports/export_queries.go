package exports

// The queries behind the lists. Their meaning belongs to the issues that
// own the data (payments: issue 5, jobs and employment: issue 6, visits:
// issue 7); they are written here, set-based, to the same rules, and may be
// swapped for those services' own queries:
//
//	overdue payment     status scheduled and due_date + XB_PAYMENT_GRACE_DAYS < today
//	unvisited household not cancelled, and no current, undenied visit within its period
//	                    (config.Policy.VisitPeriodDays by region; support_level normal →
//	                    "default", elevated → "elevated"), counted from its last such visit
//	                    or, never visited, from when it was put on file
//	零就业家庭          not cancelled; at least one active member with labour (full, weak,
//	                    half) who wishes to work, and no active member employed
//	late report         status open or acknowledged and final_deadline < now

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
)

// stream runs q and scans each row into a T.
func stream[T any](ctx context.Context, q *gorm.DB, emit func(*T) error) error {
	rows, err := q.WithContext(ctx).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r T
		if err := q.ScanRows(rows, &r); err != nil {
			return err
		}
		if err := emit(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// cadresOf lists the cadres paired with a household now, for the lists
// that ask "who should have seen to this".
const cadresOf = `(SELECT GROUP_CONCAT(c.name) FROM pairings pr JOIN cadres c ON c.id = pr.cadre_id
  WHERE pr.household_id = h.id AND pr.ended_on IS NULL) AS cadres`

func (s *Service) overduePayments(scope model.Scope) list {
	today := s.today()
	cutoff := today.AddDays(-s.o.GraceDays)
	type row struct {
		HouseholdNo, HeadName, Town, Village, RegionCode, ItemName, Period, BatchNo string
		PhoneMasked, MemberName, IDCardMasked                                       sql.NullString
		AmountFen                                                                   int64
		DueDate                                                                     model.Date
	}
	return list{
		cols: []column{{"户编号", 22}, {"户主姓名", 10}, {"联系电话", 14}, {"乡镇", 12}, {"村", 12}, {"区划代码", 14}, {"补贴项目", 22},
			{"发放期间", 10}, {"批次", 10}, {"金额（元）", 12}, {"应发日期", 12}, {"逾期天数", 10}, {"领取人", 10}, {"领取人身份证号", 22}},
		each: func(ctx context.Context, emit func([]any) error) error {
			q := s.db.Table("payments AS p").
				Select(`h.household_no, h.head_name, h.phone_masked, COALESCE(t.name, '') AS town, COALESCE(r.name, '') AS village,
					p.region_code, i.name AS item_name, p.period, p.batch_no, p.amount_fen, p.due_date, m.name AS member_name,
					m.id_card_masked`).
				Joins("JOIN households AS h ON h.id = p.household_id").
				Joins("JOIN subsidy_items AS i ON i.code = p.item_code").
				Joins("LEFT JOIN regions AS r ON r.code = p.region_code").
				Joins("LEFT JOIN regions AS t ON t.code = r.parent_code").
				Joins("LEFT JOIN members AS m ON m.id = p.member_id").
				Where("p.status = ? AND p.due_date < ?", model.PaymentScheduled, cutoff).
				Order("p.due_date, p.id")
			q = scope.Households(q, "p.household_id", "p.region_code")
			return stream(ctx, q, func(r *row) error {
				return emit([]any{r.HouseholdNo, r.HeadName, r.PhoneMasked.String, r.Town, r.Village, r.RegionCode, r.ItemName,
					r.Period, r.BatchNo, yuan(r.AmountFen), r.DueDate.String(), r.DueDate.DaysUntil(today), r.MemberName.String,
					r.IDCardMasked.String})
			})
		},
	}
}

func (s *Service) unvisitedHouseholds(scope model.Scope) list {
	now := s.o.Now()
	today := s.today()
	due, args := s.visitCutoff(now)
	type row struct {
		HouseholdNo, HeadName, Class, SupportLevel, RegionCode, Town, Village string
		PhoneMasked, Cadres                                                   sql.NullString
		LastVisit, OnFile                                                     flexTime
	}
	return list{
		cols: []column{{"户编号", 22}, {"户主姓名", 10}, {"联系电话", 14}, {"乡镇", 12}, {"村", 12}, {"区划代码", 14}, {"户类型", 14},
			{"帮扶等级", 10}, {"走访周期（天）", 14}, {"最近走访", 18}, {"超期天数", 10}, {"结对干部", 24}},
		each: func(ctx context.Context, emit func([]any) error) error {
			q := s.db.Table("households AS h").
				Select(`h.household_no, h.head_name, h.phone_masked, h.class, h.support_level, h.region_code,
					COALESCE(t.name, '') AS town, COALESCE(r.name, '') AS village, lv.last_visit, h.created_at AS on_file, `+cadresOf).
				Joins("LEFT JOIN regions AS r ON r.code = h.region_code").
				Joins("LEFT JOIN regions AS t ON t.code = r.parent_code").
				Joins(`LEFT JOIN (SELECT household_id, MAX(visited_at) AS last_visit FROM visits
					WHERE is_current = ? AND confirmation <> ? GROUP BY household_id) AS lv ON lv.household_id = h.id`, true, "denied").
				Where("h.status <> ?", model.HouseholdCancelled).
				Where("COALESCE(lv.last_visit, h.created_at) < "+due, args...).
				Order("h.region_code, h.household_no")
			q = scope.Households(q, "h.id", "h.region_code")
			return stream(ctx, q, func(r *row) error {
				period := s.policy.VisitPeriodDays(r.RegionCode, visitClass(r.SupportLevel))
				since := r.LastVisit.t
				if since.IsZero() {
					since = r.OnFile.t
				}
				late := model.DateOf(since.In(s.o.Location)).AddDays(period).DaysUntil(today)
				last := ""
				if !r.LastVisit.t.IsZero() {
					last = s.shown(&r.LastVisit.t)
				} else {
					last = "从未走访"
				}
				return emit([]any{r.HouseholdNo, r.HeadName, r.PhoneMasked.String, r.Town, r.Village, r.RegionCode,
					model.HouseholdClasses[r.Class], supportName(r.SupportLevel), period, last, late, r.Cadres.String})
			})
		},
	}
}

// visitCutoff is a CASE expression giving each household the time before
// which its last visit is too old, from the policy's visit periods: the
// longest matching region prefix of its class wins, as VisitPeriodDays
// decides.
func (s *Service) visitCutoff(now time.Time) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("CASE")
	for _, class := range []string{"elevated", "default"} {
		level := model.SupportNormal
		if class == "elevated" {
			level = model.SupportElevated
		}
		var rules []struct {
			prefix string
			days   int
		}
		for _, v := range s.policy.VisitPeriods {
			if v.Class == class {
				rules = append(rules, struct {
					prefix string
					days   int
				}{v.Region, v.Days})
			}
		}
		sort.SliceStable(rules, func(i, j int) bool { return len(rules[i].prefix) > len(rules[j].prefix) })
		for _, r := range rules {
			b.WriteString(" WHEN h.support_level = ? AND h.region_code LIKE ? THEN ?")
			args = append(args, level, r.prefix+"%", now.AddDate(0, 0, -r.days).UTC())
		}
		// No rule for the region: the policy's own fallback.
		b.WriteString(" WHEN h.support_level = ? THEN ?")
		args = append(args, level, now.AddDate(0, 0, -s.policy.VisitPeriodDays("\x00", class)).UTC())
	}
	b.WriteString(" ELSE ? END")
	args = append(args, now.AddDate(0, 0, -s.policy.VisitPeriodDays("\x00", "default")).UTC())
	return b.String(), args
}

func visitClass(supportLevel string) string {
	if supportLevel == model.SupportElevated {
		return "elevated"
	}
	return "default"
}

func supportName(level string) string {
	if level == model.SupportElevated {
		return "提级帮扶"
	}
	return "常规帮扶"
}

// labourWilling is an active member with labour who wishes to work.
const labourWilling = `m.household_id = h.id AND m.status = 'active' AND m.labour_capacity IN ('full', 'weak', 'half')
  AND m.wish_to_work = ?`

func (s *Service) zeroEmployment(scope model.Scope) list {
	type row struct {
		HouseholdNo, HeadName, Class, RegionCode, Town, Village string
		PhoneMasked, Cadres                                     sql.NullString
		Willing                                                 int
	}
	return list{
		cols: []column{{"户编号", 22}, {"户主姓名", 10}, {"联系电话", 14}, {"乡镇", 12}, {"村", 12}, {"区划代码", 14}, {"户类型", 14},
			{"有劳动能力且有务工意愿人数", 16}, {"结对干部", 24}},
		each: func(ctx context.Context, emit func([]any) error) error {
			q := s.db.Table("households AS h").
				Select(`h.household_no, h.head_name, h.phone_masked, h.class, h.region_code, COALESCE(t.name, '') AS town,
					COALESCE(r.name, '') AS village, (SELECT COUNT(*) FROM members m WHERE `+labourWilling+`) AS willing, `+cadresOf, true).
				Joins("LEFT JOIN regions AS r ON r.code = h.region_code").
				Joins("LEFT JOIN regions AS t ON t.code = r.parent_code").
				Where("h.status <> ?", model.HouseholdCancelled).
				Where("EXISTS (SELECT 1 FROM members m WHERE "+labourWilling+")", true).
				Where("NOT EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id AND m.status = 'active' AND m.employment_status = ?)",
					model.EmploymentEmployed).
				Order("h.region_code, h.household_no")
			q = scope.Households(q, "h.id", "h.region_code")
			return stream(ctx, q, func(r *row) error {
				return emit([]any{r.HouseholdNo, r.HeadName, r.PhoneMasked.String, r.Town, r.Village, r.RegionCode,
					model.HouseholdClasses[r.Class], r.Willing, r.Cadres.String})
			})
		},
	}
}

// Report words: what the API stores, as officials say it.
var (
	reportTypes    = map[string]string{"payment": "问题反映", "risk": "自主申报"}
	reportStatuses = map[string]string{"open": "待受理", "acknowledged": "处理中"}
	reportKinds    = map[string]string{"not_received": "未收到补贴", "late": "发放延迟", "wrong_amount": "金额不对", "other": "其他"}
)

func (s *Service) lateReports(scope model.Scope) list {
	now := s.o.Now().UTC()
	type row struct {
		ID                                                                               int64
		Type, Kind, Status, Department, HouseholdNo, HeadName, RegionCode, Town, Village string
		PhoneMasked, Cadre                                                               sql.NullString
		EscalationLevel                                                                  int
		CreatedAt, FinalDeadline                                                         flexTime
	}
	return list{
		cols: []column{{"编号", 8}, {"类型", 10}, {"事项", 12}, {"状态", 8}, {"户编号", 22}, {"户主姓名", 10}, {"联系电话", 14},
			{"乡镇", 12}, {"村", 12}, {"提交时间", 18}, {"办结期限", 18}, {"超期天数", 10}, {"已升级", 8}, {"责任部门", 16}, {"负责干部", 10}},
		each: func(ctx context.Context, emit func([]any) error) error {
			q := s.db.Table("reports AS rp").
				Select(`rp.id, rp.type, rp.kind, rp.status, rp.department, rp.escalation_level, rp.created_at, rp.final_deadline,
					h.household_no, h.head_name, h.phone_masked, rp.region_code, COALESCE(t.name, '') AS town,
					COALESCE(r.name, '') AS village, c.name AS cadre`).
				Joins("JOIN households AS h ON h.id = rp.household_id").
				Joins("LEFT JOIN regions AS r ON r.code = rp.region_code").
				Joins("LEFT JOIN regions AS t ON t.code = r.parent_code").
				Joins("LEFT JOIN cadres AS c ON c.id = rp.assigned_cadre_id").
				Where("rp.status IN ? AND rp.final_deadline < ?", []string{"open", "acknowledged"}, now).
				Order("rp.final_deadline, rp.id")
			q = scope.Households(q, "rp.household_id", "rp.region_code")
			return stream(ctx, q, func(r *row) error {
				late := int(now.Sub(r.FinalDeadline.t).Hours() / 24)
				kind := reportKinds[r.Kind]
				if kind == "" {
					kind = r.Kind
				}
				escalated := ""
				if r.EscalationLevel > 0 {
					escalated = fmt.Sprintf("%d级", r.EscalationLevel)
				}
				return emit([]any{r.ID, reportTypes[r.Type], kind, reportStatuses[r.Status], r.HouseholdNo, r.HeadName,
					r.PhoneMasked.String, r.Town, r.Village, s.shown(&r.CreatedAt.t), s.shown(&r.FinalDeadline.t), late, escalated,
					r.Department, r.Cadre.String})
			})
		},
	}
}

// flexTime scans a time from either driver, and from SQLite expressions
// (MAX, COALESCE) that come back as text.
type flexTime struct{ t time.Time }

func (f *flexTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		f.t = time.Time{}
	case time.Time:
		f.t = x
	case string:
		return f.parse(x)
	case []byte:
		return f.parse(string(x))
	default:
		return fmt.Errorf("exports: cannot scan %T as a time", v)
	}
	return nil
}

// Value makes flexTime a column type for gorm; it is only ever read.
func (f flexTime) Value() (driver.Value, error) {
	if f.t.IsZero() {
		return nil, nil
	}
	return f.t, nil
}

func (f *flexTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			f.t = t
			return nil
		}
	}
	return fmt.Errorf("exports: %q is not a time", s)
}
