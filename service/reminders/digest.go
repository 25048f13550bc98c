package reminders

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/push"
)

// KindVisitDigest is the kind of the cadres' morning digest.
const KindVisitDigest = "visit_digest"

// periodSQL is the visit period of a household (h) in days, by its support
// level and the longest region prefix in the policy's visit_periods: the
// rule of config.Policy.VisitPeriodDays written as one CASE, so the whole
// deployment is judged in one statement. It returns the SQL, its
// arguments and every period it can yield.
func periodSQL(p *config.Policy) (string, []any, []int) {
	var args []any
	seen := map[int]bool{}
	caseFor := func(class string) string {
		var rules []config.VisitPeriod
		for _, v := range p.VisitPeriods {
			if v.Class == class && v.Region != "" {
				rules = append(rules, v)
			}
		}
		sort.SliceStable(rules, func(i, j int) bool { return len(rules[i].Region) > len(rules[j].Region) })
		fallback := p.VisitPeriodDays("", class)
		seen[fallback] = true
		if len(rules) == 0 {
			return strconv.Itoa(fallback)
		}
		var b strings.Builder
		b.WriteString("(CASE")
		for _, v := range rules {
			b.WriteString(" WHEN h.region_code LIKE ? THEN " + strconv.Itoa(v.Days))
			args = append(args, v.Region+"%")
			seen[v.Days] = true
		}
		b.WriteString(" ELSE " + strconv.Itoa(fallback) + " END)")
		return b.String()
	}
	elevated := caseFor("elevated")
	normal := caseFor("default")
	sql := "CASE WHEN h.support_level = '" + model.SupportElevated + "' THEN " + elevated + " ELSE " + normal + " END"
	var days []int
	for d := range seen {
		days = append(days, d)
	}
	sort.Ints(days)
	return sql, args, days
}

// join concatenates argument lists into a new one.
func join(lists ...[]any) []any {
	var out []any
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// dueSet is the SQL of every active pairing of an active cadre with a
// WeChat user to an active household: the cadre, the household, the base
// its next visit is due from (the last current visit, or the pairing's
// start), and its visit period.
func (r *Reminders) dueSet() (string, []any, []int) {
	period, args, days := periodSQL(r.pol)
	sql := `SELECT pr.cadre_id, h.id AS household_id, h.head_name,
			COALESCE((SELECT MAX(vv.visited_at) FROM visits vv WHERE vv.household_id = h.id AND vv.is_current = ?), pr.started_on) AS base,
			` + period + ` AS period
		FROM pairings pr
		JOIN households h ON h.id = pr.household_id
		JOIN cadres c ON c.id = pr.cadre_id
		WHERE pr.ended_on IS NULL AND h.status = 'active' AND c.status = 'active'
			AND pr.cadre_id IN (SELECT u.cadre_id FROM users u WHERE u.cadre_id IS NOT NULL)`
	return sql, join([]any{true}, args), days
}

// cutoffs is "CASE x.period WHEN 30 THEN ? ... END" with, per period, the
// instant before which a base makes the visit due by that local day.
func (r *Reminders) cutoffs(days []int, today model.Date, offset int) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString("(CASE x.period")
	for _, d := range days {
		b.WriteString(" WHEN " + strconv.Itoa(d) + " THEN ?")
		args = append(args, r.midnight(today.AddDays(offset-d)))
	}
	b.WriteString(" END)")
	return b.String(), args
}

// dueDate is the SQL of base plus period days: when the next visit is
// due, to put the most overdue household first whatever its period.
func (r *Reminders) dueDate(base, period string) string {
	if r.db.Dialect == model.SQLite {
		return "datetime(" + base + ", '+' || " + period + " || ' days')"
	}
	return "DATE_ADD(" + base + ", INTERVAL " + period + " DAY)"
}

// digestRow is one cadre's counts.
type digestRow struct {
	CadreID int64
	Overdue int
	Soon    int
	Total   int
}

// Digest queues each cadre's morning digest for today: how many paired
// households are overdue for a visit and how many fall due within the
// policy's due-soon days, and the most overdue by name; one message per
// cadre, none for a cadre with nothing due. It returns how many it queued;
// a second run the same day queues none.
func (r *Reminders) Digest(ctx context.Context, today model.Date) (int, error) {
	set, setArgs, days := r.dueSet()
	overdueCut, overdueArgs := r.cutoffs(days, today, 0)
	soonCut, soonArgs := r.cutoffs(days, today, r.pol.VisitDueSoon+1)
	db := r.db.WithContext(ctx)

	var counts []digestRow
	args := join(overdueArgs, overdueArgs, soonArgs, setArgs)
	err := db.Raw(`SELECT x.cadre_id,
			SUM(CASE WHEN x.base < `+overdueCut+` THEN 1 ELSE 0 END) AS overdue,
			SUM(CASE WHEN x.base >= `+overdueCut+` AND x.base < `+soonCut+` THEN 1 ELSE 0 END) AS soon,
			COUNT(*) AS total
		FROM (`+set+`) x GROUP BY x.cadre_id`, args...).Scan(&counts).Error
	if err != nil {
		return 0, fmt.Errorf("reminders: digest counts: %w", err)
	}
	var top []struct {
		CadreID     int64
		HouseholdID int64
		HeadName    string
	}
	err = db.Raw(`SELECT y.cadre_id, y.household_id, y.head_name FROM (
			SELECT x.cadre_id, x.household_id, x.head_name,
				ROW_NUMBER() OVER (PARTITION BY x.cadre_id ORDER BY `+r.dueDate("x.base", "x.period")+`, x.household_id) AS rn
			FROM (`+set+`) x WHERE x.base < `+overdueCut+`
		) y WHERE y.rn <= ? ORDER BY y.cadre_id, y.rn`, join(setArgs, overdueArgs, []any{r.o.DigestTop})...).Scan(&top).Error
	if err != nil {
		return 0, fmt.Errorf("reminders: digest households: %w", err)
	}
	names := map[int64][]string{}
	for _, t := range top {
		names[t.CadreID] = append(names[t.CadreID], pii.MaskName(t.HeadName)+"户")
	}

	due := map[int64]digestRow{}
	var cadres []int64
	for _, c := range counts {
		if c.Overdue+c.Soon > 0 {
			due[c.CadreID] = c
			cadres = append(cadres, c.CadreID)
		}
	}
	var notices []push.UserNotice
	err = chunks(cadres, 500, func(ids []int64) error {
		var users []model.User
		if err := db.Select("id, cadre_id").Where("cadre_id IN ?", ids).Find(&users).Error; err != nil {
			return err
		}
		for _, u := range users {
			c := due[*u.CadreID]
			notices = append(notices, push.UserNotice{UserID: u.ID, Notice: push.Notice{
				Kind:      KindVisitDigest,
				DedupeKey: fmt.Sprintf("visit_digest:%s:c%d:u%d", today, c.CadreID, u.ID),
				Data:      digestData(c, names[c.CadreID], today),
				Page:      "pages/cadre/households?due=overdue",
			}})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return push.EnqueueUsers(ctx, r.db, notices)
}

func digestData(c digestRow, names []string, today model.Date) map[string]string {
	households := "暂无逾期，请按期走访"
	if len(names) > 0 {
		households = "优先走访：" + strings.Join(names, "、")
	}
	return map[string]string{
		"title":      fmt.Sprintf("今日走访提醒（结对%d户）", c.Total),
		"overdue":    strconv.Itoa(c.Overdue),
		"soon":       strconv.Itoa(c.Soon),
		"households": households,
		"time":       dayText(today),
		"remark":     fmt.Sprintf("逾期%d户，即将到期%d户", c.Overdue, c.Soon),
	}
}
