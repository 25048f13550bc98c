package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPushKeysNameTheKey(t *testing.T) {
	tests := []struct {
		env map[string]string
		key string
	}{
		{map[string]string{"XB_PUSH_MAX_ATTEMPTS": "0"}, "XB_PUSH_MAX_ATTEMPTS"},
		{map[string]string{"XB_PUSH_BACKOFF_BASE": "10ms"}, "XB_PUSH_BACKOFF_BASE"},
		{map[string]string{"XB_PUSH_BACKOFF_BASE": "2m", "XB_PUSH_BACKOFF_MAX": "1m"}, "XB_PUSH_BACKOFF_MAX"},
		{map[string]string{"XB_PUSH_LEASE": "1s"}, "XB_PUSH_LEASE"},
		{map[string]string{"XB_PUSH_CONCURRENCY": "0"}, "XB_PUSH_CONCURRENCY"},
		{map[string]string{"XB_PUSH_BATCH": "5000"}, "XB_PUSH_BATCH"},
		{map[string]string{"XB_PUSH_APP_RATE": "0"}, "XB_PUSH_APP_RATE"},
		{map[string]string{"XB_PUSH_JOB_DAILY_CAP": "-1"}, "XB_PUSH_JOB_DAILY_CAP"},
		{map[string]string{"XB_PUSH_QUIET_HOURS": "22-08"}, "XB_PUSH_QUIET_HOURS"},
		{map[string]string{"XB_PUSH_QUIET_HOURS": "08:00-08:00"}, "XB_PUSH_QUIET_HOURS"},
		{map[string]string{"XB_PUSH_DIGEST_AT": "7:30pm"}, "XB_PUSH_DIGEST_AT"},
		{map[string]string{"XB_PUSH_OVERDUE_AT": "24:00"}, "XB_PUSH_OVERDUE_AT"},
		{map[string]string{"XB_PUSH_PAYMENT_SCAN": "10s"}, "XB_PUSH_PAYMENT_SCAN"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			_, err := Load("", envOf(tc.env))
			var ce *Error
			if err == nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("error %v does not name %s", err, tc.key)
			}
		})
	}
	if _, err := Load("", envOf(map[string]string{"XB_PUSH_QUIET_HOURS": ""})); err != nil {
		t.Errorf("empty quiet hours (none) refused: %v", err)
	}
}

func TestQuietHoursRelease(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := func(d, h, m int) time.Time { return time.Date(2026, 5, d, h, m, 0, 0, cst) }
	tests := []struct {
		window string
		now    time.Time
		in     bool
		until  time.Time
	}{
		{"21:00-08:00", at(4, 20, 59), false, time.Time{}},
		{"21:00-08:00", at(4, 21, 0), true, at(5, 8, 0)},
		{"21:00-08:00", at(4, 23, 59), true, at(5, 8, 0)},
		{"21:00-08:00", at(5, 0, 0), true, at(5, 8, 0)},
		{"21:00-08:00", at(5, 7, 59), true, at(5, 8, 0)},
		{"21:00-08:00", at(5, 8, 0), false, time.Time{}},
		{"12:00-14:00", at(4, 13, 0), true, at(4, 14, 0)},
		{"12:00-14:00", at(4, 14, 0), false, time.Time{}},
		{"", at(4, 23, 0), false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.window+" at "+tt.now.Format("15:04"), func(t *testing.T) {
			q, err := ParseQuietHours(tt.window)
			if err != nil {
				t.Fatal(err)
			}
			until, in := q.Release(tt.now)
			if in != tt.in || !until.Equal(tt.until) {
				t.Fatalf("Release = %s, %v; want %s, %v", until, in, tt.until, tt.in)
			}
		})
	}
}

func TestPushTemplatesFile(t *testing.T) {
	shipped := DefaultPushTemplates()
	if shipped.Kind("no_such_kind").Miniapp.Template != "notice" {
		t.Error("an unknown kind does not fall back to default")
	}
	if got := shipped.Advice("账户已销户，退回"); !strings.Contains(got, "注销") {
		t.Errorf("advice for a closed account: %q", got)
	}
	if got := shipped.Advice("其他原因"); got != shipped.DefaultAdvice {
		t.Errorf("advice for an unknown reason: %q", got)
	}
	if ids := shipped.MockTemplates(); len(ids) != len(shipped.Official)+len(shipped.Miniapp) || ids["MINI_PAYMENT_0001"][0] != "thing1" {
		t.Errorf("MockTemplates = %v", ids)
	}
	good := `official: {t: {id: T1, fields: [thing1]}}
miniapp: {m: {id: M1, fields: [thing1, time2]}}
kinds:
  default: {page: pages/index/index, official: {template: t, data: {thing1: "{title}"}}, miniapp: {template: m, data: {thing1: "{title}", time2: "{time}"}}}
default_failure_advice: 请联系村干部
`
	tests := []struct {
		name, file, want string
	}{
		{"good", good, ""},
		{"not yaml", "official: [", "not a valid"},
		{"unknown key", good + "extra: 1\n", "not a valid"},
		{"no default kind", strings.Replace(good, "default:", "other:", 1), `"default" kind is required`},
		{"unfilled field", strings.Replace(good, `, time2: "{time}"`, "", 1), "time2 of template m is not filled"},
		{"field the template lacks", strings.Replace(good, `thing1: "{title}"}}, miniapp`, `thing1: "{title}", thing9: x}}, miniapp`, 1), "has no fields thing9"},
		{"unknown template", strings.Replace(good, "template: t,", "template: nope,", 1), `no official template "nope"`},
		{"absolute page", strings.Replace(good, "page: pages/index/index", "page: /pages/index/index", 1), "mini-program path"},
		{"duplicate id", strings.Replace(good, "{m: {id: M1", "{m: {id: M1, fields: [thing1]}, n: {id: M1", 1), "share the id"},
		{"long advice", strings.Replace(good, "请联系村干部", strings.Repeat("长", 21), 1), "up to 20 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "push.yaml")
			os.WriteFile(path, []byte(tt.file), 0o600)
			_, err := LoadPushTemplates(path)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "XB_PUSH_TEMPLATES_FILE") {
				t.Fatalf("error %v, want one naming XB_PUSH_TEMPLATES_FILE and saying %q", err, tt.want)
			}
		})
	}
}
