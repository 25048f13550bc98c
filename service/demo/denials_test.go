package demo_test

import (
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/demo"
	"github.com/xiangbang/xiangbang/service/visits"
)

// TestSeedTellsOfficialsOfRecentDenials: the demo's officials follow the
// official account, and each visit denied in the last 30 days is queued to
// its town's officials, as a household's answer queues it, so
// the demo's WeChat page shows them.
var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func TestSeedTellsOfficialsOfRecentDenials(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		seed(t, db, 300)
		var linked int64
		db.Raw("SELECT COUNT(*) FROM admin_users a JOIN users u ON u.id = a.wechat_user_id WHERE u.follows_official = ?", true).Scan(&linked)
		if linked != 2 {
			t.Fatalf("%d demo officials follow the official account, want 2", linked)
		}
		// Denials go to the town's officials: the demo has one, of 419901100.
		var want, got int64
		db.Raw(`SELECT COUNT(*)
			FROM visits v JOIN households h ON h.id = v.household_id AND h.region_code LIKE '419901100%'
			WHERE v.confirmation = ? AND v.is_current = ? AND v.visited_at >= ?`,
			model.ConfirmDenied, true, today.AddDays(-30).Time(shanghai)).Scan(&want)
		db.Model(&model.OutboxMessage{}).Where("kind = ?", visits.KindDenied).Count(&got)
		if want == 0 || got != want {
			t.Fatalf("%d denial notices queued, want %d (and some)", got, want)
		}
		// Whatever the dice said, the town official has a recent one.
		var town int64
		db.Raw(`SELECT COUNT(*) FROM push_outbox o JOIN admin_users a ON a.wechat_user_id = o.user_id
			WHERE o.kind = ? AND a.username = ?`, visits.KindDenied, demo.DemoOfficials[1].Username).Scan(&town)
		if town == 0 {
			t.Fatal("the demo town's official has no denied visit to look into")
		}
	})
}
