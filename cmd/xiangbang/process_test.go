package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

// The tests here run the real binary as a user would.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "xb-bin-*")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "xiangbang")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := modeltest.Run(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// process is a running xiangbang.
type process struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	addr string
	done chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func start(t *testing.T, dir string, env []string, args ...string) *process {
	t.Helper()
	p := &process{addr: freeAddr(t), out: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), append([]string{"XB_HTTP_ADDR=" + p.addr}, env...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("output:\n%s", p.out.String())
		}
	})
	return p
}

func (p *process) url(path string) string { return "http://" + p.addr + path }

// waitReady polls /readyz until 200 or the deadline.
func (p *process) waitReady(t *testing.T, within time.Duration) time.Duration {
	t.Helper()
	startAt := time.Now()
	for time.Since(startAt) < within {
		select {
		case err := <-p.done:
			t.Fatalf("server exited before ready: %v", err)
		default:
		}
		if resp, err := http.Get(p.url("/readyz")); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return time.Since(startAt)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("not ready within %s", within)
	return 0
}

func postJSON(t *testing.T, url, body string) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

func TestServeDemoFromFreshDirectory(t *testing.T) {
	dir := t.TempDir()
	p := start(t, dir, nil, "serve", "--demo")
	took := p.waitReady(t, 30*time.Second)
	t.Logf("ready after %s", took)
	for _, role := range []string{"household", "cadre", "official"} {
		resp, out := postJSON(t, p.url("/api/v1/auth/dev"), `{"role":"`+role+`"}`)
		if resp.StatusCode != 200 || out["token"] == nil {
			t.Fatalf("dev sign-in as %s: %d %v", role, resp.StatusCode, out)
		}
	}
	if !strings.Contains(p.out.String(), "/api/v1/auth/dev") {
		t.Error("the start-up message does not say how to sign in")
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "xiangbang.db")); err != nil {
		t.Errorf("no SQLite file under ./data: %v", err)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("did not stop after SIGTERM")
	}
	// A second start finds the data and does not seed again.
	p2 := start(t, dir, nil, "serve", "--demo")
	p2.waitReady(t, 30*time.Second)
	if !strings.Contains(p2.out.String(), "not seeding") {
		t.Error("second start seeded again")
	}
}

func TestBadConfigurationNamesTheKey(t *testing.T) {
	for key, env := range map[string]string{
		"XB_HTTP_ADDR":        "XB_HTTP_ADDR=eighty",
		"XB_SHUTDOWN_TIMEOUT": "XB_SHUTDOWN_TIMEOUT=forever",
		"XB_REDIS_ADDR":       "XB_REDIS_ADDR=127.0.0.1:1",
		// The bot's data file is read and checked at start, not at the first message.
		"XB_CHATBOT_INTENTS_FILE": "XB_CHATBOT_INTENTS_FILE=/nonexistent/intents.yaml",
	} {
		t.Run(key, func(t *testing.T) {
			cmd := exec.Command(binary, "serve")
			cmd.Dir = t.TempDir()
			cmd.Env = append(os.Environ(), env)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatal("started with a bad value")
			}
			if !strings.Contains(string(out), key) {
				t.Fatalf("output does not name %s:\n%s", key, out)
			}
		})
	}
}

func TestUnreachableDatabaseGivesUp(t *testing.T) {
	cmd := exec.Command(binary, "migrate")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "XB_DB_DSN=root:@tcp(127.0.0.1:1)/nothing", "XB_DB_CONNECT_TIMEOUT=2s")
	startAt := time.Now()
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatal("migrate succeeded without a database")
	}
	if !strings.Contains(string(out), "unreachable") || !strings.Contains(string(out), "retrying") {
		t.Fatalf("no retries or no clear message:\n%s", out)
	}
	if took := time.Since(startAt); took > 15*time.Second {
		t.Fatalf("took %s to give up", took)
	}
}

func TestMigrateTwiceOnSQLite(t *testing.T) {
	dir := t.TempDir()
	for i, want := range []string{"applied 0001_initial", "up to date"} {
		cmd := exec.Command(binary, "migrate")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Fatalf("run %d: %v\n%s", i+1, err, out)
		}
	}
}

// TestDatabaseGoesAwayWhileServing cuts the connection to MariaDB under a
// running server: the API answers 503 with Retry-After, and recovers
// without a restart when the database is back.
func TestDatabaseGoesAwayWhileServing(t *testing.T) {
	dsn := modeltest.MySQLDSN(t)
	proxy := newTCPProxy(t, "127.0.0.1:3306")
	dsn = strings.Replace(dsn, "tcp(127.0.0.1:3306)", "tcp("+proxy.addr()+")", 1)
	p := start(t, t.TempDir(), []string{"XB_DB_DSN=" + dsn, "XB_DEMO=true"}, "serve", "--no-migrate")
	p.waitReady(t, 30*time.Second)

	proxy.cut()
	resp, err := http.Get(p.url("/readyz"))
	if err != nil || resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("readyz with the database gone: %v %v", resp, err)
	}
	resp, out := postJSON(t, p.url("/api/v1/auth/dev"), `{"role":"official"}`)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("API with the database gone: %d %v", resp.StatusCode, out)
	}
	if e, _ := out["error"].(map[string]any); e["code"] != "unavailable" {
		t.Fatalf("error body: %v", out)
	}

	proxy.restore()
	p.waitReady(t, 20*time.Second)
}

// tcpProxy forwards connections to target until cut.
type tcpProxy struct {
	t      *testing.T
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{t: t, ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go p.accept()
	return p
}

func (p *tcpProxy) addr() string { return p.ln.Addr().String() }

func (p *tcpProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *tcpProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	a := &app{cfg: mustDefaultConfig(t), log: newLogger(mustDefaultConfig(t), io.Discard)}
	a.cfg.ShutdownTimeout = 5 * time.Second
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(700 * time.Millisecond)
		w.Write([]byte("finished"))
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	loopStopped := make(chan struct{})
	loops := []loop{{name: "test", run: func(ctx context.Context) error {
		<-ctx.Done()
		close(loopStopped)
		return ctx.Err()
	}}}
	served := make(chan error, 1)
	go func() { served <- serveUntilDone(ctx, a, srv, ln, loops) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	time.Sleep(200 * time.Millisecond)
	cancel() // SIGTERM
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	select {
	case <-loopStopped:
	default:
		t.Fatal("background loop was not stopped")
	}
}

func mustDefaultConfig(t *testing.T) *config.Config {
	t.Helper()
	return config.Default()
}
