// Package modeltest gives tests real databases: a fresh SQLite file per test
// always, and a MariaDB/MySQL database per test binary when
// XB_TEST_MYSQL_DSN is set (scripts/test.sh sets it when MariaDB answers).
// On CI (CI=true) a missing MariaDB or Redis fails the run instead of
// skipping it. Nothing here is a mock.
package modeltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/xiangbang/xiangbang/model"
)

// Env names read by the test helpers.
const (
	EnvMySQL = "XB_TEST_MYSQL_DSN"
	EnvRedis = "XB_TEST_REDIS_ADDR"
)

// OnCI reports whether the tests run on CI, where every service is required.
func OnCI() bool { return os.Getenv("CI") == "true" }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Main wraps testing.M for packages that use MySQL: it creates the package's
// database before the tests and drops it after, so every run starts fresh.
//
//	func TestMain(m *testing.M) { modeltest.Main(m) }
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main without the exit, for a TestMain with its own clean-up.
func Run(m *testing.M) int {
	code := m.Run()
	mysqlState.dropOnce()
	sqliteState.cleanup()
	return code
}

// ForEachDB runs fn as a subtest on a clean SQLite database and, when
// configured, on a clean MariaDB database.
func ForEachDB(t *testing.T, fn func(t *testing.T, db *model.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("mariadb", func(t *testing.T) { fn(t, MySQL(t)) })
}

// SQLite returns a freshly migrated SQLite database of the test's own.
func SQLite(t testing.TB) *model.DB {
	t.Helper()
	tmpl := sqliteState.template(t)
	path := filepath.Join(t.TempDir(), "test.db")
	raw, err := os.ReadFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := model.Open(context.Background(), model.Options{SQLitePath: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// MySQL returns the package's MariaDB database with every table emptied, or
// skips the test (fails it on CI) when XB_TEST_MYSQL_DSN is not set. Tests
// using it must not run in parallel with each other.
func MySQL(t testing.TB) *model.DB {
	t.Helper()
	db := mysqlState.get(t)
	if err := Truncate(db); err != nil {
		t.Fatalf("modeltest: emptying tables: %v", err)
	}
	return db
}

// MySQLDSN returns the DSN of the package's migrated MariaDB database, for
// tests that start the whole server on it.
func MySQLDSN(t testing.TB) string {
	t.Helper()
	mysqlState.get(t)
	return mysqlState.dsn
}

// Truncate empties every table but schema_migrations.
func Truncate(db *model.DB) error {
	tables, err := db.Migrator().GetTables()
	if err != nil {
		return err
	}
	return db.Connection(func(tx *gorm.DB) error {
		if db.Dialect == model.MySQL {
			tx.Exec("SET FOREIGN_KEY_CHECKS = 0")
			defer tx.Exec("SET FOREIGN_KEY_CHECKS = 1")
		} else {
			tx.Exec("PRAGMA foreign_keys = OFF")
			defer tx.Exec("PRAGMA foreign_keys = ON")
		}
		for _, tb := range tables {
			if tb == "schema_migrations" || strings.HasPrefix(tb, "sqlite_") {
				continue
			}
			if err := tx.Exec("DELETE FROM " + tb).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

type sqliteTemplate struct {
	mu   sync.Mutex
	dir  string
	path string
}

var sqliteState sqliteTemplate

// template migrates one SQLite file per test binary; each test copies it,
// which is much faster than migrating again.
func (s *sqliteTemplate) template(t testing.TB) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path != "" {
		return s.path
	}
	dir, err := os.MkdirTemp("", "xb-sqlite-*")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "template.db")
	db, err := model.Open(context.Background(), model.Options{SQLitePath: path, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Fold the WAL into the main file so copying the one file is enough.
	db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	db.Exec("PRAGMA journal_mode=DELETE")
	db.Close()
	s.dir, s.path = dir, path
	return path
}

func (s *sqliteTemplate) cleanup() {
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

type mysqlDatabase struct {
	mu      sync.Mutex
	db      *model.DB
	dsn     string
	adminDB string // DSN without a database, for CREATE/DROP
	name    string
	err     error
	tried   bool
}

var mysqlState mysqlDatabase

func (s *mysqlDatabase) get(t testing.TB) *model.DB {
	t.Helper()
	base := os.Getenv(EnvMySQL)
	if base == "" {
		if OnCI() {
			t.Fatalf("modeltest: %s is not set, and on CI the MariaDB tests are required", EnvMySQL)
		}
		t.Skipf("modeltest: %s not set; MariaDB tests skipped", EnvMySQL)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tried {
		s.tried = true
		s.err = s.create(base)
	}
	if s.err != nil {
		t.Fatalf("modeltest: MariaDB: %v", s.err)
	}
	return s.db
}

func (s *mysqlDatabase) create(base string) error {
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		return err
	}
	suffix := make([]byte, 4)
	rand.Read(suffix)
	s.name = fmt.Sprintf("xb_test_%d_%s", time.Now().Unix(), hex.EncodeToString(suffix))
	cfg.DBName = ""
	s.adminDB = cfg.FormatDSN()
	admin, err := model.Open(context.Background(), model.Options{DSN: s.adminDB, ConnectTimeout: 5 * time.Second, MaxOpenConns: 2, Logger: quiet})
	if err != nil {
		return err
	}
	defer admin.Close()
	if err := admin.Exec("CREATE DATABASE " + s.name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		return err
	}
	cfg.DBName = s.name
	s.dsn = cfg.FormatDSN()
	s.db, err = model.Open(context.Background(), model.Options{DSN: s.dsn, ConnectTimeout: 5 * time.Second, MaxOpenConns: 20, MaxIdleConns: 10, Logger: quiet})
	if err != nil {
		return err
	}
	_, err = s.db.Migrate(context.Background())
	return err
}

func (s *mysqlDatabase) dropOnce() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return
	}
	s.db.Close()
	if admin, err := model.Open(context.Background(), model.Options{DSN: s.adminDB, ConnectTimeout: 5 * time.Second, MaxOpenConns: 1, Logger: quiet}); err == nil {
		admin.Exec("DROP DATABASE IF EXISTS " + s.name)
		admin.Close()
	}
	s.db = nil
}
