package imports

import (
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/model/pii"
)

// TestCountyTwice loads every fixture file, then loads them all again: the
// second time changes nothing, not even an updated_at.
func TestCountyTwice(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.loadCounty()
		first := dump(t, db)

		t.Run("what the county holds", func(t *testing.T) {
			for table, want := range map[string]int64{"regions": 8, "households": 8, "members": 24, "payments": 40, "cadres": 5,
				"pairings": 11, "jobs": 6, "payment_events": 0} {
				if got := count(t, db, table, ""); got != want {
					t.Errorf("%s: %d rows, want %d", table, got, want)
				}
			}
			var head model.Member
			if err := db.Where("id_card_index = ?", e.fx.Cipher.Index(pii.PurposeIDCard, "419999195001010015")).Take(&head).Error; err != nil {
				t.Fatal(err)
			}
			id, err := head.IDCard.Open(e.fx.Cipher, pii.PurposeIDCard)
			if err != nil || id != "419999195001010015" || head.Name != "测试甲一" || head.Gender != "M" || head.BirthDate.String() != "1950-01-01" {
				t.Fatalf("head %+v %s %v", head, id, err)
			}
			var h model.Household
			db.Where("household_no = ?", "410122100202000002").Take(&h)
			if h.RegionCode != "410122100202" || h.Class != model.ClassPovertyAlleviated || !h.Phone.IsSet() || h.Status != model.HouseholdActive {
				t.Fatalf("household found by village name: %+v", h)
			}
		})

		*e.clock = e.clock.Add(24 * 3600e9) // a day later: nothing may take today's date
		for _, f := range fixtureCounty {
			res := e.run(f.kind, fixture(f.file))
			if res.Status != model.ImportDone || res.Unchanged != f.rows || res.Created+res.Updated+res.Rejected != 0 {
				t.Errorf("%s again: %+v", f.file, res)
			}
		}
		sameDump(t, first, dump(t, db))
		if n := count(t, db, "audit_log", "action = ?", "import.update"); n != 8 {
			// The members file gives the 8 heads the households file
			// created their phones and labour: 8 updates, all the first time.
			t.Errorf("%d update audit entries", n)
		}
	})
}
