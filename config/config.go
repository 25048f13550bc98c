// Package config holds xiangbang's one configuration struct. Values come from
// defaults, then an optional YAML file, then XB_* environment variables (the
// later wins), and are validated once at start so that a bad value stops the
// program with the key's name instead of failing later in a request.
package config

import (
	"fmt"
	"log/slog"
	"time"
)

// Config is every setting the program reads. Each field names its environment
// variable (env), its YAML key (yaml) and its default (default). Fields tagged
// secret are never printed or logged.
type Config struct {
	Env      string `env:"XB_ENV" yaml:"env" default:"development" help:"development (text logs) or production (JSON logs, keys required)"`
	LogLevel string `env:"XB_LOG_LEVEL" yaml:"log_level" default:"info" help:"debug, info, warn or error"`
	Demo     bool   `env:"XB_DEMO" yaml:"demo" default:"false" help:"seed a demo county into an empty database and enable POST /api/v1/auth/dev"`
	Timezone string `env:"XB_TIMEZONE" yaml:"timezone" default:"Asia/Shanghai" help:"the zone dates are shown and due dates are judged in"`

	HTTPAddr        string        `env:"XB_HTTP_ADDR" yaml:"http_addr" default:":8080" help:"where the server listens"`
	PublicURL       string        `env:"XB_PUBLIC_URL" yaml:"public_url" default:"" help:"the URL people reach the server at (printed at start; used for links)"`
	ReadTimeout     time.Duration `env:"XB_HTTP_READ_TIMEOUT" yaml:"http_read_timeout" default:"15s" help:"longest time to read one request"`
	WriteTimeout    time.Duration `env:"XB_HTTP_WRITE_TIMEOUT" yaml:"http_write_timeout" default:"30s" help:"longest time to write one response"`
	IdleTimeout     time.Duration `env:"XB_HTTP_IDLE_TIMEOUT" yaml:"http_idle_timeout" default:"120s" help:"keep-alive idle time"`
	ShutdownTimeout time.Duration `env:"XB_SHUTDOWN_TIMEOUT" yaml:"shutdown_timeout" default:"20s" help:"how long in-flight requests may run after SIGTERM"`
	BodyLimit       Bytes         `env:"XB_HTTP_BODY_LIMIT" yaml:"http_body_limit" default:"1MiB" help:"largest JSON request body"`
	UploadLimit     Bytes         `env:"XB_UPLOAD_LIMIT" yaml:"upload_limit" default:"8MiB" help:"largest photo upload"`
	ImportLimit     Bytes         `env:"XB_IMPORT_LIMIT" yaml:"import_limit" default:"512MiB" help:"largest import file uploaded through the admin API"`
	TrustedProxies  []string      `env:"XB_TRUSTED_PROXIES" yaml:"trusted_proxies" default:"" help:"comma-separated proxy CIDRs whose X-Forwarded-For is believed"`
	DebugAddr       string        `env:"XB_DEBUG_ADDR" yaml:"debug_addr" default:"" help:"loopback host:port for Go's profiler (/debug/pprof/); empty: off"`
	SecureCookies   bool          `env:"XB_SECURE_COOKIES" yaml:"secure_cookies" default:"false" help:"mark admin cookies Secure (set behind HTTPS)"`

	DataDir          string        `env:"XB_DATA_DIR" yaml:"data_dir" default:"./data" help:"the SQLite file, uploaded photos, import reports"`
	DBDSN            string        `env:"XB_DB_DSN" yaml:"db_dsn" default:"" secret:"true" help:"MySQL/MariaDB/TiDB DSN; empty means SQLite in XB_DATA_DIR"`
	DBConnectTimeout time.Duration `env:"XB_DB_CONNECT_TIMEOUT" yaml:"db_connect_timeout" default:"60s" help:"how long to keep retrying an unreachable database at start"`
	DBMaxOpenConns   int           `env:"XB_DB_MAX_OPEN_CONNS" yaml:"db_max_open_conns" default:"40" help:"database connection pool size"`
	DBMaxIdleConns   int           `env:"XB_DB_MAX_IDLE_CONNS" yaml:"db_max_idle_conns" default:"20" help:"idle connections kept open"`
	DBSlowQuery      time.Duration `env:"XB_DB_SLOW_QUERY" yaml:"db_slow_query" default:"500ms" help:"queries slower than this are logged"`
	AutoMigrate      bool          `env:"XB_AUTO_MIGRATE" yaml:"auto_migrate" default:"true" help:"serve runs pending migrations at start"`

	RedisAddr     string `env:"XB_REDIS_ADDR" yaml:"redis_addr" default:"" help:"host:port; empty means no Redis (one instance only)"`
	RedisPassword string `env:"XB_REDIS_PASSWORD" yaml:"redis_password" default:"" secret:"true" help:"Redis password"`
	RedisDB       int    `env:"XB_REDIS_DB" yaml:"redis_db" default:"0" help:"Redis database number"`
	RedisPrefix   string `env:"XB_REDIS_PREFIX" yaml:"redis_prefix" default:"xb:" help:"prefix of every Redis key, so deployments can share a Redis"`

	PIIKeys     string        `env:"XB_PII_KEYS" yaml:"pii_keys" default:"" secret:"true" help:"AES-256 keys for ID card and phone numbers: id:base64,... (first is active)"`
	PIIIndexKey string        `env:"XB_PII_INDEX_KEY" yaml:"pii_index_key" default:"" secret:"true" help:"base64 HMAC-SHA256 key of the blind index used to look numbers up"`
	TokenSecret string        `env:"XB_TOKEN_SECRET" yaml:"token_secret" default:"" secret:"true" help:"base64 key signing sign-in tokens; generated into XB_DATA_DIR outside production"`
	TokenTTL    time.Duration `env:"XB_TOKEN_TTL" yaml:"token_ttl" default:"720h" help:"how long a mini-program sign-in lasts"`
	AdminTTL    time.Duration `env:"XB_ADMIN_SESSION_TTL" yaml:"admin_session_ttl" default:"12h" help:"how long an admin console session lasts"`

	BindLimit       int           `env:"XB_BIND_LIMIT" yaml:"bind_limit" default:"5" help:"failed binding attempts allowed per user and per IP in XB_BIND_WINDOW"`
	BindWindow      time.Duration `env:"XB_BIND_WINDOW" yaml:"bind_window" default:"1h" help:"window of XB_BIND_LIMIT"`
	AdminLoginLimit int           `env:"XB_ADMIN_LOGIN_LIMIT" yaml:"admin_login_limit" default:"10" help:"failed admin sign-ins allowed per user name and per IP in 15 minutes"`
	InviteTTL       time.Duration `env:"XB_INVITE_TTL" yaml:"invite_ttl" default:"168h" help:"how long a cadre invite code is valid"`

	WeChatAPIBase  string `env:"XB_WECHAT_API_BASE" yaml:"wechat_api_base" default:"" help:"base URL replacing WeChat's API hosts, e.g. http://127.0.0.1:9700"`
	MiniappAppID   string `env:"XB_MINIAPP_APPID" yaml:"miniapp_appid" default:"" help:"the mini-program's AppID; empty means demo (in-process wxmock)"`
	MiniappSecret  string `env:"XB_MINIAPP_SECRET" yaml:"miniapp_secret" default:"" secret:"true" help:"the mini-program's AppSecret"`
	OfficialAppID  string `env:"XB_OFFICIAL_APPID" yaml:"official_appid" default:"" help:"the official account's AppID; empty means demo"`
	OfficialSecret string `env:"XB_OFFICIAL_SECRET" yaml:"official_secret" default:"" secret:"true" help:"the official account's AppSecret"`
	OfficialToken  string `env:"XB_OFFICIAL_TOKEN" yaml:"official_token" default:"" secret:"true" help:"the callback Token set in the official account's console"`
	OfficialAESKey string `env:"XB_OFFICIAL_AES_KEY" yaml:"official_aes_key" default:"" secret:"true" help:"the 43-character EncodingAESKey (safe mode)"`

	CallbackWindow   time.Duration `env:"XB_WECHAT_CALLBACK_WINDOW" yaml:"wechat_callback_window" default:"5m" help:"how far a callback request's timestamp may be from now before it is refused as stale"`
	CallbackDeadline time.Duration `env:"XB_WECHAT_CALLBACK_DEADLINE" yaml:"wechat_callback_deadline" default:"4s" help:"the official account's bot answers within this, else with a short busy text (WeChat waits 5 s)"`
	CallbackMaxBody  Bytes         `env:"XB_WECHAT_CALLBACK_MAX_BODY" yaml:"wechat_callback_max_body" default:"64KiB" help:"largest callback request body"`
	ChatbotIntents   string        `env:"XB_CHATBOT_INTENTS_FILE" yaml:"chatbot_intents_file" default:"" help:"YAML of the official account bot's intents, keywords and fixed answers; empty uses the shipped one"`

	Worker    bool `env:"XB_WORKER" yaml:"worker" default:"true" help:"serve also runs the push worker"`
	Scheduler bool `env:"XB_SCHEDULER" yaml:"scheduler" default:"true" help:"serve also takes part in scheduler leader election"`

	PushMaxAttempts   int           `env:"XB_PUSH_MAX_ATTEMPTS" yaml:"push_max_attempts" default:"8" help:"sends of one message before it is dead (kept, visible, retryable by an official)"`
	PushBackoffBase   time.Duration `env:"XB_PUSH_BACKOFF_BASE" yaml:"push_backoff_base" default:"30s" help:"wait before the first retry of a failed send; doubles each time, with jitter"`
	PushBackoffMax    time.Duration `env:"XB_PUSH_BACKOFF_MAX" yaml:"push_backoff_max" default:"1h" help:"longest wait between retries"`
	PushLease         time.Duration `env:"XB_PUSH_LEASE" yaml:"push_lease" default:"60s" help:"how long a worker holds claimed messages; a crashed worker's are taken over after it"`
	PushConcurrency   int           `env:"XB_PUSH_CONCURRENCY" yaml:"push_concurrency" default:"16" help:"sends in flight per worker"`
	PushBatch         int           `env:"XB_PUSH_BATCH" yaml:"push_batch" default:"100" help:"messages a worker claims at a time"`
	PushPoll          time.Duration `env:"XB_PUSH_POLL" yaml:"push_poll" default:"1s" help:"how often an idle worker looks for due messages"`
	PushAppRate       int           `env:"XB_PUSH_APP_RATE" yaml:"push_app_rate" default:"100" help:"sends per second per WeChat app across all instances (token bucket, shared through Redis)"`
	PushJobDailyCap   int           `env:"XB_PUSH_JOB_DAILY_CAP" yaml:"push_job_daily_cap" default:"3" help:"job-match messages per worker per day; more wait for the next day"`
	PushQuietHours    string        `env:"XB_PUSH_QUIET_HOURS" yaml:"push_quiet_hours" default:"21:00-08:00" help:"local hours when messages to households are held, not dropped; empty for none"`
	PushTemplatesFile string        `env:"XB_PUSH_TEMPLATES_FILE" yaml:"push_templates_file" default:"" help:"YAML of WeChat template ids, field mappings and pages per kind of message; empty uses the shipped one"`
	PushDigestAt      string        `env:"XB_PUSH_DIGEST_AT" yaml:"push_digest_at" default:"07:30" help:"local time of the cadres' morning digest"`
	PushOverdueAt     string        `env:"XB_PUSH_OVERDUE_AT" yaml:"push_overdue_at" default:"09:00" help:"local time of the daily overdue-payment notices to cadres and officials"`
	PushPaymentScan   time.Duration `env:"XB_PUSH_PAYMENT_SCAN" yaml:"push_payment_scan" default:"5m" help:"how often payments newly paid or failed are looked for and told to the household"`

	PaymentGraceDays  int           `env:"XB_PAYMENT_GRACE_DAYS" yaml:"payment_grace_days" default:"5" help:"days after the due date before an unpaid payment counts as overdue"`
	PolicyFile        string        `env:"XB_POLICY_FILE" yaml:"policy_file" default:"" help:"YAML of per-region thresholds and visit periods; empty uses the shipped defaults"`
	SubsidyItemsFile  string        `env:"XB_SUBSIDY_ITEMS_FILE" yaml:"subsidy_items_file" default:"" help:"YAML subsidy item catalogue; empty uses the shipped one"`
	SubsidyCacheTTL   time.Duration `env:"XB_SUBSIDY_CACHE_TTL" yaml:"subsidy_cache_ttl" default:"10m" help:"how long a household's payment summary is cached (every change to its payments clears it at once)"`
	SubsidyLocalCache Bytes         `env:"XB_SUBSIDY_LOCAL_CACHE" yaml:"subsidy_local_cache" default:"128MiB" help:"memory for payment summaries kept in each instance in front of Redis (kept right by Redis pub/sub); 0 turns it off"`

	// Job matching (service/matching): a posting's score for a worker is the weighted mean of seven
	// fits, each between 0 and 1, shown as 0 to 100. Weights are relative; 0 switches a fit off.
	JobTagsFile         string `env:"XB_JOB_TAGS_FILE" yaml:"job_tags_file" default:"" help:"YAML list of skill tags workers pick from (with synonyms); empty uses the shipped one"`
	MatchWeightPlace    int    `env:"XB_MATCH_WEIGHT_PLACE" yaml:"match_weight_place" default:"25" help:"weight of place fit (本地 and the places the worker named first, then 县城周边, then 县外/省外)"`
	MatchWeightKind     int    `env:"XB_MATCH_WEIGHT_KIND" yaml:"match_weight_kind" default:"15" help:"weight of kind fit (the kinds of work the worker wants)"`
	MatchWeightSkill    int    `env:"XB_MATCH_WEIGHT_SKILL" yaml:"match_weight_skill" default:"20" help:"weight of skill overlap between the worker and the posting's tags"`
	MatchWeightWage     int    `env:"XB_MATCH_WEIGHT_WAGE" yaml:"match_weight_wage" default:"15" help:"weight of wage fit against the worker's lowest acceptable wage"`
	MatchWeightFresh    int    `env:"XB_MATCH_WEIGHT_FRESHNESS" yaml:"match_weight_freshness" default:"5" help:"weight of freshness (newly published postings first)"`
	MatchWeightHeadcnt  int    `env:"XB_MATCH_WEIGHT_HEADCOUNT" yaml:"match_weight_headcount" default:"5" help:"weight of remaining headcount"`
	MatchWeightCapacity int    `env:"XB_MATCH_WEIGHT_CAPACITY" yaml:"match_weight_capacity" default:"15" help:"weight of labour-capacity fit (weak and half labour get 公益性岗位 and 帮扶车间 first)"`
	MatchFreshDays      int    `env:"XB_MATCH_FRESH_DAYS" yaml:"match_fresh_days" default:"30" help:"days after publishing over which a posting's freshness falls from 1 to 0"`
	MatchWorkDays       int    `env:"XB_MATCH_WORK_DAYS_PER_MONTH" yaml:"match_work_days_per_month" default:"22" help:"working days per month, to compare day wages with monthly wishes"`
	MatchMinScore       int    `env:"XB_MATCH_MIN_SCORE" yaml:"match_min_score" default:"50" help:"lowest score (0-100) at which a new posting counts as suiting a worker (for pushes)"`
	MatchCandidates     int    `env:"XB_MATCH_MAX_CANDIDATES" yaml:"match_max_candidates" default:"20000" help:"most postings scored for one worker's recommendations (the newest are kept beyond it)"`
}

// Production reports whether the program runs as a real deployment, where
// missing keys are errors instead of being generated.
func (c *Config) Production() bool { return c.Env == "production" }

// UsesMySQL reports whether the database is MySQL-compatible rather than the
// embedded SQLite file.
func (c *Config) UsesMySQL() bool { return c.DBDSN != "" }

// WeChatDemo reports whether no real WeChat app is configured, so the
// in-process wxmock stands in for WeChat's servers.
func (c *Config) WeChatDemo() bool { return c.MiniappAppID == "" && c.OfficialAppID == "" }

// Location returns the configured time zone; Validate has already checked it.
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// LogValue prints the configuration with every secret replaced, so the whole
// struct can be logged at start.
func (c *Config) LogValue() slog.Value {
	var attrs []slog.Attr
	eachField(c, func(f field) {
		v := f.String()
		if f.secret && v != "" {
			v = "[set]"
		}
		attrs = append(attrs, slog.String(f.env, v))
	})
	return slog.GroupValue(attrs...)
}

// Error is a configuration problem, naming the key at fault.
type Error struct {
	Key    string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("config: %s: %s", e.Key, e.Reason) }
