package reminders

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

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

// digestRow is one cadre's day: counts and the most overdue households.
type digestRow struct {
	CadreID int64
	Overdue int
	Soon    int
	top     []dueHousehold // the most overdue, longest past due first
}

type dueHousehold struct {
	id   int64
	name string
	due  model.Date
}

// add counts one household and keeps it among the top n when it is one
// of the longest past due.
func (d *digestRow) add(h dueHousehold, overdue bool, n int) {
	if !overdue {
		d.Soon++
		return
	}
	d.Overdue++
	i := sort.Search(len(d.top), func(i int) bool {
		t := d.top[i]
		return h.due.Before(t.due) || (h.due == t.due && h.id < t.id)
	})
	if i >= n {
		return
	}
	d.top = append(d.top, dueHousehold{})
	copy(d.top[i+1:], d.top[i:])
	d.top[i] = h
	if len(d.top) > n {
		d.top = d.top[:n]
	}
}

// Digest queues each cadre's morning digest for today: how many paired
// households are overdue for a visit and how many fall due within the
// policy's due-soon days, and the most overdue by name; one message per
// cadre, none for a cadre with nothing due. It returns how many it queued;
// a second run the same day queues none.
//
// One statement reads the whole deployment's pairings that are due or
// nearly (the rest are filtered out in SQL), streamed and tallied per
// cadre as they come.
func (r *Reminders) Digest(ctx context.Context, today model.Date) (int, error) {
	set, setArgs, days := r.dueSet()
	soonCut, soonArgs := r.cutoffs(days, today, r.pol.VisitDueSoon+1)
	db := r.db.WithContext(ctx)
	rows, err := db.Raw(`SELECT x.cadre_id, x.household_id, x.head_name, x.base, x.period FROM (`+set+`) x WHERE x.base < `+soonCut,
		join(setArgs, soonArgs)...).Rows()
	if err != nil {
		return 0, fmt.Errorf("reminders: digest: %w", err)
	}
	defer rows.Close()
	byCadre := map[int64]*digestRow{}
	var cadres []int64
	for rows.Next() {
		var (
			cadreID, householdID int64
			name                 string
			base                 dbTime
			period               int
		)
		if err := rows.Scan(&cadreID, &householdID, &name, &base, &period); err != nil {
			return 0, fmt.Errorf("reminders: digest: %w", err)
		}
		due := model.DateOf(base.t.In(r.o.Location)).AddDays(period)
		overdue := due.Before(today)
		if !overdue && today.AddDays(r.pol.VisitDueSoon).Before(due) {
			continue // the SQL's cut is by instant, this by local date: the same but for rounding
		}
		d, ok := byCadre[cadreID]
		if !ok {
			d = &digestRow{CadreID: cadreID}
			byCadre[cadreID] = d
			cadres = append(cadres, cadreID)
		}
		d.add(dueHousehold{id: householdID, name: name, due: due}, overdue, r.o.DigestTop)
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("reminders: digest: %w", err)
	}
	rows.Close()

	var notices []push.UserNotice
	err = chunks(cadres, 500, func(ids []int64) error {
		var users []model.User
		if err := db.Select("id, cadre_id").Where("cadre_id IN ?", ids).Find(&users).Error; err != nil {
			return err
		}
		for _, u := range users {
			d := byCadre[*u.CadreID]
			notices = append(notices, push.UserNotice{UserID: u.ID, Notice: push.Notice{
				Kind:      KindVisitDigest,
				DedupeKey: fmt.Sprintf("visit_digest:%s:c%d:u%d", today, d.CadreID, u.ID),
				Data:      digestData(d, today),
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

func digestData(d *digestRow, today model.Date) map[string]string {
	households := "暂无逾期，请按期走访"
	if len(d.top) > 0 {
		names := make([]string, len(d.top))
		for i, h := range d.top {
			names[i] = pii.MaskName(h.name) + "户"
		}
		households = "优先走访：" + strings.Join(names, "、")
	}
	return map[string]string{
		"title":      "今日走访提醒",
		"overdue":    strconv.Itoa(d.Overdue),
		"soon":       strconv.Itoa(d.Soon),
		"households": households,
		"time":       dayText(today),
		"remark":     fmt.Sprintf("逾期%d户，即将到期%d户", d.Overdue, d.Soon),
	}
}

// dbTime reads an instant or a date however the driver hands it over:
// MySQL as time.Time, SQLite as text when it comes out of an expression
// (COALESCE, MAX) that lost the column's type.
type dbTime struct{ t time.Time }

var dbTimeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999", "2006-01-02"}

// Scan implements sql.Scanner.
func (d *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		d.t = x
		return nil
	case []byte:
		return d.parse(string(x))
	case string:
		return d.parse(x)
	}
	return fmt.Errorf("reminders: cannot read %T as a time", v)
}

func (d *dbTime) parse(s string) error {
	for _, l := range dbTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			d.t = t
			return nil
		}
	}
	return fmt.Errorf("reminders: %q is not a time", s)
}
