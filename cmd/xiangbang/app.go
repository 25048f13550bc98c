package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

// app holds what every subcommand opens: configuration, logger, database,
// kv store and the personal-data cipher.
type app struct {
	cfg         *config.Config
	policy      *config.Policy
	templates   *config.PushTemplates
	log         *slog.Logger
	db          *model.DB
	kv          kv.Store
	redis       *redis.Client // nil without Redis
	cipher      *pii.Cipher
	audit       *audit.Log
	subsidies   *subsidy.Service // built once on first use (newSubsidies)
	tokenSecret []byte
	closers     []func() error
}

// configFlag adds --config to a flag set.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "YAML configuration file (XB_* variables override it)")
}

// loadConfig reads configuration; with --demo the demo is switched on.
func loadConfig(path string, demo bool) (*config.Config, error) {
	env := os.Getenv
	if demo {
		env = func(k string) string {
			if k == "XB_DEMO" {
				return "true"
			}
			return os.Getenv(k)
		}
	}
	return config.Load(path, env)
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Production() {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openApp connects to everything. The caller defers a.close().
func openApp(ctx context.Context, cfg *config.Config) (*app, error) {
	a := &app{cfg: cfg, log: newLogger(cfg, os.Stderr)}
	var err error
	if a.policy, err = config.LoadPolicy(cfg.PolicyFile); err != nil {
		return nil, err
	}
	if a.templates, err = config.LoadPushTemplates(cfg.PushTemplatesFile); err != nil {
		return nil, err
	}
	if err := a.loadKeys(); err != nil {
		return nil, err
	}
	a.db, err = model.Open(ctx, model.Options{
		DSN: cfg.DBDSN, SQLitePath: filepath.Join(cfg.DataDir, "xiangbang.db"),
		ConnectTimeout: cfg.DBConnectTimeout, MaxOpenConns: cfg.DBMaxOpenConns, MaxIdleConns: cfg.DBMaxIdleConns,
		SlowQuery: cfg.DBSlowQuery, Logger: a.log,
	})
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, a.db.Close)
	if a.audit, err = audit.New(a.db, nil); err != nil {
		return nil, err
	}
	if cfg.RedisAddr == "" {
		a.kv = kv.NewMemory()
		return a, nil
	}
	a.redis = redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, Password: cfg.RedisPassword, DB: cfg.RedisDB})
	a.closers = append(a.closers, a.redis.Close)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.redis.Ping(pingCtx).Err(); err != nil {
		a.close()
		return nil, fmt.Errorf("config: XB_REDIS_ADDR: Redis at %s does not answer: %w", cfg.RedisAddr, err)
	}
	a.kv = kv.NewRedis(a.redis, cfg.RedisPrefix)
	return a, nil
}

// loadKeys builds the cipher and token secret from configuration, or, when
// none is configured outside production, from a key file generated once in
// the data directory (and says so loudly).
func (a *app) loadKeys() error {
	cfg := a.cfg
	keys, index, token := cfg.PIIKeys, cfg.PIIIndexKey, cfg.TokenSecret
	if keys == "" || index == "" || token == "" {
		path := filepath.Join(cfg.DataDir, "local-secrets.json")
		local, created, err := pii.LoadOrCreateSecrets(path)
		if err != nil {
			return err
		}
		if created {
			a.log.Warn("generated new encryption keys for personal data; keep this file with the database, "+
				"and set XB_PII_KEYS, XB_PII_INDEX_KEY and XB_TOKEN_SECRET in production", "file", path)
		}
		keys, index, token = or(keys, local.PIIKeys), or(index, local.PIIIndexKey), or(token, local.TokenSecret)
	}
	ring, err := config.ParseKeyRing(keys)
	if err != nil {
		return &config.Error{Key: "XB_PII_KEYS", Reason: err.Error()}
	}
	indexKey, _ := base64.StdEncoding.DecodeString(index)
	if a.cipher, err = pii.NewCipher(ring.ActiveID, ring.Keys, indexKey); err != nil {
		return err
	}
	a.tokenSecret, _ = base64.StdEncoding.DecodeString(token)
	if len(a.tokenSecret) < 32 {
		return &config.Error{Key: "XB_TOKEN_SECRET", Reason: "must be base64 of at least 32 bytes"}
	}
	return nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil && !errors.Is(err, redis.ErrClosed) {
			a.log.Warn("close", "err", err)
		}
	}
}

// syncCatalogue loads the subsidy item catalogue into the database, so the
// file shipped (or the deployment's own) is what the API shows.
func (a *app) syncCatalogue(ctx context.Context) error {
	items, err := config.LoadSubsidyItems(a.cfg.SubsidyItemsFile)
	if err != nil {
		return err
	}
	return a.db.SyncSubsidyItems(ctx, model.SubsidyItemRows(items))
}

// today is the date in the deployment's zone.
func (a *app) today() model.Date { return model.DateOf(time.Now().In(a.cfg.Location())) }

func describeDB(cfg *config.Config) string {
	if cfg.UsesMySQL() {
		host := cfg.DBDSN
		if at := strings.LastIndex(host, "@"); at >= 0 {
			host = host[at+1:]
		}
		return "mysql " + host
	}
	return "sqlite " + filepath.Join(cfg.DataDir, "xiangbang.db")
}

// openConfigured loads configuration (the --config file, then XB_*
// variables) and opens the app: what every command but serve and seed
// starts with.
func openConfigured(ctx context.Context, cfgPath string) (*app, error) {
	cfg, err := loadConfig(cfgPath, false)
	if err != nil {
		return nil, err
	}
	return openApp(ctx, cfg)
}
