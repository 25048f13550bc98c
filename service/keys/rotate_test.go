package keys_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/keys"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

func cipherWith(t *testing.T, active string) *pii.Cipher {
	c, err := pii.NewCipher(active, map[string][]byte{
		"old": []byte(strings.Repeat("o", 32)), "new": []byte(strings.Repeat("n", 32)),
	}, []byte(strings.Repeat("i", 32)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRotateIsResumableAndComplete(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		ctx := context.Background()
		fx := modeltest.NewFixtures(t, db)
		fx.Cipher = cipherWith(t, "old")
		fx.Region("419901100201", "测试村")
		var ids []string
		for i := 0; i < 7; i++ {
			h, m := fx.Household("419901100201")
			_ = h
			id, _ := m.IDCard.Open(fx.Cipher, pii.PurposeIDCard)
			ids = append(ids, id)
		}
		fx.Cadre("419901100201")
		rotated := cipherWith(t, "new")
		before, _ := keys.Remaining(ctx, db, "new")
		if before != 7*3+1 { // per household: the member's ID and phone, the household's phone; one cadre phone
			t.Fatalf("%d values under the old key, want 22", before)
		}
		// Stop after the first batch, then run again to the end.
		stopCtx, stop := context.WithCancel(ctx)
		_, err := keys.Rotate(stopCtx, db, rotated, 3, func(keys.Progress) { stop() })
		if err == nil {
			t.Fatal("a cancelled run reported success")
		}
		mid, _ := keys.Remaining(ctx, db, "new")
		if mid != before-3 {
			t.Fatalf("after one batch of 3: %d remaining, want %d", mid, before-3)
		}
		st, err := keys.Rotate(ctx, db, rotated, 3, nil)
		if err != nil || st.Reencrypted != before-3 {
			t.Fatalf("second run: %+v %v", st, err)
		}
		if left, _ := keys.Remaining(ctx, db, "new"); left != 0 {
			t.Fatalf("%d left", left)
		}
		// Everything still opens, the blind index still finds each member.
		for _, id := range ids {
			var m model.Member
			if err := db.Where("id_card_index = ?", rotated.Index(pii.PurposeIDCard, id)).Take(&m).Error; err != nil {
				t.Fatalf("lookup by blind index after rotation: %v", err)
			}
			if got, err := m.IDCard.Open(rotated, pii.PurposeIDCard); err != nil || got != id || *m.IDCard.KeyID != "new" {
				t.Fatalf("open after rotation: %q %v", got, err)
			}
		}
	})
}
