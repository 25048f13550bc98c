package handlers

import (
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// stallProxy forwards TCP to a database and can stop forwarding bytes
// for a while without closing anything: a database that hangs, the
// worst case for a handler with a deadline.
type stallProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	until  time.Time
	conns  []net.Conn
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target}
	t.Cleanup(p.close)
	go p.accept()
	return p
}

func (p *stallProxy) addr() string { return p.ln.Addr().String() }

// stall stops forwarding for d, from now.
func (p *stallProxy) stall(d time.Duration) {
	p.mu.Lock()
	p.until = time.Now().Add(d)
	p.mu.Unlock()
}

func (p *stallProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go p.pipe(up, c)
		go p.pipe(c, up)
	}
}

// pipe copies src to dst, holding every chunk while stalled.
func (p *stallProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.wait()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				src.Close()
			}
			return
		}
	}
}

func (p *stallProxy) wait() {
	for {
		p.mu.Lock()
		left := time.Until(p.until)
		p.mu.Unlock()
		if left <= 0 {
			return
		}
		time.Sleep(min(left, 20*time.Millisecond))
	}
}

func (p *stallProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

// TestBotAnswersWhileTheDatabaseStalls stalls MariaDB for 10 s: the
// message still gets the busy text inside WeChat's limit (the deadline is
// 4 s), its retry gets the same text at once, and once the database is
// back the conversation is recorded, once, as busy.
func TestBotAnswersWhileTheDatabaseStalls(t *testing.T) {
	modeltest.MySQL(t) // empties the package's MariaDB database (skips without MariaDB; fails on CI)
	cfg, err := mysql.ParseDSN(modeltest.MySQLDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := newStallProxy(t, cfg.Addr)
	cfg.Addr = proxy.addr()
	db, err := model.Open(t.Context(), model.Options{DSN: cfg.FormatDSN(), ConnectTimeout: 5 * time.Second, MaxOpenConns: 10,
		MaxIdleConns: 10, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := newBotWorld(t, db)
	if rep := w.send(t, wxmock.ModePlain, w.text(openidHousehold, "补贴")); !strings.Contains(rep.Content, "已到账") {
		t.Fatalf("before the stall: %s", rep.Content)
	}
	w.conversations(t, 1)

	proxy.stall(10 * time.Second)
	stalled := time.Now()
	msg := w.text(openidHousehold, "我的钱到了没")
	for _, mode := range []wxmock.Mode{wxmock.ModeSafe, wxmock.ModePlain} { // the second is WeChat's retry
		start := time.Now()
		rep := w.send(t, mode, msg)
		took := time.Since(start)
		if took >= 4500*time.Millisecond {
			t.Fatalf("%s: answered after %s; WeChat gives up at 5 s", mode, took)
		}
		if rep.Content != "系统繁忙，请稍后再试" {
			t.Fatalf("%s: answered %q, want the busy text", mode, rep.Content)
		}
		t.Logf("%s: busy answer after %s", mode, took.Round(time.Millisecond))
	}
	if time.Since(stalled) > 9*time.Second {
		t.Fatal("the stall ended before the test could check anything")
	}
	// Once the database answers again, the message is recorded once.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var rows []model.ChatMessage
		if err := db.Where("text = ?", "我的钱到了没").Find(&rows).Error; err == nil && len(rows) > 0 {
			if len(rows) != 1 || rows[0].Outcome != model.ChatBusy {
				t.Fatalf("recorded %+v", rows)
			}
			t.Logf("recorded %s after the stall began", time.Since(stalled).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the conversation was never recorded")
		}
	}
	if rep := w.send(t, wxmock.ModePlain, w.text(openidHousehold, "补贴")); !strings.Contains(rep.Content, "已到账") {
		t.Fatalf("after the stall: %s", rep.Content)
	}
}
