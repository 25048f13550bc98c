// Command consoletiming measures how fast the admin console's pages load on
// the demo county, and takes the README's screenshots. It starts the real
// binary (`xiangbang serve --demo`, 2,000 households on SQLite) in a
// temporary directory, signs in as the county official in headless
// chromium, loads each page many times and reports, per page:
//
//   - load: a full page load (navigation to /admin/#/page) until the view
//     is drawn with its data, as the page itself measures it (data-ready-ms:
//     from navigation start), with the browser's cache warm as in daily use;
//   - cold: the same with the browser's cache emptied first;
//   - switch: moving to the page from another inside the console;
//   - api: the server time of each API call the page makes, over HTTP.
//
// Usage (scripts/console-timing.sh wraps it):
//
//	go build -o /tmp/xiangbang ./cmd/xiangbang
//	go run ./scripts/consoletiming -bin /tmp/xiangbang -runs 20 -shots docs/screenshots
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// page is one console view to measure and the API calls it makes.
type page struct {
	name string
	hash string   // console route; {household} and {cadre} are filled in
	path string   // the view's data-path once drawn
	apis []string // what the view fetches
	shot string   // screenshot file name, if one is wanted
}

var pages = []page{
	{"工作台 dashboard", "#/dashboard", "dashboard", []string{"/admin/api/dashboard", "/admin/api/regions"}, "dashboard.png"},
	{"农户名单 households", "#/households", "households", []string{"/admin/api/households"}, "households.png"},
	{"未按期走访 households?visit=overdue", "#/households?visit=overdue", "households", []string{"/admin/api/households?visit=overdue"}, ""},
	{"风险户 households?flag=any", "#/households?flag=any", "households", []string{"/admin/api/households?flag=any"}, ""},
	{"农户详情 household file", "#/households/{household}", "households/{household}", []string{"/admin/api/households/{household}"}, ""},
	{"帮扶干部 cadres", "#/cadres", "cadres", []string{"/admin/api/cadres"}, "cadres.png"},
	{"干部详情 cadre", "#/cadres/{cadre}", "cadres/{cadre}", []string{"/admin/api/cadres/{cadre}"}, ""},
	{"消息推送 outbox", "#/outbox", "outbox", []string{"/admin/api/outbox"}, ""},
	{"审计日志 audit", "#/audit", "audit", []string{"/admin/api/audit"}, ""},
}

func main() {
	bin := flag.String("bin", "", "the xiangbang binary (go build -o /tmp/xiangbang ./cmd/xiangbang)")
	runs := flag.Int("runs", 20, "loads of each page")
	shots := flag.String("shots", "", "directory for the README's screenshots (none when empty)")
	chromium := flag.String("chromium", "", "chromium binary (default: found on PATH)")
	flag.BoolVar(&traceLoads, "trace", false, "print each page's requests (resource timing) after its last load")
	flag.StringVar(&tourDir, "tour", "", "also screenshot every page of the navigation into this directory, for review")
	flag.StringVar(&only, "only", "", "measure only the pages whose name contains this")
	flag.Parse()
	if err := run(*bin, *runs, *shots, *chromium); err != nil {
		fmt.Fprintln(os.Stderr, "consoletiming:", err)
		os.Exit(1)
	}
}

func run(bin string, runs int, shots, chromium string) error {
	if bin == "" {
		return errors.New("-bin is required")
	}
	dir, err := os.MkdirTemp("", "xb-console-timing-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	base, stop, err := startServer(bin, dir)
	if err != nil {
		return err
	}
	defer stop()

	client, err := signedInClient(base)
	if err != nil {
		return err
	}
	ids := map[string]string{}
	for key, q := range map[string]string{"household": "/admin/api/households?limit=1&region=419901100201", "cadre": "/admin/api/cadres?limit=1"} {
		var out struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		if err := getJSON(client, base+q, &out); err != nil || len(out.Items) == 0 {
			return fmt.Errorf("finding a %s: %v", key, err)
		}
		ids[key] = fmt.Sprint(out.Items[0].ID)
	}
	fill := func(s string) string {
		for k, v := range ids {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}

	ctx, cancel, err := startBrowser(chromium)
	if err != nil {
		return err
	}
	defer cancel()
	if err := signIn(ctx, base); err != nil {
		return err
	}

	if tourDir != "" {
		if err := tour(ctx, base, fill("#/households/{household}"), fill("#/cadres/{cadre}")); err != nil {
			return err
		}
	}

	fmt.Printf("| page | full load, warm cache (median / p95) | full load, cold cache (median) | switch inside the console (median / p95) | API server round trip (median / p95) |\n")
	fmt.Printf("| --- | ---: | ---: | ---: | ---: |\n")
	for _, p := range pages {
		if only != "" && !strings.Contains(p.name, only) {
			continue
		}
		hash, path := fill(p.hash), fill(p.path)
		var warm, cold, sw []float64
		for i := 0; i < runs; i++ {
			if i%5 == 0 {
				if _, err := chromedp.Call(ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
					return err
				}
				ms, err := load(ctx, base+"/admin/"+hash, path)
				if err != nil {
					return fmt.Errorf("%s (cold): %w", p.name, err)
				}
				cold = append(cold, ms)
			}
			ms, err := load(ctx, base+"/admin/"+hash, path)
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			warm = append(warm, ms)
			if ms, err = switchTo(ctx, "#/audit?from=timing", "audit", hash, path); err != nil {
				return fmt.Errorf("%s (switch): %w", p.name, err)
			}
			sw = append(sw, ms)
		}
		if traceLoads {
			if err := trace(ctx); err != nil {
				return err
			}
		}
		var api []float64
		for i := 0; i < runs; i++ {
			var total float64
			for _, a := range p.apis {
				ms, err := timeGet(client, base+fill(a))
				if err != nil {
					return fmt.Errorf("%s: %w", a, err)
				}
				total += ms
			}
			api = append(api, total)
		}
		fmt.Printf("| %s | %.0f / %.0f ms | %.0f ms | %.0f / %.0f ms | %.1f / %.1f ms |\n", p.name,
			pct(warm, 50), pct(warm, 95), pct(cold, 50), pct(sw, 50), pct(sw, 95), pct(api, 50), pct(api, 95))
		if shots != "" && p.shot != "" {
			if err := screenshot(ctx, base+"/admin/"+hash, path, filepath.Join(shots, p.shot)); err != nil {
				return err
			}
		}
	}
	return nil
}

// startServer runs `bin serve --demo` on a free port with its data in dir.
func startServer(bin, dir string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--demo")
	cmd.Env = append(os.Environ(), "XB_DATA_DIR="+filepath.Join(dir, "data"), "XB_HTTP_ADDR="+addr, "XB_LOG_LEVEL=warn",
		"XB_PUBLIC_URL=", "XB_DB_DSN=", "XB_REDIS_ADDR=")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	}
	base := "http://" + addr
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base, stop, nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("the server did not become ready: %s", logs.String())
}

func signedInClient(base string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := c.Post(base+"/admin/api/login", "application/json", strings.NewReader(`{"username":"demo-county","password":"xiangbang-demo"}`))
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		return nil, fmt.Errorf("sign-in: %d %s", res.StatusCode, b)
	}
	return c, nil
}

func getJSON(c *http.Client, url string, v any) error {
	res, err := c.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("%s: %d", url, res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

func timeGet(c *http.Client, url string) (float64, error) {
	start := time.Now()
	res, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		return 0, fmt.Errorf("%s: %d", url, res.StatusCode)
	}
	return float64(time.Since(start).Microseconds()) / 1000, err
}

func startBrowser(path string) (context.Context, context.CancelFunc, error) {
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		return nil, nil, errors.New("chromium not found (apt-get install chromium)")
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.WindowSize(1440, 1000))
	ctx, cancel := chromedp.NewContext(actx)
	// A fixed viewport, so the screenshots have one size on every machine.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
		cancel()
		cancelAlloc()
		return nil, nil, err
	}
	return ctx, func() { cancel(); cancelAlloc() }, nil
}

func signIn(ctx context.Context, base string) error {
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx,
		chromedp.Navigate(base+"/admin/"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("username"), "demo-county"),
		chromedp.SendKeys(chromedp.ID("password"), "xiangbang-demo"),
		chromedp.Click(chromedp.ID("login-submit")),
	); err != nil {
		return err
	}
	_, err := waitDrawn(tctx, "dashboard")
	return err
}

// waitDrawn waits for the view at path and returns the page's own
// measure of how long it took (data-ready-ms).
func waitDrawn(ctx context.Context, path string) (float64, error) {
	js := fmt.Sprintf(`(() => { const v = document.getElementById('view');
		return v && !v.dataset.stale && v.dataset.path === %q && v.dataset.state !== 'loading' && v.dataset.readyMs
			? [v.dataset.state, v.dataset.readyMs] : false })()`, path)
	var got []string
	var err error
	for {
		got, err = chromedp.Run(ctx, chromedp.Poll[[]string](js, chromedp.WithPollingInterval(5*time.Millisecond)))
		// A poll that starts while the page is still being replaced loses
		// its JavaScript context: poll again in the new one.
		if err == nil || !strings.Contains(err.Error(), "Cannot find context") || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return 0, err
	}
	if got[0] != "ready" {
		return 0, fmt.Errorf("the view %s ended %s", path, got[0])
	}
	var ms float64
	fmt.Sscan(got[1], &ms)
	return ms, nil
}

func load(ctx context.Context, url, path string) (float64, error) {
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// about:blank first, so the console's URL is a new document and not a
	// change of its hash: every load starts from nothing.
	if err := chromedp.Do(tctx, chromedp.Navigate("about:blank"), chromedp.Navigate(url)); err != nil {
		return 0, err
	}
	return waitDrawn(tctx, path)
}

// switchTo goes to another view first, then to the measured one by its
// link, as an official moving around the console does.
func switchTo(ctx context.Context, viaHash, viaPath, hash, path string) (float64, error) {
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, step := range []struct{ hash, path string }{{viaHash, viaPath}, {hash, path}} {
		if err := chromedp.Do(tctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
			`(() => { const v = document.getElementById('view'); if (v) v.dataset.stale = '1'; location.hash = %q; })()`, step.hash))); err != nil {
			return 0, err
		}
		ms, err := waitDrawn(tctx, step.path)
		if err != nil {
			return 0, err
		}
		if step.hash == hash {
			return ms, nil
		}
	}
	return 0, nil
}

func screenshot(ctx context.Context, url, path, file string) error {
	if _, err := load(ctx, url, path); err != nil {
		return err
	}
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// Let the charts finish their first frame.
	if err := chromedp.Do(tctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
		return err
	}
	png, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, png, 0o644)
}

// pct is the p-th percentile (nearest rank) of xs.
func pct(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// traceLoads prints the requests of each page's last load.
var traceLoads bool

func trace(ctx context.Context) error {
	lines, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
		.map(e => Math.round(e.startTime) + '–' + Math.round(e.responseEnd) + ' ms ' + e.name.replace(location.origin, '') + ' (' + (e.transferSize || 0) + ' B)')
		.concat(performance.getEntriesByType('mark').map(m => Math.round(m.startTime) + ' ms mark ' + m.name))`))
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintln(os.Stderr, "   ", l)
	}
	return nil
}

// tourDir, when set, receives a screenshot of every page; only, when set,
// limits the measured pages.
var tourDir, only string

func tour(ctx context.Context, base string, extra ...string) error {
	hashes := []string{"#/dashboard", "#/households", "#/households?flag=any", "#/flags/villages", "#/payments", "#/overdue", "#/visits",
		"#/cadres", "#/reports", "#/unanswered", "#/jobs", "#/zero-employment", "#/imports", "#/outbox", "#/audit", "#/wxmock"}
	for i, hash := range append(hashes, extra...) {
		path := strings.SplitN(strings.TrimPrefix(hash, "#/"), "?", 2)[0]
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Do(tctx, chromedp.Navigate("about:blank"), chromedp.Navigate(base+"/admin/"+hash))
		if err == nil {
			_, err = waitDrawnAny(tctx, path)
		}
		var png []byte
		if err == nil {
			png, err = chromedp.Run(tctx, chromedp.CaptureScreenshot())
		}
		cancel()
		if err != nil {
			return fmt.Errorf("tour %s: %w", hash, err)
		}
		name := fmt.Sprintf("%02d-%s.png", i, strings.NewReplacer("/", "_", "?", "_", "=", "_", "&", "_").Replace(strings.TrimPrefix(hash, "#/")))
		if err := os.MkdirAll(tourDir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tourDir, name), png, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// waitDrawnAny waits for the view whatever its end state (a page whose API
// is not there yet ends ready with a notice; a refused one ends in error).
func waitDrawnAny(ctx context.Context, path string) (string, error) {
	js := fmt.Sprintf(`(() => { const v = document.getElementById('view');
		return v && v.dataset.path === %q && v.dataset.state !== 'loading' ? v.dataset.state : false })()`, path)
	for {
		state, err := chromedp.Run(ctx, chromedp.Poll[string](js, chromedp.WithPollingInterval(10*time.Millisecond)))
		if err == nil || !strings.Contains(err.Error(), "Cannot find context") || ctx.Err() != nil {
			return state, err
		}
	}
}
