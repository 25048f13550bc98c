package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Validate checks every value that could otherwise fail late. Each problem
// names its key; all problems are reported together.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &Error{Key: key, Reason: fmt.Sprintf(format, args...)})
	}

	if c.Env != "development" && c.Env != "production" {
		bad("XB_ENV", "%q: want development or production", c.Env)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("XB_LOG_LEVEL", "%q: want debug, info, warn or error", c.LogLevel)
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		bad("XB_TIMEZONE", "%q is not a known time zone", c.Timezone)
	}
	if err := checkListenAddr(c.HTTPAddr); err != nil {
		bad("XB_HTTP_ADDR", "%v", err)
	}
	if c.DebugAddr != "" {
		if err := checkListenAddr(c.DebugAddr); err != nil {
			bad("XB_DEBUG_ADDR", "%v", err)
		} else if host, _, _ := net.SplitHostPort(c.DebugAddr); !loopback(host) {
			// The profiler shows memory and goroutines: never to the network.
			bad("XB_DEBUG_ADDR", "%q: the profiler listens on a loopback address only (127.0.0.1:6060, [::1]:6060, localhost:6060)", c.DebugAddr)
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("XB_PUBLIC_URL", "%q is not an http(s) URL", c.PublicURL)
		}
	}
	for key, d := range map[string]time.Duration{
		"XB_HTTP_READ_TIMEOUT": c.ReadTimeout, "XB_HTTP_WRITE_TIMEOUT": c.WriteTimeout,
		"XB_HTTP_IDLE_TIMEOUT": c.IdleTimeout, "XB_SHUTDOWN_TIMEOUT": c.ShutdownTimeout,
		"XB_DB_CONNECT_TIMEOUT": c.DBConnectTimeout, "XB_TOKEN_TTL": c.TokenTTL,
		"XB_ADMIN_SESSION_TTL": c.AdminTTL, "XB_BIND_WINDOW": c.BindWindow, "XB_INVITE_TTL": c.InviteTTL,
	} {
		if d <= 0 {
			bad(key, "must be a positive duration, got %s", d)
		}
	}
	if c.BodyLimit < 1024 {
		bad("XB_HTTP_BODY_LIMIT", "must be at least 1KiB, got %d bytes", c.BodyLimit)
	}
	if c.UploadLimit < 1024 {
		bad("XB_UPLOAD_LIMIT", "must be at least 1KiB, got %d bytes", c.UploadLimit)
	}
	for _, cidr := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(cidr); err != nil && net.ParseIP(cidr) == nil {
			bad("XB_TRUSTED_PROXIES", "%q is not an IP or CIDR", cidr)
		}
	}
	if c.DataDir == "" {
		bad("XB_DATA_DIR", "must not be empty")
	}
	if c.DBDSN != "" && !strings.Contains(c.DBDSN, "@tcp(") && !strings.Contains(c.DBDSN, "@unix(") && !strings.Contains(c.DBDSN, "@/") {
		bad("XB_DB_DSN", "not a MySQL DSN (want user:pass@tcp(host:3306)/dbname?parseTime=true)")
	}
	if c.DBMaxOpenConns < 1 {
		bad("XB_DB_MAX_OPEN_CONNS", "must be at least 1")
	}
	if c.DBMaxIdleConns < 0 || c.DBMaxIdleConns > c.DBMaxOpenConns {
		bad("XB_DB_MAX_IDLE_CONNS", "must be between 0 and XB_DB_MAX_OPEN_CONNS")
	}
	if c.RedisAddr != "" {
		if _, port, err := net.SplitHostPort(c.RedisAddr); err != nil || port == "" {
			bad("XB_REDIS_ADDR", "%q is not host:port", c.RedisAddr)
		}
	}
	if c.RedisDB < 0 || c.RedisDB > 15 {
		bad("XB_REDIS_DB", "must be between 0 and 15")
	}
	if c.WeChatAPIBase != "" {
		if u, err := url.Parse(c.WeChatAPIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("XB_WECHAT_API_BASE", "%q is not an http(s) URL", c.WeChatAPIBase)
		}
	}
	if (c.MiniappAppID == "") != (c.MiniappSecret == "") {
		bad("XB_MINIAPP_SECRET", "XB_MINIAPP_APPID and XB_MINIAPP_SECRET are set together or not at all")
	}
	if (c.OfficialAppID == "") != (c.OfficialSecret == "") {
		bad("XB_OFFICIAL_SECRET", "XB_OFFICIAL_APPID and XB_OFFICIAL_SECRET are set together or not at all")
	}
	if c.OfficialAppID != "" && c.OfficialToken == "" {
		bad("XB_OFFICIAL_TOKEN", "required when XB_OFFICIAL_APPID is set (the callback Token)")
	}
	if c.OfficialAESKey != "" && len(c.OfficialAESKey) != 43 {
		bad("XB_OFFICIAL_AES_KEY", "must be the 43-character EncodingAESKey, got %d characters", len(c.OfficialAESKey))
	}
	if c.CallbackWindow < 10*time.Second || c.CallbackWindow > time.Hour {
		bad("XB_WECHAT_CALLBACK_WINDOW", "must be between 10s and 1h, got %s", c.CallbackWindow)
	}
	if c.CallbackDeadline < 100*time.Millisecond || c.CallbackDeadline > 4500*time.Millisecond {
		bad("XB_WECHAT_CALLBACK_DEADLINE", "must be between 100ms and 4.5s (WeChat gives up after 5 s), got %s", c.CallbackDeadline)
	}
	if c.CallbackMaxBody < 1024 || c.CallbackMaxBody > 1<<20 {
		bad("XB_WECHAT_CALLBACK_MAX_BODY", "must be between 1KiB and 1MiB, got %d bytes", c.CallbackMaxBody)
	}
	if c.PIIKeys != "" {
		if _, err := ParseKeyRing(c.PIIKeys); err != nil {
			bad("XB_PII_KEYS", "%v", err)
		}
	}
	if c.PIIIndexKey != "" {
		if k, err := base64.StdEncoding.DecodeString(c.PIIIndexKey); err != nil || len(k) < 32 {
			bad("XB_PII_INDEX_KEY", "must be base64 of at least 32 bytes")
		}
	}
	if c.TokenSecret != "" {
		if k, err := base64.StdEncoding.DecodeString(c.TokenSecret); err != nil || len(k) < 32 {
			bad("XB_TOKEN_SECRET", "must be base64 of at least 32 bytes")
		}
	}
	if c.Production() {
		for key, v := range map[string]string{"XB_PII_KEYS": c.PIIKeys, "XB_PII_INDEX_KEY": c.PIIIndexKey, "XB_TOKEN_SECRET": c.TokenSecret} {
			if v == "" {
				bad(key, "required in production (outside production a key is generated into XB_DATA_DIR)")
			}
		}
		if c.Demo {
			bad("XB_DEMO", "the demo cannot run with XB_ENV=production")
		}
	}
	if c.BindLimit < 1 {
		bad("XB_BIND_LIMIT", "must be at least 1")
	}
	if c.AdminLoginLimit < 1 {
		bad("XB_ADMIN_LOGIN_LIMIT", "must be at least 1")
	}
	c.validatePush(bad)
	if c.PaymentGraceDays < 0 || c.PaymentGraceDays > 90 {
		bad("XB_PAYMENT_GRACE_DAYS", "must be between 0 and 90")
	}
	c.validateMatching(bad)
	if c.SubsidyCacheTTL < 0 || c.SubsidyCacheTTL > 24*time.Hour {
		bad("XB_SUBSIDY_CACHE_TTL", "must be between 0 (no cache) and 24h")
	}
	if c.SubsidyLocalCache < 0 || c.SubsidyLocalCache > 16<<30 {
		bad("XB_SUBSIDY_LOCAL_CACHE", "must be between 0 (off) and 16GiB")
	}
	return errors.Join(errs...)
}

func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (examples: :8080, 127.0.0.1:8080)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q has no valid port", addr)
	}
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// KeyRing is a parsed XB_PII_KEYS: AES-256 keys by id, the first active.
type KeyRing struct {
	ActiveID string
	Keys     map[string][]byte
}

// ParseKeyRing reads "id:base64,id:base64"; the first key encrypts new values
// and the others only decrypt, which is how keys are rotated.
func ParseKeyRing(s string) (KeyRing, error) {
	ring := KeyRing{Keys: map[string][]byte{}}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, b64, ok := strings.Cut(part, ":")
		if !ok || id == "" || len(id) > 16 {
			return ring, fmt.Errorf("%q: want id:base64 with an id of 1 to 16 characters", redactKey(part))
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(key) != 32 {
			return ring, fmt.Errorf("key %q: want base64 of exactly 32 bytes", id)
		}
		if _, dup := ring.Keys[id]; dup {
			return ring, fmt.Errorf("key id %q appears twice", id)
		}
		ring.Keys[id] = key
		if ring.ActiveID == "" {
			ring.ActiveID = id
		}
	}
	if ring.ActiveID == "" {
		return ring, errors.New("no key given")
	}
	return ring, nil
}

func redactKey(part string) string {
	if id, _, ok := strings.Cut(part, ":"); ok {
		return id + ":…"
	}
	return "…"
}
