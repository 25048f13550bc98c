package model

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// dialectWords fills the placeholders of migrations/*.sql: the only places
// where MySQL and SQLite DDL differ in our schema.
var dialectWords = map[Dialect]*strings.Replacer{
	MySQL: strings.NewReplacer(
		"{{id}}", "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
		"{{datetime}}", "DATETIME(3)",
		"{{bytes}}", "VARBINARY(128)",
		"{{table}}", " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
		// Days from due_date to paid_date, NULL while unpaid. VIRTUAL: adding
		// it rewrites no rows (MariaDB 10.2+ and MySQL 5.7+ index it).
		"{{paid_late_days}}", "INT AS (IF(paid_date > due_date, DATEDIFF(paid_date, due_date), NULL)) VIRTUAL",
	),
	SQLite: strings.NewReplacer(
		"{{id}}", "INTEGER PRIMARY KEY AUTOINCREMENT",
		"{{datetime}}", "DATETIME",
		"{{bytes}}", "BLOB",
		"{{table}}", "",
		// Dates are 'YYYY-MM-DD' text (model.Date.Value): julianday of each is
		// a whole day at midnight, so the difference is exact.
		"{{paid_late_days}}", "INTEGER GENERATED ALWAYS AS (CASE WHEN paid_date > due_date THEN CAST(julianday(paid_date) - julianday(due_date) AS INTEGER) END) VIRTUAL",
	),
}

// Migrations lists the embedded migrations in order.
func Migrations() ([]Migration, error) {
	entries, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, path := range entries {
		base := strings.TrimSuffix(strings.TrimPrefix(path, "migrations/"), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("model: migration file %s is not NNNN_name.sql", path)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("model: migrations %s and %s share version %d", other, base, v)
		}
		seen[v] = base
		raw, _ := migrationFiles.ReadFile(path)
		out = append(out, Migration{Version: v, Name: name, SQL: string(raw)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Statements splits a migration into statements for the dialect: comments
// dropped, placeholders filled, split at semicolons that end a line.
func (m Migration) Statements(d Dialect) []string {
	var stmts []string
	var cur strings.Builder
	for _, line := range strings.Split(m.SQL, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimRight(line, " \t\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(line, ";") {
			stmts = appendStatement(stmts, d, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		stmts = appendStatement(stmts, d, s)
	}
	if d == SQLite {
		// MySQL names the table an index is dropped from; SQLite's index
		// names are schema-wide and it refuses the ON clause.
		for i, s := range stmts {
			stmts[i] = dropIndexOn.ReplaceAllString(s, "DROP INDEX $1")
		}
	}
	return stmts
}

// mysqlOnly starts a statement that runs on MySQL/MariaDB only: an index
// SQLite must not have (see 0017).
const mysqlOnly = "{{mysql_only}}"

func appendStatement(stmts []string, d Dialect, s string) []string {
	if rest, ok := strings.CutPrefix(s, mysqlOnly); ok {
		if d != MySQL {
			return stmts
		}
		s = strings.TrimSpace(rest)
	}
	return append(stmts, dialectWords[d].Replace(s))
}

var dropIndexOn = regexp.MustCompile(`(?i)^DROP INDEX (\w+) ON \w+$`)

// MigrationResult says what Migrate did.
type MigrationResult struct {
	Applied []Migration
	Current int
}

// Migrate applies every migration not yet recorded in schema_migrations.
// Running it again changes nothing. On MySQL a named lock keeps two
// instances starting together from racing each other.
func (db *DB) Migrate(ctx context.Context) (MigrationResult, error) {
	var res MigrationResult
	all, err := Migrations()
	if err != nil {
		return res, err
	}
	conn := db.WithContext(ctx)
	if db.Dialect == MySQL {
		sqlDB, err := db.DB.DB()
		if err != nil {
			return res, err
		}
		c, err := sqlDB.Conn(ctx) // GET_LOCK belongs to a connection: hold one
		if err != nil {
			return res, err
		}
		defer c.Close()
		var got int
		if err := c.QueryRowContext(ctx, "SELECT GET_LOCK('xiangbang_migrate', 120)").Scan(&got); err != nil || got != 1 {
			return res, fmt.Errorf("model: could not take the migration lock: %v", err)
		}
		defer c.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK('xiangbang_migrate')")
	}
	create := "CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL PRIMARY KEY, name VARCHAR(128) NOT NULL, applied_at " +
		dialectWords[db.Dialect].Replace("{{datetime}}") + " NOT NULL)" + dialectWords[db.Dialect].Replace("{{table}}")
	if err := conn.Exec(create).Error; err != nil {
		return res, fmt.Errorf("model: schema_migrations: %w", err)
	}
	var done []int
	if err := conn.Raw("SELECT version FROM schema_migrations").Scan(&done).Error; err != nil {
		return res, err
	}
	applied := map[int]bool{}
	for _, v := range done {
		applied[v] = true
		res.Current = max(res.Current, v)
	}
	for _, m := range all {
		if applied[m.Version] {
			continue
		}
		if err := db.apply(ctx, m); err != nil {
			return res, err
		}
		res.Applied = append(res.Applied, m)
		res.Current = m.Version
	}
	return res, nil
}

// apply runs one migration. SQLite runs it in a transaction; MySQL commits
// DDL statement by statement, so there a failure names the statement that
// stopped it for the operator to look at.
func (db *DB) apply(ctx context.Context, m Migration) error {
	stmts := m.Statements(db.Dialect)
	record := func(tx *DB) error {
		return tx.WithContext(ctx).Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			m.Version, m.Name, time.Now().UTC()).Error
	}
	if db.Dialect == SQLite {
		return db.Tx(ctx, func(tx *DB) error {
			for i, s := range stmts {
				if err := tx.Exec(s).Error; err != nil {
					return fmt.Errorf("model: migration %04d_%s statement %d: %w", m.Version, m.Name, i+1, err)
				}
			}
			return record(tx)
		})
	}
	for i, s := range stmts {
		if err := db.WithContext(ctx).Exec(s).Error; err != nil {
			return fmt.Errorf("model: migration %04d_%s statement %d of %d failed (earlier ones are applied; fix and rerun): %w",
				m.Version, m.Name, i+1, len(stmts), err)
		}
	}
	return record(db)
}

// Tx runs fn in a transaction, committed when fn returns nil.
func (db *DB) Tx(ctx context.Context, fn func(tx *DB) error) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&DB{DB: tx, Dialect: db.Dialect})
	})
}
