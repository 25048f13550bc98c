package push

import (
	"context"
	"fmt"

	"github.com/xiangbang/xiangbang/model"
)

// CadreNotice is one notice for the WeChat users bound to one cadre.
type CadreNotice struct {
	CadreID int64
	Notice  Notice
}

// EnqueueCadres queues many cadre notices inside tx with a few statements
// for the lot (recomputing a county's flags can notify thousands of cadres
// at once), by EnqueueCadre's rules: dedupe keys made per user
// (<key>:u<user id>), then EnqueueUsers. It returns how many rows were
// written (duplicates are skipped).
func EnqueueCadres(ctx context.Context, tx *model.DB, notices []CadreNotice) (int, error) {
	if len(notices) == 0 {
		return 0, nil
	}
	ids := make([]int64, 0, len(notices))
	for _, n := range notices {
		ids = append(ids, n.CadreID)
	}
	usersOf := map[int64][]int64{} // cadre → its WeChat users
	for start := 0; start < len(ids); start += enqueueChunk {
		var us []model.User
		if err := tx.WithContext(ctx).Select("id", "cadre_id").Where("cadre_id IN ?", ids[start:min(start+enqueueChunk, len(ids))]).
			Order("id").Find(&us).Error; err != nil {
			return 0, err
		}
		for _, u := range us {
			usersOf[*u.CadreID] = append(usersOf[*u.CadreID], u.ID)
		}
	}
	var out []UserNotice
	for _, n := range notices {
		for _, uid := range usersOf[n.CadreID] {
			un := UserNotice{UserID: uid, Notice: n.Notice}
			un.Notice.DedupeKey = fmt.Sprintf("%s:u%d", n.Notice.DedupeKey, uid)
			out = append(out, un)
		}
	}
	return EnqueueUsers(ctx, tx, out)
}
