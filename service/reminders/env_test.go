package reminders_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/reminders"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

var (
	quiet    = slog.New(slog.NewTextHandler(io.Discard, nil))
	shanghai = time.FixedZone("CST", 8*3600)
)

const village = "410122100201"

type env struct {
	t   *testing.T
	db  *model.DB
	fx  *modeltest.Fixtures
	pol *config.Policy
	r   *reminders.Reminders
}

func newEnv(t *testing.T, db *model.DB) *env {
	t.Helper()
	e := &env{t: t, db: db, fx: modeltest.NewFixtures(t, db), pol: config.DefaultPolicy()}
	e.fx.Region(village, "测试村")
	e.fx.Region("410122100000", "测试镇")
	e.build()
	return e
}

// build makes the jobs again (after the policy changed).
func (e *env) build() {
	r, err := reminders.New(reminders.Deps{DB: e.db, Policy: e.pol, Templates: config.DefaultPushTemplates(), Logger: quiet},
		reminders.Options{Location: shanghai, GraceDays: 5})
	if err != nil {
		e.t.Fatal(err)
	}
	e.r = r
}

// visit records a current (or superseded) visit at a local time.
func (e *env) visit(c model.Cadre, h model.Household, at time.Time, current bool) {
	e.t.Helper()
	v := model.Visit{ClientID: fmt.Sprintf("%036d", time.Now().UnixNano()), CadreID: c.ID, HouseholdID: h.ID, Revision: 1,
		IsCurrent: current, VisitedAt: at.UTC(), ReceivedAt: at.UTC(), LocationFlag: model.LocationOK, Findings: "{}",
		PhotoIDs: "[]", Confirmation: model.ConfirmPending}
	if err := e.db.Create(&v).Error; err != nil {
		e.t.Fatal(err)
	}
}

// queued returns the outbox rows of a kind, by dedupe key.
func (e *env) queued(kind string) map[string]map[string]string {
	e.t.Helper()
	var rows []model.OutboxMessage
	if err := e.db.Where("kind = ?", kind).Find(&rows).Error; err != nil {
		e.t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, r := range rows {
		var data map[string]string
		json.Unmarshal([]byte(r.Payload), &data)
		out[r.DedupeKey] = data
	}
	return out
}

func local(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, shanghai)
}

func ctx() context.Context { return context.Background() }
