package reminders

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"gorm.io/gorm/clause"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/push"
)

// Kinds of payment notices to households.
const (
	KindPaymentPaid   = "payment_paid"
	KindPaymentFailed = "payment_failed"
)

// paymentMark is the watermark of PaymentChanges in scheduler_marks.
const paymentMark = "payment_changes"

// paymentPage bounds the payments read and told at once.
const paymentPage = 2000

type changedPayment struct {
	ID            int64
	HouseholdID   int64
	ItemName      string
	ItemCode      string
	Period        string
	AmountFen     int64
	Status        string
	DueDate       model.Date
	PaidDate      model.Date
	FailureReason string
	CardLast4     string `gorm:"column:card_last4"`
	UpdatedAt     time.Time
}

// PaymentChanges tells households about their payments newly paid, failed
// or returned by the bank: "newly" is a change to the payment row
// (updated_at) since the last scan, kept as a watermark in the database.
// Each scan starts a little before where the last ended, so a change
// committed late is not missed; the dedupe key (payment, status, and the
// paid date or the bank's reason) makes the overlap, and any rerun, send
// nothing twice. Old news is not told: a payment paid more than
// PaidRecentDays ago (an import of last year's records), or a failure of a
// payment due more than 180 days ago.
func (r *Reminders) PaymentChanges(ctx context.Context, now time.Time) (int, error) {
	db := r.db.WithContext(ctx)
	from := now.Add(-r.o.PaymentLookback)
	var mark []model.SchedulerMark
	if err := db.Where("name = ?", paymentMark).Limit(1).Find(&mark).Error; err != nil {
		return 0, err
	}
	if len(mark) == 1 {
		from = mark[0].Mark.Add(-r.o.PaymentOverlap)
	}
	to := now.UTC().Truncate(time.Millisecond)
	today := model.DateOf(now.In(r.o.Location))
	queued := 0
	lastAt, lastID := from.UTC(), int64(0)
	for {
		var page []changedPayment
		err := db.Raw(`SELECT p.id, p.household_id, COALESCE(s.name, p.item_code) AS item_name, p.item_code, p.period, p.amount_fen,
				p.status, p.due_date, p.paid_date, p.failure_reason, p.card_last4, p.updated_at
			FROM payments p LEFT JOIN subsidy_items s ON s.code = p.item_code
			WHERE p.status IN ? AND p.updated_at >= ? AND p.updated_at <= ? AND (p.updated_at > ? OR (p.updated_at = ? AND p.id > ?))
			ORDER BY p.updated_at, p.id LIMIT ?`,
			[]string{model.PaymentPaid, model.PaymentFailed, model.PaymentReturned}, lastAt, to, lastAt, lastAt, lastID, paymentPage).
			Scan(&page).Error
		if err != nil {
			return queued, fmt.Errorf("reminders: payment changes: %w", err)
		}
		if len(page) == 0 {
			break
		}
		n, err := r.tellPayments(ctx, page, today)
		if err != nil {
			return queued, err
		}
		queued += n
		lastAt, lastID = page[len(page)-1].UpdatedAt.UTC(), page[len(page)-1].ID
		if len(page) < paymentPage {
			break
		}
	}
	err := db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&model.SchedulerMark{Name: paymentMark, Mark: to, UpdatedAt: to}).Error
	return queued, err
}

// tellPayments queues the notices of one page of changed payments to the
// WeChat users bound to each household.
func (r *Reminders) tellPayments(ctx context.Context, page []changedPayment, today model.Date) (int, error) {
	var households []int64
	seen := map[int64]bool{}
	var news []changedPayment
	for _, p := range page {
		if !r.isNews(p, today) {
			continue
		}
		news = append(news, p)
		if !seen[p.HouseholdID] {
			seen[p.HouseholdID] = true
			households = append(households, p.HouseholdID)
		}
	}
	users := map[int64][]int64{}
	err := chunks(households, 500, func(ids []int64) error {
		var us []model.User
		if err := r.db.WithContext(ctx).Select("id, household_id").Where("household_id IN ? AND role = ?", ids, model.UserHousehold).
			Order("id").Find(&us).Error; err != nil {
			return err
		}
		for _, u := range us {
			users[*u.HouseholdID] = append(users[*u.HouseholdID], u.ID)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	var notices []push.UserNotice
	for _, p := range news {
		kind, key, data := r.paymentNotice(p, today)
		for _, uid := range users[p.HouseholdID] {
			notices = append(notices, push.UserNotice{UserID: uid, Notice: push.Notice{
				Kind: kind, DedupeKey: fmt.Sprintf("%s:u%d", key, uid), Data: data}})
		}
	}
	return push.EnqueueUsers(ctx, r.db, notices)
}

func (r *Reminders) isNews(p changedPayment, today model.Date) bool {
	if p.Status == model.PaymentPaid {
		return p.PaidDate.IsZero() || !p.PaidDate.Before(today.AddDays(-r.o.PaidRecentDays))
	}
	return !p.DueDate.Before(today.AddDays(-180))
}

// paymentNotice is the kind, dedupe key (without the user) and data of the
// notice of one payment's change.
func (r *Reminders) paymentNotice(p changedPayment, today model.Date) (string, string, map[string]string) {
	data := map[string]string{
		"title": p.ItemName + p.Period, "item": p.ItemName, "amount": yuan(p.AmountFen),
		"payment_id": fmt.Sprint(p.ID), "time": dayText(today),
	}
	if p.Status == model.PaymentPaid {
		data["status"] = "已到账"
		data["remark"] = "已发放到您的一卡通"
		if p.CardLast4 != "" {
			data["remark"] = "已发放到尾号" + p.CardLast4 + "的一卡通"
		}
		data["advice"] = "如有疑问请联系村干部"
		return KindPaymentPaid, fmt.Sprintf("payment:%d:paid:%s", p.ID, p.PaidDate), data
	}
	reason := p.FailureReason
	if reason == "" {
		reason = "银行未说明原因"
	}
	data["status"] = map[string]string{model.PaymentFailed: "发放失败", model.PaymentReturned: "已退回"}[p.Status]
	data["reason"] = reason
	data["advice"] = r.tpl.Advice(reason)
	data["remark"] = data["advice"]
	h := fnv.New32a()
	h.Write([]byte(reason))
	return KindPaymentFailed, fmt.Sprintf("payment:%d:%s:%08x", p.ID, p.Status, h.Sum32()), data
}
