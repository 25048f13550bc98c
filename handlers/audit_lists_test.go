package handlers

import (
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
)

// TestHouseholdListsAreAudited: a cadre's due list and an official's
// household list each leave one household.list entry saying how many
// households were shown.
func TestHouseholdListsAreAudited(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		w := newWorld(t, db)
		before := count(t, db, "audit_log", "action = ?", "household.list")
		if r := w.h.do("GET", "/api/v1/cadre/households?due=all", nil, w.cadreTok); r.Code != 200 {
			t.Fatalf("due list: %d %s", r.Code, r.Body)
		}
		official := w.h.signInAdmin(w.h.fx.Admin("419901"))
		if r := w.h.do("GET", "/admin/api/households", nil, official); r.Code != 200 {
			t.Fatalf("console list: %d %s", r.Code, r.Body)
		}
		var entries []model.AuditEntry
		must(t, db.Where("action = ?", "household.list").Order("id").Find(&entries).Error)
		if n := int64(len(entries)) - before; n != 2 {
			t.Fatalf("%d household.list entries, want 2", n)
		}
		last := entries[len(entries)-2:]
		if last[0].ActorKind != "cadre" || last[1].ActorKind != "official" || last[1].RegionCode != "419901" {
			t.Fatalf("entries %+v", last)
		}
	})
}
