package imports

import (
	"strconv"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/importer"
)

// paymentItem is a checked payment with its household and member resolved.
type paymentItem struct {
	row int
	p   model.Payment
}

type paymentKey struct {
	household, member int64
	item, period      string
	batch             string
}

func keyOfPayment(p *model.Payment) paymentKey {
	return paymentKey{p.HouseholdID, p.MemberID, p.ItemCode, p.Period, p.BatchNo}
}

// paymentWriter writes 一卡通 payments keyed on household, card holder,
// item, period and batch.
type paymentWriter struct {
	j          *job
	hasFailure bool // the file has 失败原因: blank there means no failure
	hasPaid    bool // the file has 发放日期 (or its status says there is none)
}

func (w *paymentWriter) open(src importer.Source, o importer.Options) (*importer.Decoder[importer.PaymentRow], error) {
	return importer.NewPaymentDecoder(src, o)
}

func (w *paymentWriter) rowOf(r *importer.PaymentRow) int { return r.Row }

func (w *paymentWriter) lookahead() lookahead {
	return lookahead{households: []string{"household_no"}, members: []string{"id_card"}}
}

func (w *paymentWriter) begin(h *importer.Header) {
	w.hasFailure = h.Has("failure_reason")
	w.hasPaid = h.Has("paid_date")
}

func (w *paymentWriter) resolve(rc *rowCheck, r *importer.PaymentRow) paymentItem {
	it := paymentItem{row: r.Row}
	p := &it.p
	lk := rc.j.lk
	col, value := "household_no", r.HouseholdNo
	if r.IDCard != "" {
		col, value = "id_card", r.IDCard
		m, err := lk.member(r.IDCard)
		if err != nil {
			rc.fail(err)
			return it
		}
		if !m.found {
			rc.reject("id_card", r.IDCard, "这个身份证号不在已导入的家庭成员中（请先导入成员，或核对号码）")
			return it
		}
		if r.Name != "" && !sameName(r.Name, m.Name) {
			rc.reject("name", r.Name, "姓名与该身份证号登记的姓名不一致，请核对")
			return it
		}
		p.HouseholdID, p.RegionCode = m.HouseholdID, m.RegionCode
		if r.Payee == model.PayeeMember {
			p.MemberID = m.ID
		}
	} else {
		h, err := lk.household(r.HouseholdNo)
		if err != nil {
			rc.fail(err)
			return it
		}
		if !h.found {
			rc.reject("household_no", r.HouseholdNo, "没有这个户编号的户（请先导入户信息，或核对户编号）")
			return it
		}
		p.HouseholdID, p.RegionCode = h.ID, h.RegionCode
	}
	if !rc.inScope(col, value, p.RegionCode) {
		return it
	}
	p.ItemCode, p.Period, p.BatchNo = r.ItemCode, r.Period, r.BatchNo
	p.AmountFen, p.DueDate, p.PaidDate, p.Status = r.AmountFen, r.DueDate, r.PaidDate, r.Status
	p.FailureReason, p.CardLast4 = r.FailureReason, r.CardLast4
	k := keyOfPayment(p)
	rc.dup(col, value, "发放对象、补贴项目、发放期间和批次", strconv.FormatInt(k.household, 10)+"\x00"+strconv.FormatInt(k.member, 10)+
		"\x00"+k.item+"\x00"+k.period+"\x00"+k.batch)
	return it
}

var paymentUpsert = upsert{
	table: "payments",
	cols: []string{"household_id", "member_id", "region_code", "item_code", "period", "batch_no", "amount_fen", "due_date",
		"paid_date", "status", "failure_reason", "card_last4", "import_run_id", "created_at", "updated_at"},
	key: []string{"household_id", "member_id", "item_code", "period", "batch_no"},
	update: []string{"region_code", "amount_fen", "due_date", "paid_date", "status", "failure_reason", "card_last4",
		"import_run_id", "updated_at"},
}

func (w *paymentWriter) flush(b *batch, items []paymentItem) error {
	households, codes, periods := map[int64]bool{}, map[string]bool{}, map[string]bool{}
	for i := range items {
		households[items[i].p.HouseholdID] = true
		codes[items[i].p.ItemCode] = true
		periods[items[i].p.Period] = true
	}
	var stored []model.Payment
	cond := (&where{}).ints("household_id", keys(households)).in("item_code", keys(codes)).in("period", keys(periods)).and()
	if err := b.tx.WithContext(b.ctx).Where(cond).Find(&stored).Error; err != nil {
		return err
	}
	byKey := make(map[paymentKey]*model.Payment, len(stored))
	for i := range stored {
		byKey[keyOfPayment(&stored[i])] = &stored[i]
	}
	run := runRef(b.j.runID)
	rows := make([][]any, 0, len(items))
	for i := range items {
		p := items[i].p
		created := b.now
		if old, ok := byKey[keyOfPayment(&p)]; ok {
			if !w.hasFailure {
				p.FailureReason = old.FailureReason
			}
			if !w.hasPaid && p.Status != model.PaymentScheduled && p.Status != model.PaymentFailed {
				p.PaidDate = old.PaidDate // a returned payment keeps the day it was paid
			}
			if p.CardLast4 == "" {
				p.CardLast4 = old.CardLast4
			}
			var c changes
			c.str("region_code", old.RegionCode, p.RegionCode)
			c.num("amount_fen", old.AmountFen, p.AmountFen)
			c.date("due_date", old.DueDate, p.DueDate)
			c.date("paid_date", old.PaidDate, p.PaidDate)
			c.str("status", old.Status, p.Status)
			c.str("failure_reason", old.FailureReason, p.FailureReason)
			c.str("card_last4", old.CardLast4, p.CardLast4)
			if len(c) == 0 {
				b.unchanged++
				continue
			}
			b.changedRow("payment", old.ID, p.RegionCode, c)
			if old.Status != p.Status {
				b.events = append(b.events, model.PaymentEvent{PaymentID: old.ID, HouseholdID: p.HouseholdID, RegionCode: p.RegionCode,
					FromStatus: old.Status, ToStatus: p.Status, ImportRunID: run, CreatedAt: b.now})
			}
			created = old.CreatedAt
		} else {
			b.created++
		}
		b.touched[p.HouseholdID] = true
		rows = append(rows, []any{p.HouseholdID, p.MemberID, p.RegionCode, p.ItemCode, p.Period, p.BatchNo, p.AmountFen, p.DueDate,
			p.PaidDate, p.Status, p.FailureReason, p.CardLast4, run, created, b.now})
	}
	if len(rows) == 0 {
		return nil
	}
	return paymentUpsert.exec(b, rows)
}

// runRef is the run id for import_run_id columns; dry runs never write.
func runRef(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// keys lists a set.
func keys[K comparable](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
