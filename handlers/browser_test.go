package handlers

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/demo"
)

// The browser tests drive the console in Debian's chromium, headless,
// against the real router on a seeded demo county. Without chromium they
// are skipped, except on CI (.ci/run installs it), where they fail.

// chromiumPath finds the browser.
func chromiumPath() string {
	if p := os.Getenv("XB_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one headless chromium with its console messages collected.
type browser struct {
	ctx  context.Context
	mu   sync.Mutex
	errs []string
}

// newBrowser starts chromium for the test and stops it at clean-up. Any
// uncaught exception, console.error or security (CSP) message of the page
// fails the test at the end.
func newBrowser(t testing.TB) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if modeltest.OnCI() {
			t.Fatal("chromium is not installed; .ci/run installs it on CI")
		}
		t.Skip("chromium not found (apt-get install chromium); browser tests skipped")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "zh-CN"), chromedp.WindowSize(1440, 900),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("starting chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			// A 404 for an API another part of the project has not delivered
			// yet is logged by the browser as a network error: expected.
			if m.IsException() || (m.Type == chromedp.ConsoleError && m.Source != "network") || m.Source == "security" {
				b.mu.Lock()
				b.errs = append(b.errs, fmt.Sprintf("%s %s:%d %s", m.Type, m.URL, m.Line+1, m.Text))
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
		<-done
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, e := range b.errs {
			t.Errorf("browser console: %s", e)
		}
	})
	return b
}

// do runs actions with a time limit.
func (b *browser) do(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression (promises awaited).
func eval[T any](t testing.TB, b *browser, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browser: %s: %v", js, err)
	}
	return v
}

// waitView waits until the console has drawn the view at path (a route
// pattern's path, e.g. "households" or "households/12") and returns its
// state: ready, or error.
func (b *browser) waitView(t testing.TB, path string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	js := fmt.Sprintf(`(() => { const v = document.getElementById('view');
		return v && !v.dataset.stale && v.dataset.path === %q && v.dataset.state !== 'loading' ? v.dataset.state : false })()`, path)
	state, err := chromedp.Run(ctx, chromedp.Poll[string](js, chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		text, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 500)`))
		t.Fatalf("view %q never finished drawing: %v; the page shows: %s", path, err, text)
	}
	return state
}

// navigate runs actions that lead to another view (or the same view
// drawn again) and waits until it is drawn. The view on screen is marked
// stale first, so the wait cannot mistake it for the new one.
func (b *browser) navigate(t testing.TB, path string, actions ...chromedp.Action[chromedp.Void]) string {
	t.Helper()
	b.do(t, chromedp.Evaluate[chromedp.Void](`(() => { const v = document.getElementById('view'); if (v) v.dataset.stale = '1'; })()`))
	b.do(t, actions...)
	return b.waitView(t, path)
}

// open goes to a console route in the running page and waits for it.
func (b *browser) open(t testing.TB, hash, path string) string {
	t.Helper()
	return b.navigate(t, path, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`location.hash = %q`, hash)))
}

// signIn loads the console and signs in through the form.
func (b *browser) signIn(t testing.TB, base, user, pass string) {
	t.Helper()
	b.do(t,
		chromedp.Navigate(base+"/admin/"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), pass),
		chromedp.Click(chromedp.ID("login-submit")),
	)
	if state := b.waitView(t, "dashboard"); state != "ready" {
		t.Fatalf("dashboard after sign-in: %s", state)
	}
}

// rows reads the text of each cell of column col (0-based) of the view's table.
func (b *browser) column(t testing.TB, col int) []string {
	t.Helper()
	return eval[[]string](t, b, fmt.Sprintf(`[...document.querySelectorAll('#view table tbody tr')].map(r => r.cells[%d].innerText.trim())`, col))
}

// demoServer serves the real router, in demo mode, over HTTP on a demo
// county of n households seeded into SQLite.
func demoServer(t *testing.T, n int) (*harness, *httptest.Server) {
	t.Helper()
	db := modeltest.SQLite(t)
	h := newHarness(t, db, demoMode)
	items, err := config.LoadSubsidyItems("")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SyncSubsidyItems(context.Background(), model.SubsidyItemRows(items)); err != nil {
		t.Fatal(err)
	}
	s, err := demo.NewSeeder(db, modeltest.Cipher(t), demo.Options{Today: model.DateOf(time.Now().In(h.cfg.Location())), Households: n})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seed(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.srv)
	t.Cleanup(srv.Close)
	return h, srv
}

// skipIfMissing skips a test whose page shows that its API has not been
// delivered yet (404 no_such_path): the page is built, the API belongs to
// another issue and the lead unskips after merging it.
func (b *browser) skipIfMissing(t *testing.T, what string) {
	t.Helper()
	if eval[bool](t, b, `!!document.querySelector('#view .api-missing')`) {
		t.Skipf("%s: the API is not merged yet (404 no_such_path); the page shows its notice", what)
	}
}
