package visits

import (
	"context"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/push"
)

// KindDenied is the notice officials get when a household says a recorded
// visit did not happen (config/push_templates.yaml maps it).
const KindDenied = "visit_denied"

// deniedNoteRunes is how much of the household's note travels in the
// notice: enough to read on a phone; the console shows the whole note.
const deniedNoteRunes = 60

// NotifyDenied queues, inside tx, a notice of the denied visit v to every
// official of the household's town who can be reached on WeChat. A denial
// is the sign of a made-up visit (虚假走访), so it goes to the officials who
// look into it, as overdue payments do (the county sees denials on its
// dashboard, not one message each); the cadre who recorded the
// visit is not told here (they see the answer on the visit as before). The
// dedupe key names the visit's root, so a retried transaction, a second
// device or a correction of the same visit never tells an official twice.
// It returns how many notices were queued.
func NotifyDenied(ctx context.Context, tx *model.DB, loc *time.Location, v model.Visit) (int, error) {
	var about struct {
		HouseholdNo string
		RegionCode  string
		VillageName string
		CadreName   string
	}
	err := tx.WithContext(ctx).Raw(`SELECT h.household_no, h.region_code, COALESCE(r.name, h.region_code) AS village_name,
		COALESCE(c.name, '') AS cadre_name
		FROM households h LEFT JOIN regions r ON r.code = h.region_code LEFT JOIN cadres c ON c.id = ?
		WHERE h.id = ?`, v.CadreID, v.HouseholdID).Scan(&about).Error
	if err != nil {
		return 0, err
	}
	admins, err := push.Officials(ctx, tx, push.TownScopes(about.RegionCode))
	if err != nil || len(admins) == 0 {
		return 0, err
	}
	note := v.ConfirmationNote
	if note == "" {
		note = "未说明原因"
	}
	at := v.VisitedAt.In(loc)
	n := push.Notice{
		Kind: KindDenied,
		Data: map[string]string{
			"title":        "农户否认走访",
			"household_no": about.HouseholdNo,
			"household_id": strconv.FormatInt(v.HouseholdID, 10),
			"visit_id":     strconv.FormatInt(v.ID, 10),
			"village":      about.VillageName,
			"cadre":        about.CadreName,
			"date":         fmt.Sprintf("%d年%d月%d日", at.Year(), at.Month(), at.Day()),
			// Free text leaves for WeChat's servers: numbers in it are masked.
			"note":   truncateRunes(pii.MaskNumbersInText(note), deniedNoteRunes),
			"remark": "农户称这次走访没有发生，请核实",
		},
		// The household file, where the visit and its answer are.
		Page: fmt.Sprintf("pages/cadre/household?id=%d", v.HouseholdID),
	}
	queued := 0
	for _, a := range admins {
		n.DedupeKey = fmt.Sprintf("visit_denied:%d:a%d", rootOf(v), a.ID)
		ok, err := push.Enqueue(ctx, tx, *a.WechatUserID, n)
		if err != nil {
			return queued, err
		}
		if ok {
			queued++
		}
	}
	return queued, nil
}

// truncateRunes cuts s to n characters, marking the cut.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
