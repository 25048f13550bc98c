package handlers

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/demo"
	"github.com/xiangbang/xiangbang/service/wechat"
)

const demoPassword = "xiangbang-demo"

// TestConsoleInBrowser is an official's day in the console: sign in, read
// the dashboard, follow a figure to its list, filter and search the
// households, open one (audited), export, answer a report, import a file
// and download its rejected rows, retry a failed push, manage a pairing,
// take a cadre out of post,
// see the demo's WeChat messages, and sign out.
func TestConsoleInBrowser(t *testing.T) {
	b := newBrowser(t)
	h, srv := demoServer(t, 120)
	county := demo.DemoOfficials[0].Username

	t.Run("a wrong password is refused", func(t *testing.T) {
		b.do(t,
			chromedp.Navigate(srv.URL+"/admin/"),
			chromedp.WaitVisible(chromedp.ID("login-form")),
			chromedp.SendKeys(chromedp.ID("username"), county),
			chromedp.SendKeys(chromedp.ID("password"), "wrong-password"),
			chromedp.Click(chromedp.ID("login-submit")),
		)
		msg := eval[string](t, b, `new Promise(r => { const t0 = Date.now(); (function poll() {
			const e = document.querySelector('.login-error'); if (e && e.textContent) return r(e.textContent);
			if (Date.now() - t0 > 10000) return r(''); setTimeout(poll, 20); })(); })`)
		if !strings.Contains(msg, "用户名或密码错误") {
			t.Fatalf("login error %q", msg)
		}
	})

	t.Run("sign in and read the dashboard", func(t *testing.T) {
		b.signIn(t, srv.URL, county, demoPassword)
		if scope := eval[string](t, b, `document.getElementById('scope-name').textContent`); scope != "乡帮演示县" {
			t.Errorf("scope shown %q", scope)
		}
		for _, id := range []string{"chart-payments"} {
			if !eval[bool](t, b, fmt.Sprintf(`!!document.querySelector('#%s canvas')`, id)) {
				t.Errorf("chart %s was not drawn", id)
			}
		}
		for _, id := range []string{"overdue-villages", "coverage-villages", "report-status", "push-states", "visit-denied"} {
			if n := eval[int](t, b, fmt.Sprintf(`document.querySelectorAll('#%s li a[href^="#/"]').length`, id)); n == 0 {
				t.Errorf("the figures of %s were not drawn as links", id)
			}
		}
		overdue := eval[string](t, b, `document.querySelector('#kpi-overdue .card-value').textContent`)
		if !strings.HasSuffix(overdue, "笔") || overdue == "0 笔" {
			t.Errorf("overdue figure %q", overdue)
		}
	})

	t.Run("a dashboard figure opens the list behind it", func(t *testing.T) {
		want := eval[string](t, b, `document.querySelector('#kpi-visits .card-sub').textContent`)
		if state := b.navigate(t, "households", chromedp.Click(chromedp.ID("kpi-visits"))); state != "ready" {
			t.Fatalf("households view: %s", state)
		}
		title := eval[string](t, b, `document.querySelector('#view h1').textContent`)
		hash := eval[string](t, b, `location.hash`)
		if title != "未按期走访的农户" || !strings.Contains(hash, "visit=overdue") {
			t.Fatalf("the visits figure (%s) opened %q at %s", want, title, hash)
		}
		if len(b.column(t, 0)) == 0 {
			t.Fatal("the list behind the figure is empty")
		}
	})

	t.Run("the denied visits figure opens the visits the households denied", func(t *testing.T) {
		b.open(t, "#/dashboard", "dashboard")
		figure := eval[string](t, b, `document.querySelector('#visit-denied strong').textContent`)
		if state := b.navigate(t, "visits", chromedp.Click(chromedp.CSS(`#visit-denied a`))); state != "ready" {
			t.Fatalf("visits view: %s", state)
		}
		hash := eval[string](t, b, `location.hash`)
		if !strings.Contains(hash, "confirmation=denied") || !strings.Contains(hash, "since=") {
			t.Fatalf("the denied figure (%s) opened %s", figure, hash)
		}
		rows := b.column(t, 6)
		if fmt.Sprintf("%d 次", len(rows)) != figure {
			t.Errorf("the dashboard says %s, the list shows %d", figure, len(rows))
		}
		for _, c := range rows {
			if c != "农户否认" {
				t.Fatalf("the list of denied visits shows %q", c)
			}
		}
	})

	t.Run("filter the households list", func(t *testing.T) {
		b.open(t, "#/households", "households")
		all := len(b.column(t, 0))
		state := b.navigate(t, "households",
			chromedp.SetValue(chromedp.CSS(`#view select[name="class"]`), "monitored"),
			chromedp.Click(chromedp.CSS(`#view form.filters button[type="submit"]`)),
		)
		if state != "ready" || !strings.Contains(eval[string](t, b, `location.hash`), "class=monitored") {
			t.Fatalf("after filtering: %s", state)
		}
		classes := b.column(t, 3)
		if len(classes) == 0 || len(classes) >= all {
			t.Fatalf("%d monitored households of %d shown", len(classes), all)
		}
		for _, c := range classes {
			if c == model.HouseholdClasses[model.ClassPovertyAlleviated] {
				t.Fatalf("a 脱贫户 is listed under 监测对象: %v", classes)
			}
		}
	})

	t.Run("search by the head's name", func(t *testing.T) {
		var hh model.Household
		must(t, h.db.Order("id").Offset(7).First(&hh).Error)
		b.open(t, "#/households", "households")
		b.navigate(t, "households",
			chromedp.SendKeys(chromedp.CSS(`#view input[name="q"]`), hh.HeadName),
			chromedp.Click(chromedp.CSS(`#view form.filters button[type="submit"]`)),
		)
		heads := b.column(t, 1)
		if len(heads) == 0 {
			t.Fatalf("no household found for %s", hh.HeadName)
		}
		for _, name := range heads {
			if !strings.Contains(name, hh.HeadName) {
				t.Fatalf("searching %q lists %q", hh.HeadName, name)
			}
		}
	})

	t.Run("open a household: masked and audited", func(t *testing.T) {
		b.open(t, "#/households?region=419901100201", "households")
		id := eval[string](t, b, `document.querySelector('#view a.household-link').getAttribute('href').split('/').pop()`)
		if state := b.navigate(t, "households/"+id, chromedp.Click(chromedp.CSS(`#view a.household-link`))); state != "ready" {
			t.Fatalf("household view: %s", state)
		}
		text := eval[string](t, b, `document.getElementById('view').innerText`)
		if !strings.Contains(text, "家庭成员") || !strings.Contains(text, "**********") {
			t.Fatalf("household file lacks members or masked ID numbers: %.300s", text)
		}
		var n int64
		must(t, h.db.Model(&model.AuditEntry{}).Where("action = ? AND target_id = ? AND actor_kind = ?", "household.read", id, "official").Count(&n).Error)
		if n != 1 {
			t.Fatalf("%d audit entries for opening household %s", n, id)
		}
	})

	t.Run("export the households as XLSX", func(t *testing.T) {
		b.open(t, "#/households?flag=&class=monitored", "households")
		got := eval[[]string](t, b, `fetch(document.getElementById('export').href).then(r => [String(r.status), r.headers.get('content-type') || ''])`)
		if got[0] != "200" || !strings.Contains(got[1], "spreadsheetml") {
			t.Fatalf("export answered %v", got)
		}
	})

	t.Run("answer a report", func(t *testing.T) {
		b.open(t, "#/reports?status=open", "reports")
		b.skipIfMissing(t, "answering reports (issue 5)")
		if len(b.column(t, 0)) == 0 {
			t.Fatal("no open report in the demo county")
		}
		id := eval[string](t, b, `document.querySelector('#view button[data-action="acknowledge"]').dataset.report`)
		b.do(t,
			chromedp.Click(chromedp.CSS(`#view button[data-action="acknowledge"]`)),
			chromedp.WaitVisible(chromedp.CSS(`dialog textarea`)),
			chromedp.SendKeys(chromedp.CSS(`dialog textarea`), "已受理，正在与银行核实。"),
		)
		b.navigate(t, "reports", chromedp.Click(chromedp.CSS(`dialog button[type="submit"]`)))
		var r model.Report
		must(t, h.db.First(&r, id).Error)
		if r.Status != model.ReportAcknowledged || r.Answer == nil || !strings.Contains(*r.Answer, "核实") {
			t.Fatalf("report %s after answering: %s %v", id, r.Status, r.Answer)
		}
	})

	t.Run("import a file and download the rejected rows", func(t *testing.T) {
		b.open(t, "#/imports", "imports")
		b.skipIfMissing(t, "imports (issue 10)")
		file := filepath.Join(t.TempDir(), "农户.csv")
		csv := "户编号,户主姓名,行政区划代码,户类型,家庭人口数\n" +
			"419901100201Z001,测试甲,419901100201,脱贫户,3\n" +
			"419901100201Z002,测试乙,419901999999,不知道,-1\n"
		must(t, os.WriteFile(file, []byte(csv), 0o600))
		b.do(t,
			chromedp.SetValue(chromedp.ID("import-kind"), "households"),
			chromedp.SetValue(chromedp.ID("import-mode"), "keep_good"),
			chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{file}),
			chromedp.Click(chromedp.ID("import-submit")),
		)
		status := eval[string](t, b, `new Promise(r => { const t0 = Date.now(); (function poll() {
			const e = document.getElementById('import-run'); const s = e && e.dataset.status;
			if (s === 'done' || s === 'rejected' || s === 'failed') return r(s);
			if (Date.now() - t0 > 20000) return r('timeout'); setTimeout(poll, 50); })(); })`)
		if status != "done" && status != "rejected" {
			t.Fatalf("import ended %s", status)
		}
		got := eval[[]string](t, b, `fetch(document.getElementById('import-report').href).then(r => [String(r.status), r.headers.get('content-type') || ''])`)
		if got[0] != "200" {
			t.Fatalf("the rejected rows report answered %v", got)
		}
	})

	t.Run("filter the overdue payments", func(t *testing.T) {
		b.open(t, "#/overdue", "overdue")
		b.skipIfMissing(t, "payments (issue 5)")
		all := len(b.column(t, 0))
		state := b.navigate(t, "overdue",
			chromedp.SetValue(chromedp.CSS(`#view select[name="region"]`), "419901100201"),
			chromedp.Click(chromedp.CSS(`#view form.filters button[type="submit"]`)),
		)
		if state != "ready" {
			t.Fatalf("after filtering: %s", state)
		}
		if n := len(b.column(t, 0)); n == 0 || n > all {
			t.Fatalf("%d overdue payments in one village, %d in the county", n, all)
		}
		if got := eval[string](t, b, `document.querySelector('#view .status').textContent`); got != "逾期未发" {
			t.Fatalf("status shown %q", got)
		}
	})

	t.Run("publish and close a job", func(t *testing.T) {
		b.open(t, "#/jobs", "jobs")
		b.skipIfMissing(t, "jobs (issue 6)")
		until := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
		b.do(t,
			chromedp.Click(chromedp.ID("job-create")),
			chromedp.WaitVisible(chromedp.CSS(`dialog input[name="title"]`)),
			chromedp.SendKeys(chromedp.CSS(`dialog input[name="title"]`), "浏览器测试缝纫工"),
			chromedp.SendKeys(chromedp.CSS(`dialog input[name="employer"]`), "测试帮扶车间"),
			chromedp.SetValue(chromedp.CSS(`dialog select[name="kind"]`), "workshop"),
			chromedp.SendKeys(chromedp.CSS(`dialog input[name="wage_min"]`), "2500"),
			chromedp.SendKeys(chromedp.CSS(`dialog input[name="wage_max"]`), "3200"),
			chromedp.SendKeys(chromedp.CSS(`dialog input[name="contact_name"]`), "王某"),
			chromedp.SendKeys(chromedp.CSS(`dialog input[name="contact_phone"]`), "13900000000"),
			chromedp.SetValue(chromedp.CSS(`dialog input[name="valid_until"]`), until),
		)
		b.navigate(t, "jobs", chromedp.Click(chromedp.CSS(`dialog button[type="submit"]`)))
		var j model.Job
		must(t, h.db.Where("title = ?", "浏览器测试缝纫工").First(&j).Error)
		if j.Status != "open" || j.WageMinFen != 250000 || j.WageMaxFen != 320000 {
			t.Fatalf("job stored %+v", j)
		}
		b.open(t, "#/jobs?q="+url.QueryEscape(j.Title), "jobs")
		b.do(t,
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#view button[data-close="%d"]`, j.ID))),
			chromedp.WaitVisible(chromedp.CSS(`dialog button[type="submit"]`)),
		)
		b.navigate(t, "jobs", chromedp.Click(chromedp.CSS(`dialog button[type="submit"]`)))
		must(t, h.db.First(&j, j.ID).Error)
		if j.Status != "closed" {
			t.Fatalf("after closing: %s", j.Status)
		}
	})

	t.Run("retry a failed push", func(t *testing.T) {
		var u model.User
		must(t, h.db.Where("role = ? AND household_id IS NOT NULL", model.UserHousehold).Order("id").First(&u).Error)
		m := model.OutboxMessage{DedupeKey: "browser-dead", Channel: model.ChannelSubscribe, Kind: "payment_paid", UserID: &u.ID,
			Openid: *u.MiniappOpenid, TemplateKey: "payment_paid", Payload: `{"amount":"500.00"}`, State: model.OutboxDead, Attempts: 6,
			NextAttemptAt: time.Now().UTC(), LastError: "45009 reach max api daily quota limit"}
		must(t, h.db.Create(&m).Error)
		b.open(t, "#/outbox?state=dead", "outbox")
		b.navigate(t, "outbox", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#view button[data-retry="%d"]`, m.ID))))
		must(t, h.db.First(&m, m.ID).Error)
		if m.State != model.OutboxQueued || m.Attempts != 0 {
			t.Fatalf("after retry: %s, %d attempts", m.State, m.Attempts)
		}
	})

	t.Run("end a pairing from the cadre's page", func(t *testing.T) {
		var p model.Pairing
		must(t, h.db.Where("ended_on IS NULL").Order("id").First(&p).Error)
		path := "cadres/" + strconv.FormatInt(p.CadreID, 10)
		b.open(t, "#/"+path, path)
		b.do(t,
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#pairings button[data-pairing="%d"]`, p.ID))),
			chromedp.WaitVisible(chromedp.CSS(`dialog button[type="submit"]`)),
		)
		b.navigate(t, path, chromedp.Click(chromedp.CSS(`dialog button[type="submit"]`)))
		must(t, h.db.First(&p, p.ID).Error)
		if p.EndedOn.IsZero() {
			t.Fatal("the pairing did not end")
		}
	})

	t.Run("a cadre leaves from their page", func(t *testing.T) {
		// The newest such cadre: the oldest's page is the one open now, and
		// setting the hash it already has would not draw it again.
		var c model.Cadre
		must(t, h.db.Where("status = ? AND id IN (SELECT cadre_id FROM pairings WHERE ended_on IS NULL)", model.CadreActive).Order("id DESC").First(&c).Error)
		var active int64
		must(t, h.db.Model(&model.Pairing{}).Where("cadre_id = ? AND ended_on IS NULL", c.ID).Count(&active).Error)
		path := "cadres/" + strconv.FormatInt(c.ID, 10)
		b.open(t, "#/"+path, path)
		b.do(t, chromedp.Click(chromedp.ID("leave")), chromedp.WaitVisible(chromedp.CSS(`dialog input[type="date"]`)))
		if msg := eval[string](t, b, `document.querySelector('dialog p').textContent`); !strings.Contains(msg, fmt.Sprintf("结束 %d 户的结对", active)) {
			t.Fatalf("the question does not say how many pairings end (%d): %q", active, msg)
		}
		b.navigate(t, path, chromedp.Click(chromedp.CSS(`dialog button[type="submit"]`)))
		must(t, h.db.First(&c, c.ID).Error)
		if c.Status != model.CadreLeft {
			t.Fatalf("status %q after 离岗", c.Status)
		}
		if shown := eval[string](t, b, `(document.getElementById('cadre-status') || {}).textContent || ''`); shown != "离岗" {
			t.Fatalf("the page shows %q", shown)
		}
	})

	t.Run("the demo shows what WeChat received", func(t *testing.T) {
		var u model.User
		must(t, h.db.Where("role = ? AND household_id IS NOT NULL", model.UserHousehold).Order("id").First(&u).Error)
		must(t, h.wx.SendSubscribe(t.Context(), wechat.SubscribeMessage{ToUser: *u.MiniappOpenid, TemplateID: "demo-payment-paid",
			Page: "pages/subsidy/index", Data: map[string]string{"thing1": "最低生活保障", "amount2": "500.00元"}}))
		b.open(t, "#/wxmock", "wxmock")
		text := eval[string](t, b, `(document.getElementById('wxmock-messages') || document.body).innerText`)
		if !strings.Contains(text, "最低生活保障") || !strings.Contains(text, "500.00元") {
			t.Fatalf("the message is not shown: %.300s", text)
		}
	})

	t.Run("sign out", func(t *testing.T) {
		b.do(t, chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login-form")))
		if status := eval[int](t, b, `fetch('/admin/api/me').then(r => r.status)`); status != 401 {
			t.Fatalf("after signing out /admin/api/me answers %d", status)
		}
	})
}

// TestConsoleTownOfficialSeesOnlyTheirTown signs in as the demo's town
// official (青石镇) and checks, in the pages and in the API the pages use,
// that a household of another town cannot be seen.
func TestConsoleTownOfficialSeesOnlyTheirTown(t *testing.T) {
	b := newBrowser(t)
	h, srv := demoServer(t, 120)
	town := demo.DemoOfficials[1]
	var other model.Household
	must(t, h.db.Where("region_code LIKE ?", "419901101%").Order("id").First(&other).Error)

	b.signIn(t, srv.URL, town.Username, demoPassword)
	if scope := eval[string](t, b, `document.getElementById('scope-name').textContent`); scope != "青石镇" {
		t.Fatalf("scope shown %q", scope)
	}

	t.Run("the list holds only the town's households", func(t *testing.T) {
		b.open(t, "#/households?limit=200", "households")
		places := b.column(t, 2)
		if len(places) == 0 {
			t.Fatal("empty list")
		}
		for _, p := range places {
			if !strings.HasPrefix(p, "青石镇") {
				t.Fatalf("a household of %q is listed", p)
			}
		}
		if eval[bool](t, b, fmt.Sprintf(`[...document.querySelectorAll('#view table tbody tr')].some(r => r.innerText.includes(%q))`, other.HouseholdNo)) {
			t.Fatal("another town's household is listed")
		}
	})

	t.Run("another town's household does not open", func(t *testing.T) {
		path := "households/" + strconv.FormatInt(other.ID, 10)
		if state := b.open(t, "#/"+path, path); state != "error" {
			t.Fatalf("opening another town's household: %s", state)
		}
		text := eval[string](t, b, `document.getElementById('view').innerText`)
		if !strings.Contains(text, "不存在或无权查看") || strings.Contains(text, other.HeadName) {
			t.Fatalf("the page shows: %.300s", text)
		}
		if status := eval[int](t, b, fmt.Sprintf(`fetch('/admin/api/households/%d').then(r => r.status)`, other.ID)); status != 404 {
			t.Fatalf("the API answers %d", status)
		}
		var n int64
		must(t, h.db.Model(&model.AuditEntry{}).Where("action = ? AND target_id = ?", "household.read", other.ID).Count(&n).Error)
		if n != 0 {
			t.Fatal("a refused read was audited as a read")
		}
	})

	t.Run("another town cannot be picked", func(t *testing.T) {
		if status := eval[int](t, b, `fetch('/admin/api/households?region=419901101').then(r => r.status)`); status != 403 {
			t.Fatalf("listing another town answers %d", status)
		}
		if status := eval[int](t, b, `fetch('/admin/api/dashboard?region=419901101201').then(r => r.status)`); status != 403 {
			t.Fatalf("another town's dashboard answers %d", status)
		}
	})
}
