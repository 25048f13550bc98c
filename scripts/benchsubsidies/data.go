package main

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// The bench county: 10 towns of 20 villages under 419901.
const (
	benchTowns    = 10
	benchVillages = 20 // per town
)

// generate fills the database with set-based SQL: a numbers table, then
// INSERT ... SELECT for households, members and users, and for payments one
// statement per month of a template of perHousehold monthly payments,
// crossed with every household. Nothing is inserted a row at a time.
func generate(ctx context.Context, db *model.DB, households, perHousehold int, today model.Date) error {
	x := func(what, sql string, args ...any) error {
		start := time.Now()
		res := db.WithContext(ctx).Exec(sql, args...)
		if res.Error != nil {
			return fmt.Errorf("%s: %w", what, res.Error)
		}
		log.Printf("  %-28s %9d rows  %6.1fs", what, res.RowsAffected, time.Since(start).Seconds())
		return nil
	}
	if err := regions(ctx, db); err != nil {
		return err
	}
	if err := x("numbers", `CREATE TABLE bench_n (n INT NOT NULL PRIMARY KEY)`); err != nil {
		return err
	}
	if err := x("digits", `INSERT INTO bench_n (n) VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)`); err != nil {
		return err
	}
	// 0 .. 999,999 from the ten digits crossed six times.
	if err := x("numbers 0..999999", `INSERT INTO bench_n (n)
		SELECT a.n + 10*b.n + 100*c.n + 1000*d.n + 10000*e.n + 100000*f.n
		FROM bench_n a, bench_n b, bench_n c, bench_n d, bench_n e, bench_n f
		WHERE a.n + 10*b.n + 100*c.n + 1000*d.n + 10000*e.n + 100000*f.n >= 10`); err != nil {
		return err
	}
	villages := benchTowns * benchVillages
	if err := x("households", fmt.Sprintf(`INSERT INTO households
		(household_no, region_code, class, status, support_level, head_name, address, size, labour_count, created_at, updated_at)
		SELECT CONCAT('BENCH', LPAD(n, 8, '0')),
		       CONCAT('419901', 100 + (n %% %d) DIV %d, 201 + (n %% %d) %% %d),
		       'poverty_alleviated', 'active', 'normal', CONCAT('户主', n), '', 3, 2, NOW(3), NOW(3)
		FROM bench_n WHERE n < ? ORDER BY n`, villages, benchVillages, villages, benchVillages), households); err != nil {
		return err
	}
	if err := x("members", `INSERT INTO members
		(household_id, name, relation, labour_capacity, wish_to_work, employment_status, in_school, disability, status, created_at, updated_at)
		SELECT id, head_name, '户主', 'full', TRUE, 'unknown', FALSE, '', 'active', NOW(3), NOW(3) FROM households ORDER BY id`); err != nil {
		return err
	}
	if err := x("users", `INSERT INTO users (miniapp_openid, role, member_id, household_id, bound_at, follows_official, created_at, updated_at)
		SELECT CONCAT('bench-openid-', id), 'household', id, household_id, NOW(3), FALSE, NOW(3), NOW(3) FROM members ORDER BY id`); err != nil {
		return err
	}
	// The template: one payment a month from 2025-05 on, 低保 mostly, with
	// two member-paid items among them.
	if err := x("payment template", `CREATE TABLE bench_tpl (k INT NOT NULL PRIMARY KEY, item_code VARCHAR(32) NOT NULL,
		to_member BOOLEAN NOT NULL, amount_fen BIGINT NOT NULL, due_date DATE NOT NULL)`); err != nil {
		return err
	}
	if err := x("payment template rows", fmt.Sprintf(`INSERT INTO bench_tpl (k, item_code, to_member, amount_fen, due_date)
		SELECT n,
		       CASE n %% 4 WHEN 0 THEN 'public_welfare_job' WHEN 1 THEN 'disabled_living' ELSE 'dibao' END,
		       n %% 4 < 2,
		       CASE n %% 4 WHEN 0 THEN 60000 WHEN 1 THEN 8000 ELSE 45000 + 1000 * (n %% 7) END,
		       DATE_ADD('2025-05-10', INTERVAL n MONTH)
		FROM bench_n WHERE n < %d`, perHousehold)); err != nil {
		return err
	}
	// One statement per month, every household: the way 一卡通 batch files
	// arrive (one period at a time), so a household's payments lie on as
	// many pages as they would in production.
	start := time.Now()
	var total int64
	for k := range perHousehold {
		// Outcomes by a hash of household and month: 90 % paid a day early, 3 %
		// failed, 1 % returned, the rest never paid (overdue); future months scheduled.
		res := db.WithContext(ctx).Exec(`INSERT INTO payments
			(household_id, member_id, region_code, item_code, period, batch_no, amount_fen, due_date, paid_date, status,
			 failure_reason, card_last4, created_at, updated_at)
			SELECT h.id, CASE WHEN t.to_member THEN m.id ELSE 0 END, h.region_code, t.item_code,
			       DATE_FORMAT(t.due_date, '%Y-%m'), CONCAT('BENCH-', DATE_FORMAT(t.due_date, '%Y%m')), t.amount_fen, t.due_date,
			       CASE WHEN t.due_date < ? AND (h.id * 31 + t.k * 17) % 100 < 90 THEN DATE_SUB(t.due_date, INTERVAL 1 DAY) END,
			       CASE WHEN t.due_date >= ? THEN 'scheduled'
			            WHEN (h.id * 31 + t.k * 17) % 100 < 90 THEN 'paid'
			            WHEN (h.id * 31 + t.k * 17) % 100 < 93 THEN 'failed'
			            WHEN (h.id * 31 + t.k * 17) % 100 < 94 THEN 'returned'
			            ELSE 'scheduled' END,
			       CASE WHEN t.due_date >= ? THEN ''
			            WHEN (h.id * 31 + t.k * 17) % 100 BETWEEN 90 AND 92 THEN '账户已冻结'
			            WHEN (h.id * 31 + t.k * 17) % 100 = 93 THEN '资金退回：账户状态异常'
			            ELSE '' END,
			       LPAD(h.id % 10000, 4, '0'), NOW(3), NOW(3)
			FROM households h JOIN members m ON m.household_id = h.id JOIN bench_tpl t ON t.k = ?
			ORDER BY h.id`, today, today, today, k)
		if res.Error != nil {
			return fmt.Errorf("payments of month %d: %w", k, res.Error)
		}
		total += res.RowsAffected
	}
	log.Printf("  %-28s %9d rows  %6.1fs", "payments", total, time.Since(start).Seconds())
	for _, t := range []string{"households", "members", "users", "payments"} {
		if err := db.WithContext(ctx).Exec("ANALYZE TABLE " + t).Error; err != nil {
			return err
		}
	}
	return nil
}

// regions writes the county, its towns and villages in one statement.
func regions(ctx context.Context, db *model.DB) error {
	var rows []string
	now := "NOW(3)"
	rows = append(rows, fmt.Sprintf("('419901000000', '压测县', 3, NULL, %s, %s)", now, now))
	for t := range benchTowns {
		town := fmt.Sprintf("419901%03d000", 100+t)
		rows = append(rows, fmt.Sprintf("('%s', '压测%d镇', 4, '419901000000', %s, %s)", town, t+1, now, now))
		for v := range benchVillages {
			rows = append(rows, fmt.Sprintf("('419901%03d%03d', '压测%d镇%d村', 5, '%s', %s, %s)", 100+t, 201+v, t+1, v+1, town, now, now))
		}
	}
	return db.WithContext(ctx).Exec("INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) VALUES " +
		strings.Join(rows, ",\n")).Error
}
