package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/push"
	"github.com/xiangbang/xiangbang/service/wechat/wxmock"
)

// TestWorkerKilledMidway queues 5,000 messages, starts `xiangbang worker`
// against wxmock, kills it with SIGKILL midway, and starts another: every
// message is delivered, and WeChat sees no more repeats than the messages
// the dead worker had in flight (leased, outcome unrecorded) when it died.
// The repeats carry the outbox's dedupe key as client_msg_id, so WeChat
// (and wxmock) sends each of them once all the same.
func TestWorkerKilledMidway(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		db, err := model.Open(context.Background(), model.Options{SQLitePath: filepath.Join(dir, "data", "xiangbang.db"), Logger: quietLog})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		killMidway(t, db, dir, []string{"XB_DATA_DIR=" + filepath.Join(dir, "data")})
	})
	t.Run("mariadb", func(t *testing.T) {
		db := modeltest.MySQL(t)
		killMidway(t, db, t.TempDir(), []string{"XB_DB_DSN=" + modeltest.MySQLDSN(t)})
	})
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func killMidway(t *testing.T, db *model.DB, dir string, env []string) {
	const total = 5000
	mock := wxmock.New(wxmock.Options{Templates: config.DefaultPushTemplates().MockTemplates()})
	if err := mock.Start(); err != nil {
		t.Fatal(err)
	}
	defer mock.Close()

	fx := modeltest.NewFixtures(t, db)
	var notices []push.UserNotice
	var users []model.User
	for i := 0; i < 100; i++ {
		u := fx.CadreUser(fx.Cadre("410122100201"))
		openid := fmt.Sprintf("off-%d", u.ID)
		if err := db.Model(&u).Updates(map[string]any{"official_openid": openid, "follows_official": true}).Error; err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	for i := 0; i < total; i++ {
		notices = append(notices, push.UserNotice{UserID: users[i%len(users)].ID, Notice: push.Notice{
			Kind: "report_status", DedupeKey: fmt.Sprintf("kill-test-%d", i),
			Data: map[string]string{"title": "进度", "status": "已受理", "remark": fmt.Sprint(i)}}})
	}
	if n, err := push.EnqueueUsers(context.Background(), db, notices); err != nil || n != total {
		t.Fatalf("queued %d, %v", n, err)
	}

	env = append(env, "XB_WECHAT_API_BASE="+mock.URL(), "XB_SCHEDULER=false", "XB_PUSH_LEASE=3s",
		"XB_PUSH_APP_RATE=100000", "XB_PUSH_POLL=50ms", "XB_PUSH_QUIET_HOURS=", "XB_LOG_LEVEL=warn")
	first := start(t, dir, env, "worker")
	deadline := time.Now().Add(60 * time.Second)
	for len(mock.Messages()) < total/4 {
		if time.Now().After(deadline) {
			t.Fatalf("the first worker sent %d messages in a minute", len(mock.Messages()))
		}
		time.Sleep(2 * time.Millisecond)
	}
	first.cmd.Process.Signal(syscall.SIGKILL)
	<-first.done
	atKill := len(mock.Messages())
	var inFlight int64
	db.Model(&model.OutboxMessage{}).Where("state = ?", model.OutboxLeased).Count(&inFlight)
	t.Logf("killed after %d of %d messages; %d leased, in flight", atKill, total, inFlight)
	if atKill >= total {
		t.Fatal("the worker finished before it was killed")
	}

	metricsAddr := freeAddr(t)
	second := start(t, dir, env, "worker", "--metrics-addr", metricsAddr)
	deadline = time.Now().Add(90 * time.Second)
	for {
		var sent int64
		db.Model(&model.OutboxMessage{}).Where("state = ?", model.OutboxSent).Count(&sent)
		if sent == total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart only %d of %d messages were sent", sent, total)
		}
		time.Sleep(50 * time.Millisecond)
	}
	metrics := getText(t, "http://"+metricsAddr+"/metrics")
	for _, want := range []string{
		`xiangbang_push_outbox_messages{state="sent"}`,
		`xiangbang_push_sends_total{channel="template",outcome="sent"}`,
		`xiangbang_push_send_duration_seconds_count{channel="template"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	second.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-second.done:
		if err != nil {
			t.Fatalf("the second worker's exit after SIGTERM: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the second worker did not stop on SIGTERM")
	}

	delivered := map[string]bool{}
	for _, m := range mock.Messages() {
		delivered[m.ClientMsgID] = true
	}
	for i := 0; i < total; i++ {
		if !delivered[fmt.Sprintf("kill-test-%d", i)] {
			t.Fatalf("message %d was never delivered", i)
		}
	}
	dups := mock.Duplicates()
	t.Logf("repeats seen by WeChat: %d (at most %d allowed)", dups, inFlight)
	if int64(dups) > inFlight {
		t.Fatalf("%d messages went to WeChat twice; only %d were in flight at the kill", dups, inFlight)
	}
	if len(mock.Messages()) != total {
		t.Fatalf("wxmock delivered %d messages, want %d", len(mock.Messages()), total)
	}

	status := exec.Command(binary, "push", "status", "--json")
	status.Dir, status.Env = dir, append(os.Environ(), env...)
	out, err := status.Output()
	if err != nil {
		t.Fatalf("push status: %v", err)
	}
	var st struct {
		Outbox map[string]int64
		Jobs   []struct{ Job string }
	}
	if err := json.Unmarshal(out, &st); err != nil || st.Outbox["sent"] != total || st.Outbox["leased"] != 0 || len(st.Jobs) == 0 {
		t.Fatalf("push status: %v\n%s", err, out)
	}
}

func getText(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
