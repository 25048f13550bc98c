package push

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/config"
)

func TestFitField(t *testing.T) {
	now := time.Date(2026, 5, 4, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	tests := []struct {
		name, field, in, want string
	}{
		{"thing within 20", "thing1", "最低生活保障金", "最低生活保障金"},
		{"thing cut to 20 with an ellipsis", "thing4", strings.Repeat("长", 25), strings.Repeat("长", 19) + "…"},
		{"phrase cut to 5", "phrase3", "发放失败请核实", "发放失败请"},
		{"empty thing", "thing2", "", "无"},
		{"empty number", "number2", "", "0"},
		{"empty amount", "amount2", "", "0元"},
		{"character_string cut to 32", "character_string5", strings.Repeat("a", 40), strings.Repeat("a", 32)},
		{"month and day get the year", "time2", "5月7日", "2026年5月7日"},
		{"month and day with a clock", "time3", "5月7日 14:00", "2026年5月7日 14:00"},
		{"ISO date", "date4", "2026-06-01", "2026年6月1日"},
		{"full date with clock", "time2", "2026年6月1日 08:05", "2026年6月1日 08:05"},
		{"clock only", "time2", "14:30", "14:30"},
		{"nonsense time is now", "time2", "下周", "2026年5月4日 09:30"},
		{"empty time is now", "time2", "", "2026年5月4日 09:30"},
		{"date of a clock is today", "date1", "", "2026年5月4日"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fitField(tt.field, tt.in, now); got != tt.want {
				t.Errorf("fitField(%s, %q) = %q, want %q", tt.field, tt.in, got, tt.want)
			}
		})
	}
}

func TestRender(t *testing.T) {
	tpl := config.DefaultPushTemplates()
	now := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	data := map[string]string{"item": "最低生活保障金", "amount": "520.00元", "status": "发放失败", "reason": "一卡通账户已注销，请携带身份证到乡镇财政所更新账户", "payment_id": "9"}
	tests := []struct {
		name, kind, channel, page string
		ok                        bool
		wantKey, wantPage         string
		wantField, wantValue      string
	}{
		{"official template", "payment_failed", "template", "", true, "payment", "pages/subsidy/index?id=9", "phrase3", "发放失败"},
		{"subscribe", "payment_failed", "subscribe", "", true, "payment", "pages/subsidy/index?id=9", "thing1", "最低生活保障金"},
		{"page given by the notice wins", "payment_paid", "subscribe", "pages/x?id=1", true, "payment", "pages/x?id=1", "amount2", "520.00元"},
		{"unknown kind uses default", "visit_confirm", "subscribe", "", true, "notice", "pages/index/index", "thing1", "无"},
		{"long remark is cut", "payment_failed", "template", "", true, "payment", "pages/subsidy/index?id=9", "thing4", "一卡通账户已注销，请携带身份证到乡镇财…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := render(tpl, tt.kind, tt.channel, tt.page, data, now)
			if ok != tt.ok || r.TemplateKey != tt.wantKey || r.Page != tt.wantPage || r.Data[tt.wantField] != tt.wantValue {
				t.Fatalf("render = %+v, %v", r, ok)
			}
			for f, v := range r.Data {
				if v == "" || (strings.HasPrefix(f, "thing") && utf8.RuneCountInString(v) > 20) {
					t.Errorf("field %s = %q is not acceptable to WeChat", f, v)
				}
			}
		})
	}
}

// TestRenderVisitDenied: officials following the account get the visit
// check template with the household number whole; others the notice.
func TestRenderVisitDenied(t *testing.T) {
	tpl := config.DefaultPushTemplates()
	data := map[string]string{"household_no": "4199011002010001", "household_id": "7", "village": "柳树村", "cadre": "李四",
		"date": "2026年5月3日", "note": "那天家里没人"}
	now := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	r, ok := render(tpl, "visit_denied", "template", "", data, now)
	if !ok || r.TemplateKey != "visit_check" || r.Page != "pages/cadre/household?id=7" || r.Data["character_string1"] != "4199011002010001" ||
		r.Data["thing2"] != "柳树村" || r.Data["thing3"] != "李四" || r.Data["time4"] != "2026年5月3日" || r.Data["thing5"] != "那天家里没人" {
		t.Fatalf("template message: %+v, %v", r, ok)
	}
	r, ok = render(tpl, "visit_denied", "subscribe", "", data, now)
	if !ok || r.TemplateKey != "notice" || r.Data["thing1"] != "4199011002010001否认走访" || r.Data["thing3"] != "柳树村 李四：那天家里没人" {
		t.Fatalf("subscribe message: %+v, %v", r, ok)
	}
}

func TestBackoffGrowsWithJitterUpToMax(t *testing.T) {
	base, most := 30*time.Second, 10*time.Minute
	for n := 1; n <= 10; n++ {
		want := min(base<<(n-1), most)
		for i := 0; i < 50; i++ {
			if d := backoff(n, base, most); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %s, want between %s and %s", n, d, want/2, want)
			}
		}
	}
}
