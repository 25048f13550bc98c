package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/auth"
)

// serveProcess builds xiangbang and runs `serve` on the benchmark's
// database and Redis, as a deployment would (worker and scheduler off), and
// returns its base URL. cacheTTL 0 turns the household summary cache off,
// localCache sizes its in-process first level. The process stops with ctx.
func serveProcess(ctx context.Context, bin, dsn, redisAddr, prefix string, secret []byte, cacheTTL time.Duration, localCache int) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	dir, err := os.MkdirTemp("", "xb-bench-serve-*")
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, bin, "serve", "--no-migrate")
	cmd.Env = append(os.Environ(),
		"XB_HTTP_ADDR="+addr, "XB_DATA_DIR="+dir, "XB_DB_DSN="+dsn, "XB_REDIS_ADDR="+redisAddr, "XB_REDIS_PREFIX="+prefix,
		"XB_TOKEN_SECRET="+base64.StdEncoding.EncodeToString(secret), "XB_WORKER=false", "XB_SCHEDULER=false",
		"XB_LOG_LEVEL=warn", "XB_DB_MAX_OPEN_CONNS=40", "XB_DB_MAX_IDLE_CONNS=40",
		"XB_SUBSIDY_CACHE_TTL="+cacheTTL.String(), "XB_SUBSIDY_LOCAL_CACHE="+strconv.Itoa(localCache))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // gone with us, however we end
	if err := cmd.Start(); err != nil {
		return "", err
	}
	go func() { cmd.Wait(); os.RemoveAll(dir) }()
	base := "http://" + addr
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base, nil
			}
		}
	}
	return "", errors.New("serve did not become ready in 60 s")
}

// buildBinary compiles xiangbang into a temporary directory.
func buildBinary() (string, error) {
	dir, err := os.MkdirTemp("", "xb-bench-bin-*")
	if err != nil {
		return "", err
	}
	bin := dir + "/xiangbang"
	out, err := exec.Command("go", "build", "-o", bin, "./cmd/xiangbang").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// bareProcess runs this program again as a server of the bare route alone
// (serveBareIfAsked), so that the bare route, like the real one, runs in a
// process of its own: neither shares a Go scheduler with the load.
func bareProcess(ctx context.Context, size int) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), bareAddrEnv+"="+addr, bareSizeEnv+"="+strconv.Itoa(size))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // gone with us, however we end
	if err := cmd.Start(); err != nil {
		return "", err
	}
	go cmd.Wait()
	base := "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/bare"); err == nil {
			resp.Body.Close()
			return base, nil
		}
	}
	return "", errors.New("the bare server did not answer in 10 s")
}

const (
	bareAddrEnv = "XB_BENCH_BARE_ADDR"
	bareSizeEnv = "XB_BENCH_BARE_SIZE"
)

// serveBareIfAsked serves the bare route and never returns when this
// process was started by bareProcess.
func serveBareIfAsked() {
	addr := os.Getenv(bareAddrEnv)
	if addr == "" {
		return
	}
	size, _ := strconv.Atoi(os.Getenv(bareSizeEnv))
	gin.SetMode(gin.ReleaseMode)
	srv := &http.Server{Addr: addr, Handler: bare(size), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

// bare is a gin engine with one route returning a fixed JSON body of size bytes.
func bare(size int) http.Handler {
	e := gin.New()
	pad := max(size-len(`{"pad":""}`), 0)
	body := []byte(`{"pad":"` + strings.Repeat("x", pad) + `"}`)
	length := strconv.Itoa(len(body))
	e.GET("/bare", func(c *gin.Context) {
		c.Header("Content-Length", length) // as the subsidies route does
		c.Data(http.StatusOK, "application/json; charset=utf-8", body)
	})
	return e
}

// signIn issues tokens for n distinct random households' users.
func signIn(ctx context.Context, db *model.DB, a *auth.Tokens, n, households int) ([]string, error) {
	n = min(n, households)
	var lo int64
	db.WithContext(ctx).Raw("SELECT MIN(id) FROM users").Row().Scan(&lo)
	ids := rand.Perm(households)[:n]
	out := make([]string, n)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	next := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s, err := a.Issue(ctx, model.SubjectUser, lo+int64(ids[i]), "127.0.0.1", "bench", 24*time.Hour)
				if err != nil {
					errs <- err
					return
				}
				out[i] = s.Token
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	log.Printf("  %-28s %9d       %6.1fs", "signed in", n, time.Since(start).Seconds())
	return out, nil
}

// averageSize fetches a sample of answers and returns their mean length.
func averageSize(ctx context.Context, client *http.Client, url string, tokens []string) (int, error) {
	total := 0
	for _, tok := range tokens {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("sample request: %d %s", resp.StatusCode, b)
		}
		total += len(b)
	}
	if len(tokens) == 0 {
		return 0, errors.New("no tokens")
	}
	return total / len(tokens), nil
}

func syncCatalogue(ctx context.Context, db *model.DB) error {
	items, err := config.LoadSubsidyItems("")
	if err != nil {
		return err
	}
	return db.SyncSubsidyItems(ctx, model.SubsidyItemRows(items))
}

// dropKeys removes the run's Redis keys.
func dropKeys(rc *redis.Client, prefix string) {
	ctx := context.Background()
	iter := rc.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	n := 0
	for iter.Next(ctx) {
		rc.Del(ctx, iter.Val())
		n++
	}
	log.Printf("removed %d Redis keys under %s", n, prefix)
}

type adminTime struct {
	what         string
	took         time.Duration
	items, total int
}

// adminLists times the officials' payment lists for a county official, one
// request at a time: the first page (counts and sums computed), the next
// page (counts reused), a village, the overdue list, and the dashboard
// (every figure read fresh).
func adminLists(ctx context.Context, db *model.DB, a *auth.Tokens, client *http.Client, base string) ([]adminTime, error) {
	official := model.AdminUser{Username: fmt.Sprintf("bench-%d", time.Now().UnixNano()), DisplayName: "压测县民政局",
		PasswordHash: "-", Role: model.AdminOfficial, RegionScope: "419901"}
	if err := db.WithContext(ctx).Create(&official).Error; err != nil {
		return nil, err
	}
	signed, err := a.Issue(ctx, model.SubjectAdmin, official.ID, "127.0.0.1", "bench", time.Hour)
	if err != nil {
		return nil, err
	}
	var out []adminTime
	get := func(path string) (string, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/admin/api"+path, nil)
		req.Header.Set("Authorization", "Bearer "+signed.Token)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var page struct {
			Items      []json.RawMessage   `json:"items"`
			NextCursor string              `json:"next_cursor"`
			Total      struct{ Count int } `json:"total"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || resp.StatusCode != 200 {
			return "", fmt.Errorf("%s: %d %v", path, resp.StatusCode, err)
		}
		out = append(out, adminTime{what: "GET /admin/api" + path, took: time.Since(t0), items: len(page.Items), total: page.Total.Count})
		return page.NextCursor, nil
	}
	next, err := get("/payments")
	if err != nil {
		return nil, err
	}
	for _, p := range []string{"/payments?cursor=" + next, "/payments?region=419901105212", "/payments?status=overdue&item=dibao",
		"/payments/overdue", "/payments/overdue?region=419901103", "/payments?late=true", "/dashboard"} {
		if _, err := get(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}
