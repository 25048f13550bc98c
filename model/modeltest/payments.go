package modeltest

import (
	"fmt"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
)

// Catalogue loads the shipped subsidy item catalogue into the database, as
// serve does at start (payments refer to it).
func (f *Fixtures) Catalogue() []model.SubsidyItem {
	f.t.Helper()
	items, err := config.LoadSubsidyItems("")
	if err != nil {
		f.t.Fatal(err)
	}
	rows := model.SubsidyItemRows(items)
	if err := f.DB.SyncSubsidyItems(f.t.Context(), rows); err != nil {
		f.t.Fatal(err)
	}
	return rows
}

// PaymentOption changes a payment before it is stored.
type PaymentOption func(*model.Payment)

// PaidOn marks a payment paid on a date.
func PaidOn(d model.Date) PaymentOption {
	return func(p *model.Payment) { p.Status, p.PaidDate = model.PaymentPaid, d }
}

// FailedWith marks a payment failed (or returned) with the bank's reason.
func FailedWith(status, reason string) PaymentOption {
	return func(p *model.Payment) { p.Status, p.FailureReason = status, reason }
}

// ToMember makes a payment paid to one member.
func ToMember(m model.Member) PaymentOption {
	return func(p *model.Payment) { p.MemberID = m.ID }
}

// Payment stores a scheduled payment of an item to a household, due on a
// date, unless options say otherwise. Call Catalogue first.
func (f *Fixtures) Payment(h model.Household, item string, amountFen int64, due model.Date, opts ...PaymentOption) model.Payment {
	f.t.Helper()
	p := model.Payment{HouseholdID: h.ID, RegionCode: h.RegionCode, ItemCode: item,
		Period: fmt.Sprintf("%04d-%02d", due.Year, due.Month), BatchNo: fmt.Sprintf("B%d", f.next()),
		AmountFen: amountFen, DueDate: due, Status: model.PaymentScheduled}
	for _, o := range opts {
		o(&p)
	}
	f.create(&p)
	return p
}
