package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreValid(t *testing.T) {
	c := Default()
	if c.HTTPAddr != ":8080" || c.DataDir != "./data" || c.UsesMySQL() || !c.WeChatDemo() || c.BodyLimit != 1<<20 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xb.yaml")
	os.WriteFile(path, []byte("http_addr: \":9000\"\nshutdown_timeout: 5s\ntrusted_proxies: [10.0.0.0/8, 192.168.1.1]\n"), 0o600)
	c, err := Load(path, envOf(map[string]string{"XB_HTTP_ADDR": "127.0.0.1:9001"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:9001" || c.ShutdownTimeout != 5*time.Second || len(c.TrustedProxies) != 2 {
		t.Fatalf("got %+v", c)
	}
}

func TestBadValuesNameTheKey(t *testing.T) {
	key32 := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	tests := []struct {
		env  map[string]string
		key  string
		file string
	}{
		{env: map[string]string{"XB_HTTP_ADDR": "8080"}, key: "XB_HTTP_ADDR"},
		{env: map[string]string{"XB_DEBUG_ADDR": "0.0.0.0:6060"}, key: "XB_DEBUG_ADDR"},
		{env: map[string]string{"XB_DEBUG_ADDR": ":6060"}, key: "XB_DEBUG_ADDR"},
		{env: map[string]string{"XB_DEBUG_ADDR": "6060"}, key: "XB_DEBUG_ADDR"},
		{env: map[string]string{"XB_SHUTDOWN_TIMEOUT": "soon"}, key: "XB_SHUTDOWN_TIMEOUT"},
		{env: map[string]string{"XB_SHUTDOWN_TIMEOUT": "-1s"}, key: "XB_SHUTDOWN_TIMEOUT"},
		{env: map[string]string{"XB_DB_MAX_OPEN_CONNS": "many"}, key: "XB_DB_MAX_OPEN_CONNS"},
		{env: map[string]string{"XB_DB_DSN": "postgres://x"}, key: "XB_DB_DSN"},
		{env: map[string]string{"XB_REDIS_ADDR": "localhost"}, key: "XB_REDIS_ADDR"},
		{env: map[string]string{"XB_ENV": "staging"}, key: "XB_ENV"},
		{env: map[string]string{"XB_TIMEZONE": "Mars/Olympus"}, key: "XB_TIMEZONE"},
		{env: map[string]string{"XB_HTTP_BODY_LIMIT": "lots"}, key: "XB_HTTP_BODY_LIMIT"},
		{env: map[string]string{"XB_WECHAT_API_BASE": "ftp://x"}, key: "XB_WECHAT_API_BASE"},
		{env: map[string]string{"XB_MINIAPP_APPID": "wx1"}, key: "XB_MINIAPP_SECRET"},
		{env: map[string]string{"XB_OFFICIAL_AES_KEY": "short"}, key: "XB_OFFICIAL_AES_KEY"},
		{env: map[string]string{"XB_PII_KEYS": "k1:notbase64"}, key: "XB_PII_KEYS"},
		{env: map[string]string{"XB_PII_KEYS": "k1:" + key32 + ",k1:" + key32}, key: "XB_PII_KEYS"},
		{env: map[string]string{"XB_ENV": "production"}, key: "XB_PII_KEYS"},
		{env: map[string]string{"XB_DEMO": "maybe"}, key: "XB_DEMO"},
		{env: map[string]string{"XB_WECHAT_CALLBACK_DEADLINE": "5s"}, key: "XB_WECHAT_CALLBACK_DEADLINE"},
		{env: map[string]string{"XB_WECHAT_CALLBACK_DEADLINE": "10ms"}, key: "XB_WECHAT_CALLBACK_DEADLINE"},
		{env: map[string]string{"XB_WECHAT_CALLBACK_WINDOW": "1s"}, key: "XB_WECHAT_CALLBACK_WINDOW"},
		{env: map[string]string{"XB_WECHAT_CALLBACK_MAX_BODY": "8MiB"}, key: "XB_WECHAT_CALLBACK_MAX_BODY"},
		{env: map[string]string{"XB_PAYMENT_GRACE_DAYS": "-1"}, key: "XB_PAYMENT_GRACE_DAYS"},
		{env: map[string]string{"XB_SUBSIDY_CACHE_TTL": "-1m"}, key: "XB_SUBSIDY_CACHE_TTL"},
		{env: map[string]string{"XB_SUBSIDY_CACHE_TTL": "48h"}, key: "XB_SUBSIDY_CACHE_TTL"},
		{env: map[string]string{"XB_SUBSIDY_LOCAL_CACHE": "lots"}, key: "XB_SUBSIDY_LOCAL_CACHE"},
		{file: "http_adr: \":1\"\n", key: "http_adr"},
		{file: "shutdown_timeout: [1, 2\n", key: "--config"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			path := ""
			if tc.file != "" {
				path = filepath.Join(t.TempDir(), "bad.yaml")
				os.WriteFile(path, []byte(tc.file), 0o600)
			}
			_, err := Load(path, envOf(tc.env))
			if err == nil {
				t.Fatal("accepted")
			}
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("error %q does not name %s", err, tc.key)
			}
		})
	}
}

func TestSecretsNeverLogged(t *testing.T) {
	c, err := Load("", envOf(map[string]string{"XB_DB_DSN": "u:hunter2@tcp(db:3306)/x", "XB_REDIS_PASSWORD": "sesame"}))
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprint(c.LogValue())
	if strings.Contains(out, "hunter2") || strings.Contains(out, "sesame") {
		t.Fatalf("secret in log value: %s", out)
	}
	if !strings.Contains(out, "XB_DB_DSN=[set]") {
		t.Fatalf("a set secret should say so: %s", out)
	}
}

func TestKeysDocumentEveryField(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys() {
		if !strings.HasPrefix(k.Env, "XB_") || k.YAML == "" || k.Help == "" {
			t.Errorf("key %+v lacks a name, YAML key or help", k)
		}
		if seen[k.Env] {
			t.Errorf("key %s twice", k.Env)
		}
		seen[k.Env] = true
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]Bytes{"1024": 1024, "8MiB": 8 << 20, "512 KiB": 512 << 10, "1GB": 1 << 30} {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "1.5MiB", "MiB"} {
		if _, err := ParseBytes(bad); err == nil {
			t.Errorf("ParseBytes(%q) accepted", bad)
		}
	}
}

// TestREADMEListsEveryKey keeps the README's configuration table complete:
// deployment scripts are written from it.
func TestREADMEListsEveryKey(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		if !strings.Contains(string(raw), "`"+k.Env+"`") {
			t.Errorf("README.md does not list %s (run: xiangbang config --markdown)", k.Env)
		}
	}
}
