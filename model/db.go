// Package model is xiangbang's storage: gorm models (one file per table),
// the versioned migrations, and the store queries, every one of which that
// returns personal data takes the caller's Scope and filters by it in SQL.
package model

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the SQL flavour behind a DB.
type Dialect string

// The two dialects: MySQL covers MySQL 8, MariaDB and TiDB.
const (
	MySQL  Dialect = "mysql"
	SQLite Dialect = "sqlite"
)

// DB is the database handle every store query runs on.
type DB struct {
	*gorm.DB
	Dialect Dialect
}

// Options say which database to open and how.
type Options struct {
	DSN            string // MySQL DSN; empty means SQLite
	SQLitePath     string // used when DSN is empty
	ConnectTimeout time.Duration
	MaxOpenConns   int
	MaxIdleConns   int
	SlowQuery      time.Duration
	Logger         *slog.Logger
}

// Open connects to MySQL/MariaDB/TiDB when a DSN is given, otherwise to the
// SQLite file, retrying an unreachable server with backoff until
// ConnectTimeout has passed.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	gcfg := &gorm.Config{
		Logger: logger.NewSlogLogger(o.Logger.With("component", "db"), logger.Config{
			SlowThreshold:             o.SlowQuery,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true, // never log values: they can be personal
		}),
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) },
		SkipDefaultTransaction: true, // single statements need no transaction of their own
		PrepareStmt:            false,
		TranslateError:         true,
	}
	if o.DSN == "" {
		return openSQLite(o, gcfg)
	}
	return openMySQL(ctx, o, gcfg)
}

func openSQLite(o Options, gcfg *gorm.Config) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(o.SQLitePath), 0o750); err != nil {
		return nil, fmt.Errorf("model: data directory: %w", err)
	}
	// WAL lets readers go on while one writer writes; busy_timeout makes a
	// second writer wait instead of failing; immediate transactions take the
	// write lock at BEGIN, so two read-then-write transactions queue instead of
	// one failing on upgrade; foreign keys are off by default.
	dsn := o.SQLitePath + "?_txlock=immediate&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	gdb, err := gorm.Open(sqlite.Open(dsn), gcfg)
	if err != nil {
		return nil, fmt.Errorf("model: open %s: %w", o.SQLitePath, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	// SQLite has one writer; a small pool avoids writers queueing on locks.
	sqlDB.SetMaxOpenConns(4)
	sqlDB.SetMaxIdleConns(4)
	sqlDB.SetConnMaxIdleTime(0)
	return &DB{DB: gdb, Dialect: SQLite}, nil
}

func openMySQL(ctx context.Context, o Options, gcfg *gorm.Config) (*DB, error) {
	mcfg, err := mysql.ParseDSN(o.DSN)
	if err != nil {
		return nil, fmt.Errorf("model: XB_DB_DSN: %w", err)
	}
	// Times are stored in UTC and read back as time.Time, whatever the DSN said.
	mcfg.ParseTime = true
	mcfg.Loc = time.UTC
	if mcfg.Params == nil {
		mcfg.Params = map[string]string{}
	}
	mcfg.Params["time_zone"] = "'+00:00'"
	mcfg.Params["charset"] = "utf8mb4"
	// Without interpolation every query with arguments is a prepare, an
	// execute and a close: three round trips where one does. It is safe
	// with utf8mb4; a DSN that names interpolateParams keeps its choice.
	if !strings.Contains(o.DSN, "interpolateParams=") {
		mcfg.InterpolateParams = true
	}
	if mcfg.Timeout == 0 {
		mcfg.Timeout = 5 * time.Second
	}
	dsn := mcfg.FormatDSN()

	deadline := time.Now().Add(o.ConnectTimeout)
	backoff := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		// RETURNING is MariaDB's alone (MySQL 8 and TiDB lack it), and with it
		// an INSERT ... ON DUPLICATE KEY UPDATE reports the existing row as
		// written: without it every server counts rows the same way.
		gdb, err := gorm.Open(gormmysql.New(gormmysql.Config{DSN: dsn, DisableWithReturning: true}), gcfg)
		if err == nil {
			sqlDB, _ := gdb.DB()
			sqlDB.SetMaxOpenConns(o.MaxOpenConns)
			sqlDB.SetMaxIdleConns(o.MaxIdleConns)
			sqlDB.SetConnMaxLifetime(30 * time.Minute)
			sqlDB.SetConnMaxIdleTime(5 * time.Minute)
			return &DB{DB: gdb, Dialect: MySQL}, nil
		}
		if time.Now().Add(backoff).After(deadline) {
			return nil, fmt.Errorf("model: database %s unreachable after %d attempts over %s: %w",
				mcfg.Addr, attempt, o.ConnectTimeout, err)
		}
		o.Logger.Warn("database not reachable yet; retrying", "addr", mcfg.Addr, "attempt", attempt, "in", backoff, "err", err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// Ping checks the database answers, for /readyz.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close releases the connection pool.
func (db *DB) Close() error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// IsDuplicate reports whether err is a unique-key violation.
func IsDuplicate(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }

// IsNotFound reports whether err is gorm's record-not-found.
func IsNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

// IsUnavailable reports whether err means the database (or another
// dependency) could not be reached, rather than that the query was wrong:
// the API answers 503 with Retry-After, and the pool reconnects by itself
// when the server is back.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	// SQLite still busy after busy_timeout: another writer holds the file.
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY") ||
		strings.Contains(msg, "sql: database is closed") // shutting down

}
