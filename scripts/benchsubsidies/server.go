package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/handlers"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/photo"
	"github.com/xiangbang/xiangbang/service/report"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

// server builds the real router on the database and kv store, as serve
// does, and starts the cache's invalidation listener until ctx ends;
// cacheTTL 0 turns the household summary cache off, localCache sizes its
// in-process first level.
func server(ctx context.Context, db *model.DB, store kv.Store, secret []byte, cacheTTL time.Duration, localCache int) (http.Handler, *auth.Service, error) {
	gin.SetMode(gin.ReleaseMode)
	cfg := config.Default()
	cfg.SubsidyCacheTTL = cacheTTL
	quiet := slog.New(slog.DiscardHandler)
	tokens, err := auth.NewTokens(db, store, secret, nil)
	if err != nil {
		return nil, nil, err
	}
	a, err := auth.New(db, tokens, auth.Options{TokenTTL: cfg.TokenTTL, AdminTTL: cfg.AdminTTL})
	if err != nil {
		return nil, nil, err
	}
	auditLog, err := audit.New(db, nil)
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "xb-bench-photos-*")
	if err != nil {
		return nil, nil, err
	}
	disk, err := photo.NewDisk(dir)
	if err != nil {
		return nil, nil, err
	}
	photos, err := photo.New(db, disk, int64(cfg.UploadLimit))
	if err != nil {
		return nil, nil, err
	}
	subsidies, err := subsidy.New(db, store, auditLog, subsidy.Options{GraceDays: cfg.PaymentGraceDays, CacheTTL: cfg.SubsidyCacheTTL,
		LocalCacheBytes: localCache,
		Location:        cfg.Location(), Logger: quiet})
	if err != nil {
		return nil, nil, err
	}
	go subsidies.Listen(ctx)
	reports, err := report.New(db, subsidies, auditLog, report.Options{Policy: config.DefaultPolicy(), Location: cfg.Location(), Logger: quiet})
	if err != nil {
		return nil, nil, err
	}
	h, err := handlers.New(handlers.Deps{Config: cfg, Logger: quiet, DB: db, KV: store, Registry: handlers.NewRegistry(),
		Auth: a, Audit: auditLog, Photos: photos, Subsidies: subsidies, Reports: reports})
	return h, a, err
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

// listen serves h on a loopback port and returns its base URL.
func listen(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// signIn issues tokens for n distinct random households' users.
func signIn(ctx context.Context, db *model.DB, a *auth.Service, n, households int) ([]string, error) {
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
				s, err := a.SignInUser(ctx, lo+int64(ids[i]), "127.0.0.1", "bench")
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
	rows := make([]model.SubsidyItem, len(items))
	for i, it := range items {
		rows[i] = model.SubsidyItem{Code: it.Code, Name: it.Name, Department: it.Department, ViaCard: it.ViaCard, Payee: it.Payee, Schedule: it.Schedule}
	}
	return db.SyncSubsidyItems(ctx, rows)
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
// page (counts reused), a village, the overdue list.
func adminLists(ctx context.Context, db *model.DB, a *auth.Service, client *http.Client, base string) ([]adminTime, error) {
	official := model.AdminUser{Username: fmt.Sprintf("bench-%d", time.Now().UnixNano()), DisplayName: "压测县民政局",
		PasswordHash: "-", Role: model.AdminOfficial, RegionScope: "419901"}
	if err := db.WithContext(ctx).Create(&official).Error; err != nil {
		return nil, err
	}
	signed, err := a.SignInAdmin(ctx, official.ID, "127.0.0.1", "bench")
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
		"/payments/overdue", "/payments/overdue?region=419901103"} {
		if _, err := get(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}
