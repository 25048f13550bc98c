package main

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
)

// The county: 419901, 20 towns of 20 villages, households spread evenly
// over the 400 villages, nine responsible cadres per village (about 28
// households each), a township leader per town.
const (
	villages        = 400
	cadresByVillage = 9
)

// load empties the database and writes the county with set-based
// statements; household n (0-based) gets id n+1, responsible cadre i id
// i+1 (one INSERT ... SELECT takes consecutive ids; the check at the end
// makes sure).
func load(ctx context.Context, db *model.DB, n int) (time.Duration, error) {
	start := time.Now()
	conn := db.WithContext(ctx)
	steps := []string{"CREATE TABLE IF NOT EXISTS bench_seq (n INT NOT NULL PRIMARY KEY)", "SET FOREIGN_KEY_CHECKS = 0"}
	for _, t := range []string{"audit_log", "push_outbox", "household_flags", "village_flags", "flag_facts", "visits", "income_plans",
		"income_records", "users", "pairings", "members", "households", "cadres", "regions", "bench_seq"} {
		steps = append(steps, "TRUNCATE TABLE "+t)
	}
	steps = append(steps, "SET FOREIGN_KEY_CHECKS = 1", "INSERT INTO bench_seq (n) VALUES (0)")
	// One connection: FOREIGN_KEY_CHECKS is a session setting.
	if err := conn.Connection(func(tx *gorm.DB) error { return execAll(&model.DB{DB: tx, Dialect: db.Dialect}, steps) }); err != nil {
		return 0, err
	}
	for size := 1; size < n; size *= 2 {
		if err := conn.Exec("INSERT INTO bench_seq (n) SELECT n + ? FROM bench_seq WHERE n + ? < ?", size, size, n).Error; err != nil {
			return 0, err
		}
	}
	now := time.Now().UTC()
	year := now.Year() - 1
	village := "CONCAT('419901', LPAD(100 + %[1]s DIV 20, 3, '0'), LPAD(200 + %[1]s MOD 20, 3, '0'))"
	steps = []string{
		`INSERT INTO regions (code, name, level, parent_code, rural_population, created_at, updated_at)
			VALUES ('419901000000', '基准县', 3, NULL, 0, NOW(), NOW())`,
		`INSERT INTO regions (code, name, level, parent_code, rural_population, created_at, updated_at)
			SELECT CONCAT('419901', LPAD(100 + n, 3, '0'), '000'), CONCAT('镇', n), 4, '419901000000', 0, NOW(), NOW() FROM bench_seq WHERE n < 20`,
		// Rural populations of 1,500 to 6,000: some villages cross the 重点村 lines.
		fmt.Sprintf(`INSERT INTO regions (code, name, level, parent_code, rural_population, created_at, updated_at)
			SELECT %s, CONCAT('村', n), 5, CONCAT('419901', LPAD(100 + n DIV 20, 3, '0'), '000'), 1500 + (n * 37) MOD 4500, NOW(), NOW()
			FROM bench_seq WHERE n < %d`, fmt.Sprintf(village, "n"), villages),
		fmt.Sprintf(`INSERT INTO households (household_no, region_code, class, status, support_level, head_name, address, latitude, longitude,
				size, labour_count, created_at, updated_at)
			SELECT CONCAT('B', LPAD(n, 9, '0')), %s,
				CASE WHEN (n * 13) MOD 100 < 12 THEN 'monitor_marginal' WHEN (n * 13) MOD 100 < 16 THEN 'monitor_unstable' ELSE 'poverty_alleviated' END,
				'active', 'normal', CONCAT('户主', n), '', 34.5 + (n MOD %d) * 0.001, 113.5 + (n DIV %d MOD 100) * 0.0001,
				1 + n MOD 5, n MOD 3, NOW(), NOW()
			FROM bench_seq WHERE n < %d`, fmt.Sprintf(village, "(n MOD 400)"), villages, villages, n),
		// Cadres 0..3599: nine per village; leaders 3600..3619: one per town.
		fmt.Sprintf(`INSERT INTO cadres (name, kind, organization, position, region_code, status, created_at, updated_at)
			SELECT CONCAT('干部', n), 'responsible', '县直单位', '', %s, 'active', NOW(), NOW() FROM bench_seq WHERE n < %d`,
			fmt.Sprintf(village, "(n DIV 9)"), villages*cadresByVillage),
		fmt.Sprintf(`INSERT INTO cadres (name, kind, organization, position, region_code, status, created_at, updated_at)
			SELECT CONCAT('镇领导', n), 'township_leader', '镇政府', '副镇长', CONCAT('419901', LPAD(100 + n, 3, '0'), '000'), 'active', NOW(), NOW()
			FROM bench_seq WHERE n < 20`),
		`INSERT INTO users (miniapp_openid, role, cadre_id, bound_at, created_at, updated_at)
			SELECT CONCAT('bench-cadre-', id), 'cadre', id, NOW(), NOW(), NOW() FROM cadres`,
		// Household n is the (n DIV 400)-th of its village: cadre village*9 + its rank DIV 28.
		fmt.Sprintf(`INSERT INTO pairings (cadre_id, household_id, role, started_on, created_at, updated_at)
			SELECT 1 + (n MOD 400) * 9 + LEAST(8, (n DIV 400) DIV 28), n + 1, 'responsible', DATE_SUB(CURDATE(), INTERVAL 400 DAY), NOW(), NOW()
			FROM bench_seq WHERE n < %d`, n),
		// Incomes of the last two years; per-capita is exact (total = pc × size).
		fmt.Sprintf(`INSERT INTO income_records (household_id, year, wage_fen, business_fen, transfer_fen, property_fen, household_size,
				per_capita_fen, revision, is_current, actor_kind, actor_id, note, created_at, updated_at)
			SELECT n + 1, %d, pc * (1 + n MOD 5), 0, 0, 0, 1 + n MOD 5, pc, 1, TRUE, 'importer', 0, '', NOW(), NOW()
			FROM (SELECT n, CASE WHEN x < 50 THEN 800000 - 1000 * (x + 1) WHEN x < 100 THEN 800000 + 1000 * (x - 50) ELSE 1000000 + 3000 * x END AS pc
				FROM (SELECT n, (n * 7919 + 13) MOD 1000 AS x FROM bench_seq WHERE n < %d) a) b`, year, n),
		fmt.Sprintf(`INSERT INTO income_records (household_id, year, wage_fen, business_fen, transfer_fen, property_fen, household_size,
				per_capita_fen, revision, is_current, actor_kind, actor_id, note, created_at, updated_at)
			SELECT household_id, year - 1, prev * household_size, 0, 0, 0, household_size, prev, 1, TRUE, 'importer', 0, '', NOW(), NOW()
			FROM (SELECT household_id, year, household_size,
					CASE WHEN (household_id * 104729) MOD 100 < 8 THEN per_capita_fen + 50000
						WHEN (household_id * 104729) MOD 100 < 25 THEN per_capita_fen * 100 DIV 103
						ELSE per_capita_fen * 100 DIV 110 END AS prev
				FROM income_records WHERE year = %d) r`, year),
		// Most households under the line already have a plan and a leader.
		fmt.Sprintf(`INSERT INTO income_plans (household_id, measures, responsible, target_fen, review_date, actor_kind, actor_id, created_at, updated_at)
			SELECT household_id, '公益性岗位；庭院养殖', '帮扶责任人', 900000, DATE_ADD(CURDATE(), INTERVAL 60 DAY), 'cadre', 1, NOW(), NOW()
			FROM income_records WHERE year = %d AND per_capita_fen < 800000 AND household_id MOD 5 <> 0`, year),
		fmt.Sprintf(`INSERT INTO pairings (cadre_id, household_id, role, started_on, created_at, updated_at)
			SELECT c.id, r.household_id, 'leader', DATE_SUB(CURDATE(), INTERVAL 90 DAY), NOW(), NOW()
			FROM income_records r JOIN households h ON h.id = r.household_id
			JOIN cadres c ON c.kind = 'township_leader' AND c.region_code = CONCAT(LEFT(h.region_code, 9), '000')
			WHERE r.year = %d AND r.per_capita_fen < 800000 AND r.household_id MOD 7 <> 0`, year),
		// Six months of visits, about monthly, by the responsible cadre.
		fmt.Sprintf(`INSERT INTO visits (client_id, cadre_id, household_id, revision, root_id, is_current, visited_at, received_at,
				latitude, longitude, accuracy_m, distance_m, location_flag, findings, notes, photo_ids, confirmation, created_at, updated_at)
			SELECT CONCAT(LPAD(HEX(p.household_id), 8, '0'), '-0000-4000-8000-', LPAD(s.n, 12, '0')), p.cadre_id, p.household_id, 1, NULL, TRUE,
				DATE_SUB(NOW(), INTERVAL (s.n * 30 + (p.household_id * 7) MOD 45) DAY),
				DATE_SUB(NOW(), INTERVAL (s.n * 30 + (p.household_id * 7) MOD 45) DAY),
				NULL, NULL, NULL, 20, 'ok', '{}', NULL, '[]',
				CASE WHEN (p.household_id + s.n) MOD 100 = 0 THEN 'denied' WHEN (p.household_id + s.n) MOD 2 = 0 THEN 'confirmed' ELSE 'pending' END,
				NOW(), NOW()
			FROM pairings p JOIN bench_seq s ON s.n < 6 WHERE p.role = 'responsible' AND p.household_id %% 17 <> 0`),
	}
	if err := execAll(db, steps); err != nil {
		return 0, err
	}
	var bad int64
	conn.Raw(`SELECT COUNT(*) FROM pairings p JOIN cadres c ON c.id = p.cadre_id JOIN households h ON h.id = p.household_id
		WHERE p.role = 'responsible' AND c.region_code <> h.region_code`).Scan(&bad)
	if bad != 0 {
		return 0, fmt.Errorf("%d cadres paired outside their village: ids were not consecutive", bad)
	}
	return time.Since(start), nil
}

func execAll(db *model.DB, steps []string) error {
	for _, q := range steps {
		if err := db.Exec(q).Error; err != nil {
			return fmt.Errorf("%.80s...: %w", q, err)
		}
	}
	return nil
}
