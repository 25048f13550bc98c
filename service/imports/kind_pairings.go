package imports

import (
	"strconv"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/importer"
)

type pairingItem struct {
	row         int
	r           importer.PairingRow
	householdID int64
	cadreID     int64
	region      string
}

type pairingKey struct {
	household, cadre int64
	role             string
}

// pairingWriter writes cadre–household pairings keyed on household, cadre
// and role. A file without 结对日期 starts new pairings on the day of the
// import (in the county's zone) and leaves stored ones as they are.
type pairingWriter struct {
	j        *job
	hasEnded bool // the file has 结束日期: blank there means still paired
}

func (w *pairingWriter) open(src importer.Source, o importer.Options) (*importer.Decoder[importer.PairingRow], error) {
	return importer.NewPairingDecoder(src, o)
}

func (w *pairingWriter) rowOf(r *importer.PairingRow) int { return r.Row }

func (w *pairingWriter) lookahead() lookahead {
	return lookahead{households: []string{"household_no"}, cadrePhones: []string{"cadre_phone"}, cadreIDs: []string{"cadre_id_card"}}
}

func (w *pairingWriter) begin(h *importer.Header) { w.hasEnded = h.Has("ended_on") }

func (w *pairingWriter) resolve(rc *rowCheck, r *importer.PairingRow) pairingItem {
	it := pairingItem{row: r.Row, r: *r}
	h, err := rc.j.lk.household(r.HouseholdNo)
	if err != nil {
		rc.fail(err)
		return it
	}
	if !h.found {
		rc.reject("household_no", r.HouseholdNo, "没有这个户编号的户（请先导入户信息，或核对户编号）")
		return it
	}
	if !rc.inScope("household_no", r.HouseholdNo, h.RegionCode) {
		return it
	}
	if r.HeadName != "" && !sameName(r.HeadName, h.HeadName) {
		rc.reject("head_name", r.HeadName, "户主姓名与这个户编号登记的户主不一致，请核对户编号")
		return it
	}
	cadres, err := rc.j.lk.cadre(r.CadreName, r.CadrePhone, r.CadreIDCard)
	switch {
	case err != nil:
		rc.fail(err)
		return it
	case len(cadres) == 0:
		rc.reject("cadre_name", r.CadreName, "找不到这位干部（姓名与联系电话或身份证号对不上；请先导入干部信息）")
		return it
	case len(cadres) > 1:
		rc.reject("cadre_name", r.CadreName, "有多位同名且联系电话相同的干部，请填写干部身份证号以区分")
		return it
	}
	if r.Role == model.RoleLeader && !model.LeaderKinds[cadres[0].Kind] {
		rc.reject("role", r.Role, "提级帮扶领导须为县处级或乡科级领导干部（该干部的类别不是领导干部）")
		return it
	}
	it.householdID, it.cadreID, it.region = h.ID, cadres[0].ID, h.RegionCode
	rc.dup("household_no", r.HouseholdNo, "户编号、干部和结对类型",
		strconv.FormatInt(it.householdID, 10)+"\x00"+strconv.FormatInt(it.cadreID, 10)+"\x00"+r.Role)
	return it
}

var pairingUpsert = upsert{
	table:  "pairings",
	cols:   []string{"cadre_id", "household_id", "role", "started_on", "ended_on", "created_at", "updated_at"},
	key:    []string{"household_id", "cadre_id", "role"},
	update: []string{"started_on", "ended_on", "updated_at"},
}

func (w *pairingWriter) flush(b *batch, items []pairingItem) error {
	households, cadres := map[int64]bool{}, map[int64]bool{}
	for _, it := range items {
		households[it.householdID], cadres[it.cadreID] = true, true
	}
	var stored []model.Pairing
	if err := b.tx.WithContext(b.ctx).Where((&where{}).ints("household_id", keys(households)).ints("cadre_id", keys(cadres)).and()).
		Find(&stored).Error; err != nil {
		return err
	}
	byKey := make(map[pairingKey]*model.Pairing, len(stored))
	for i := range stored {
		p := &stored[i]
		byKey[pairingKey{p.HouseholdID, p.CadreID, p.Role}] = p
	}
	var rows [][]any
	var written []int64 // households whose pairings this batch creates or changes
	for _, it := range items {
		r := it.r
		next := model.Pairing{CadreID: it.cadreID, HouseholdID: it.householdID, Role: r.Role, StartedOn: r.StartedOn,
			EndedOn: r.EndedOn, CreatedAt: b.now}
		if old, ok := byKey[pairingKey{it.householdID, it.cadreID, r.Role}]; ok {
			if next.StartedOn.IsZero() {
				next.StartedOn = old.StartedOn
			}
			if !w.hasEnded {
				next.EndedOn = old.EndedOn
			}
			var c changes
			c.date("started_on", old.StartedOn, next.StartedOn)
			c.date("ended_on", old.EndedOn, next.EndedOn)
			if len(c) == 0 {
				b.unchanged++
				continue
			}
			b.changedRow("pairing", old.ID, it.region, c)
			next.CreatedAt = old.CreatedAt
		} else {
			if next.StartedOn.IsZero() {
				next.StartedOn = b.j.today
			}
			b.created++
		}
		written = append(written, it.householdID)
		rows = append(rows, []any{next.CadreID, next.HouseholdID, next.Role, next.StartedOn, next.EndedOn, next.CreatedAt, b.now})
	}
	if len(rows) == 0 {
		return nil // a replay: no pairing changed, so no case moves
	}
	if err := pairingUpsert.exec(b, rows); err != nil {
		return err
	}
	// The households' open cases follow the new pairings, in the batch's
	// transaction: a few statements per batch, not one per case.
	moved, err := b.j.s.reports.Reassign(b.ctx, b.tx, written, b.j.req.Actor)
	if moved > 0 {
		b.extra["reports_reassigned"] += moved
	}
	return err
}
