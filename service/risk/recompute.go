package risk

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/push"
)

// Summary says what a recomputation changed.
type Summary struct {
	AtRisk          int            `json:"at_risk"`  // households meeting at least one income rule
	Raised          map[string]int `json:"raised"`   // new flags by kind
	Cleared         map[string]int `json:"cleared"`  // flags no longer standing, by kind
	Elevated        int            `json:"elevated"` // households moved to 提级帮扶
	VillagesRaised  int            `json:"villages_raised"`
	VillagesCleared int            `json:"villages_cleared"`
	Notified        int            `json:"notified"` // outbox rows queued for cadres
	TookMS          int64          `json:"took_ms"`
}

// target is the set of households one run judges: one household, or every
// household under a region prefix ("" is everything).
type target struct {
	household int64
	prefix    string
}

// on restricts a statement to the target, given the qualified household
// id column and, when the table has one, its region column ("" makes it
// look the region up through households). The values are written into the
// SQL: they are an integer and a prefix of digits (RecomputeRegion checks
// it), never text from a request, and written in, MySQL plans the LIKE as
// an index range, which a placeholder of a prepared statement does not.
func (t target) on(idCol, regionCol string) string {
	switch {
	case t.household != 0:
		return idCol + " = " + strconv.FormatInt(t.household, 10)
	case t.prefix == "":
		return "1 = 1"
	case regionCol != "":
		return regionCol + " LIKE '" + t.prefix + "%'"
	}
	return idCol + " IN (SELECT id FROM households WHERE region_code LIKE '" + t.prefix + "%')"
}

// RecomputeHousehold judges one household's income flags inside tx, the
// transaction that changed its inputs (an income record, a plan, a
// pairing). Callers outside this package (pairing imports, the console)
// call it in their own transactions.
func (s *Service) RecomputeHousehold(ctx context.Context, tx *model.DB, householdID int64) (Summary, error) {
	return s.recompute(ctx, tx, target{household: householdID})
}

// RecomputeRegion judges every household under a region prefix (a county
// for the nightly scheduler, "" for the whole deployment) and the priority
// villages there, in one transaction, and writes one audit entry for the run.
func (s *Service) RecomputeRegion(ctx context.Context, who audit.Actor, prefix string) (Summary, error) {
	if !validPrefix(prefix) {
		return Summary{}, errBadRegion
	}
	var sum Summary
	err := s.regionTx(ctx, func(tx *model.DB) error {
		var err error
		if sum, err = s.recompute(ctx, tx, target{prefix: prefix}); err != nil {
			return err
		}
		if sum.VillagesRaised, sum.VillagesCleared, err = s.recomputeVillages(ctx, tx, prefix); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, who, audit.Event{Action: "flags.recompute", TargetKind: "region", RegionCode: prefix, Detail: sum})
	})
	return sum, err
}

// regionTx runs a region's recomputation in one transaction. On MySQL it
// reads committed data: under the default REPEATABLE READ, INSERT ...
// SELECT share-locks every row it reads, a county's incomes, pairings and
// plans, holding up cadres' writes for the whole run. Nothing here needs
// more than each statement seeing committed rows; a change that races the
// run recomputes its own household.
func (s *Service) regionTx(ctx context.Context, fn func(tx *model.DB) error) error {
	if s.db.Dialect != model.MySQL {
		return s.db.Tx(ctx, fn)
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&model.DB{DB: tx, Dialect: s.db.Dialect})
	}, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
}

// skipTaken ends a raising INSERT ... SELECT so that a flag another run
// raised in the meantime (a household's own recomputation racing the
// county's) is left as it is instead of failing the whole run on the
// active_key unique index.
func skipTaken(d model.Dialect, table string) string {
	if d == model.MySQL {
		return " ON DUPLICATE KEY UPDATE " + table + ".active_key = " + table + ".active_key"
	}
	return " ON CONFLICT DO NOTHING"
}

func newRunID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// recompute is the household part of a run: facts once, then per flag one
// UPDATE clearing what no longer holds and one INSERT ... SELECT raising
// what newly holds, then 提级帮扶 for households under the line or falling,
// then one notice per responsible cadre listing their households' new flags.
func (s *Service) recompute(ctx context.Context, tx *model.DB, t target) (Summary, error) {
	started := time.Now()
	sum := Summary{Raised: map[string]int{}, Cleared: map[string]int{}}
	run := newRunID()
	now := s.now().UTC().Truncate(time.Millisecond)
	db := tx.WithContext(ctx)

	n, err := s.writeFacts(ctx, tx, run, t)
	if err != nil {
		return sum, fmt.Errorf("risk: facts: %w", err)
	}
	sum.AtRisk = int(n)
	defer func() { // the scratch rows never outlive the run, whatever happens
		db.Exec("DELETE FROM flag_facts WHERE run_id = ?", run)
	}()

	key := concat(tx.Dialect, text(tx.Dialect, "f.household_id"), "':'", "?")
	detail := concat(tx.Dialect,
		`'{"per_capita_fen":'`, text(tx.Dialect, "f.per_capita_fen"),
		`',"previous_fen":'`, text(tx.Dialect, "f.previous_fen"),
		`',"line_fen":'`, text(tx.Dialect, "f.line_fen"),
		`',"priority_fen":'`, text(tx.Dialect, "f.priority_fen"),
		`',"growth_bp":'`, text(tx.Dialect, "f.growth_bp"),
		`',"has_plan":'`, text(tx.Dialect, "f.has_plan"),
		`',"has_leader":'`, text(tx.Dialect, "f.has_leader"),
		`',"income_only":'`, text(tx.Dialect, "f.income_only"),
		`',"in_year_fall":'`, text(tx.Dialect, "f.in_year_fall"), `'}'`)
	flaggedIn := t.on("household_flags.household_id", "")
	for _, r := range rules {
		// Clearing first also clears a flag whose year moved on (a new
		// year's record), so that the raise below stamps it with the new year.
		res := db.Exec(`UPDATE household_flags SET cleared_at = ?, active_key = NULL
			WHERE cleared_at IS NULL AND flag = ? AND `+flaggedIn+`
			AND NOT EXISTS (SELECT 1 FROM flag_facts f WHERE f.run_id = ? AND f.household_id = household_flags.household_id
				AND f.year = household_flags.year AND `+r.cond+`)`,
			now, r.flag, run)
		if res.Error != nil {
			return sum, fmt.Errorf("risk: clear %s: %w", r.flag, res.Error)
		}
		sum.Cleared[r.flag] = int(res.RowsAffected)
		res = db.Exec(`INSERT INTO household_flags (household_id, flag, year, detail, raised_at, active_key, run_id)
			SELECT f.household_id, ?, f.year, `+detail+`, ?, `+key+`, f.run_id
			FROM flag_facts f
			WHERE f.run_id = ? AND `+r.cond+`
			AND NOT EXISTS (SELECT 1 FROM household_flags hf WHERE hf.household_id = f.household_id AND hf.flag = ? AND hf.cleared_at IS NULL)`+
			skipTaken(tx.Dialect, "household_flags"),
			r.flag, now, r.flag, run, r.flag)
		if res.Error != nil {
			return sum, fmt.Errorf("risk: raise %s: %w", r.flag, res.Error)
		}
		sum.Raised[r.flag] = int(res.RowsAffected)
	}

	// 提级帮扶 follows from the rule (DOMAIN.md, condElevate); it is never lowered here,
	// because leaving it (有序退出) is an official's decision.
	res := db.Exec(`UPDATE households SET support_level = ?, updated_at = ?
		WHERE support_level <> ? AND `+t.on("households.id", "households.region_code")+`
		AND EXISTS (SELECT 1 FROM flag_facts f WHERE f.run_id = ? AND f.household_id = households.id AND `+condElevate+`)`,
		model.SupportElevated, now, model.SupportElevated, run)
	if res.Error != nil {
		return sum, fmt.Errorf("risk: elevate: %w", res.Error)
	}
	sum.Elevated = int(res.RowsAffected)

	if sum.Notified, err = s.notifyRaised(ctx, tx, run); err != nil {
		return sum, fmt.Errorf("risk: notify: %w", err)
	}
	sum.TookMS = time.Since(started).Milliseconds()
	return sum, nil
}

// writeFacts stores each target household's latest year of income with the
// year before and the thresholds that apply, in one INSERT ... SELECT. The
// thresholds are CASE expressions with the policy's numbers written in
// (integers and digit prefixes: see target.on for why).
func (s *Service) writeFacts(ctx context.Context, tx *model.DB, run string, t target) (int64, error) {
	db := tx.WithContext(ctx)
	var span struct{ Lo, Hi *int }
	q := db.Table("income_records").Select("MIN(year) AS lo, MAX(year) AS hi").Where("is_current = ?", true)
	if t.household != 0 {
		q = q.Where("household_id = ?", t.household)
	}
	if err := q.Scan(&span).Error; err != nil {
		return 0, err
	}
	if span.Lo == nil {
		return 0, nil
	}
	line, priority, growth, incomeOnly := thresholdCases(s.policy, "h.region_code", "cur.year", *span.Lo, *span.Hi)
	inYearJoins, inYear, inYearArgs := s.inYearFall(t)
	// Each household's latest year comes from one grouped pass over the
	// target's current records (a correlated MAX per household costs three
	// times as much on MariaDB). Only households meeting some rule are written: a flag of a household
	// with no facts row is cleared, which is right for the rest, and most
	// households of a county meet none, so the scratch rows stay few.
	res := db.Exec(`INSERT INTO flag_facts (run_id, household_id, year, per_capita_fen, previous_fen, line_fen, priority_fen, growth_bp, has_plan, has_leader,
			income_only, in_year_fall)
		SELECT f.run_id, f.household_id, f.year, f.per_capita_fen, f.previous_fen, f.line_fen, f.priority_fen, f.growth_bp, f.has_plan, f.has_leader,
			f.income_only, f.in_year_fall
		FROM (SELECT ? AS run_id, h.id AS household_id, cur.year AS year, cur.per_capita_fen AS per_capita_fen,
				prev.per_capita_fen AS previous_fen, `+line+` AS line_fen, `+priority+` AS priority_fen, `+growth+` AS growth_bp,
				CASE WHEN EXISTS (SELECT 1 FROM income_plans ip WHERE ip.household_id = h.id) THEN 1 ELSE 0 END AS has_plan,
				CASE WHEN EXISTS (SELECT 1 FROM pairings lp WHERE lp.household_id = h.id AND lp.role = ? AND lp.ended_on IS NULL) THEN 1 ELSE 0 END AS has_leader,
				`+incomeOnly+` AS income_only, `+inYear+` AS in_year_fall
			FROM households h
			JOIN (SELECT household_id, MAX(year) AS year FROM income_records
				WHERE is_current = ? AND `+t.on("household_id", "")+` GROUP BY household_id) ly ON ly.household_id = h.id
			JOIN income_records cur ON cur.household_id = h.id AND cur.is_current = ? AND cur.year = ly.year
			LEFT JOIN income_records prev ON prev.household_id = h.id AND prev.is_current = ? AND prev.year = ly.year - 1`+
		inYearJoins+`
			WHERE h.status = ? AND `+t.on("h.id", "h.region_code")+`) f
		WHERE `+condAny,
		append(append([]any{run, model.RoleLeader, true, true, true}, inYearArgs...), "active")...)
	return res.RowsAffected, res.Error
}

// notifyRaised tells each responsible cadre, in one notice per cadre and
// run, which of their households got new flags in this run. One notice per flag would bury a cadre in messages on a
// county's first run and spend a subscribe-message consent on each; a flag
// is raised once while it stands, so no flag is announced twice.
//
// Low growth alone is not news for a cadre when the household is above the
// priority bound (a well-off household growing 3 %): the flag stands for
// officials' lists, but the notice names it only for households under the
// bound, where it is part of what makes a 重点帮扶户.
func (s *Service) notifyRaised(ctx context.Context, tx *model.DB, run string) (int, error) {
	var raised []struct {
		HouseholdID int64
		Flag        string
		HeadName    string
		CadreID     int64
	}
	err := tx.WithContext(ctx).Raw(`SELECT hf.household_id, hf.flag, h.head_name, p.cadre_id
		FROM household_flags hf
		JOIN households h ON h.id = hf.household_id
		JOIN pairings p ON p.household_id = hf.household_id AND p.role = ? AND p.ended_on IS NULL
		JOIN flag_facts f ON f.run_id = hf.run_id AND f.household_id = hf.household_id
		WHERE hf.run_id = ? AND hf.cleared_at IS NULL AND (hf.flag <> ? OR f.per_capita_fen < f.priority_fen)
		ORDER BY p.cadre_id, hf.household_id, hf.id`,
		model.RoleResponsible, run, model.FlagLowGrowth).Scan(&raised).Error
	if err != nil || len(raised) == 0 {
		return 0, err
	}
	var notices []push.CadreNotice
	for i := 0; i < len(raised); {
		cadre := raised[i].CadreID
		var lines []string
		households := 0
		for ; i < len(raised) && raised[i].CadreID == cadre; households++ {
			h := raised[i]
			var names []string
			for ; i < len(raised) && raised[i].CadreID == cadre && raised[i].HouseholdID == h.HouseholdID; i++ {
				names = append(names, nameOf(raised[i].Flag))
			}
			if len(lines) < 3 {
				lines = append(lines, pii.MaskName(h.HeadName)+"户（"+strings.Join(names, "、")+"）")
			}
		}
		list := strings.Join(lines, "；")
		if households > len(lines) {
			list += fmt.Sprintf("等%d户", households)
		}
		notices = append(notices, push.CadreNotice{CadreID: cadre, Notice: push.Notice{
			Kind:      "household_flags",
			DedupeKey: fmt.Sprintf("flags:%d:%s", cadre, run),
			Data: map[string]string{
				"title":      "结对户风险提示",
				"count":      fmt.Sprintf("%d户", households),
				"households": list,
				"remark":     "请尽快入户核实，制定或调整帮扶措施",
			},
			Page: "pages/cadre/households?due=all",
		}})
	}
	return push.EnqueueCadres(ctx, tx, notices)
}

// recomputeVillages raises and clears 重点村 (file 002) under prefix: the
// people of monitored households over the monitored share of the village's
// rural population, or 脱贫 and monitored people at the covered share or more
// and at least the minimum number. Villages without a rural population on
// file cannot be judged and are left alone.
func (s *Service) recomputeVillages(ctx context.Context, tx *model.DB, prefix string) (raised, cleared int, err error) {
	rule := s.policy.PriorityVillage
	monitoredBP := int64(rule.MonitoredSharePercent*100 + 0.5)
	coveredBP := int64(rule.CoveredSharePercent*100 + 0.5)
	qualifying := `SELECT r.code, r.rural_population, s.monitored, s.covered FROM regions r
		JOIN (SELECT region_code, SUM(CASE WHEN class <> ? THEN size ELSE 0 END) AS monitored, SUM(size) AS covered
			FROM households WHERE status = ? AND region_code LIKE ? GROUP BY region_code) s ON s.region_code = r.code
		WHERE r.level = ? AND r.rural_population > 0
		AND (s.monitored * 10000 > ? * r.rural_population OR (s.covered * 10000 >= ? * r.rural_population AND s.covered >= ?))`
	qArgs := []any{model.ClassPovertyAlleviated, "active", prefix + "%", model.LevelVillage, monitoredBP, coveredBP, rule.CoveredMinPeople}
	now := s.now().UTC().Truncate(time.Millisecond)
	db := tx.WithContext(ctx)
	res := db.Exec(`UPDATE village_flags SET cleared_at = ?, active_key = NULL
		WHERE cleared_at IS NULL AND flag = ? AND region_code LIKE ?
		AND region_code NOT IN (SELECT q.code FROM (`+qualifying+`) q)`,
		append([]any{now, model.FlagPriorityVillage, prefix + "%"}, qArgs...)...)
	if res.Error != nil {
		return 0, 0, res.Error
	}
	cleared = int(res.RowsAffected)
	d := tx.Dialect
	detail := concat(d, `'{"monitored_people":'`, text(d, "q.monitored"), `',"covered_people":'`, text(d, "q.covered"),
		`',"rural_population":'`, text(d, "q.rural_population"), `'}'`)
	args := []any{model.FlagPriorityVillage, s.today().Year, now, model.FlagPriorityVillage}
	args = append(args, qArgs...)
	args = append(args, model.FlagPriorityVillage)
	res = db.Exec(`INSERT INTO village_flags (region_code, flag, year, detail, raised_at, active_key)
		SELECT q.code, ?, ?, `+detail+`, ?, `+concat(d, "q.code", "':'", "?")+`
		FROM (`+qualifying+`) q
		WHERE NOT EXISTS (SELECT 1 FROM village_flags v WHERE v.region_code = q.code AND v.flag = ? AND v.cleared_at IS NULL)`+
		skipTaken(d, "village_flags"), args...)
	if res.Error != nil {
		return 0, 0, res.Error
	}
	return int(res.RowsAffected), cleared, nil
}

// RecomputeFlags is the scheduler's daily job: the whole deployment's flags
// recomputed, returning how many were newly raised.
func (s *Service) RecomputeFlags(ctx context.Context, now time.Time) (int, error) {
	sum, err := s.RecomputeRegion(ctx, audit.System, "")
	raised := sum.VillagesRaised
	for _, n := range sum.Raised {
		raised += n
	}
	return raised, err
}
