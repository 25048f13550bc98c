package demo

import (
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// failureReasons are what banks say when a 一卡通 payment bounces.
var failureReasons = []string{"账户已冻结", "户名与账号不符", "账户已销户", "卡片状态异常（长期未使用）", "身份证件已过期"}

// paymentPlan says who gets an item and how much.
type paymentPlan struct {
	item    string
	share   float64 // of eligible households
	minYuan int
	maxYuan int
	dueDay  int // day of month the payment falls due
	member  func(s *Seeder, ms []model.Member) (model.Member, bool)
}

func anyAdult(s *Seeder, ms []model.Member) (model.Member, bool) { return ms[0], true }

func withDisability(s *Seeder, ms []model.Member) (model.Member, bool) {
	for _, m := range ms {
		if m.Disability != "" {
			return m, true
		}
	}
	return model.Member{}, false
}

func inSchool(s *Seeder, ms []model.Member) (model.Member, bool) {
	for _, m := range ms {
		if m.InSchool && m.AgeOn(s.o.Today) >= 15 {
			return m, true
		}
	}
	return model.Member{}, false
}

func worker(s *Seeder, ms []model.Member) (model.Member, bool) {
	for _, m := range ms {
		if m.WishToWork {
			return m, true
		}
	}
	return model.Member{}, false
}

func elder(s *Seeder, ms []model.Member) (model.Member, bool) {
	for _, m := range ms {
		if m.AgeOn(s.o.Today) >= 60 {
			return m, true
		}
	}
	return model.Member{}, false
}

var monthlyPlans = []paymentPlan{
	{"dibao", 0.35, 280, 620, 10, nil},
	{"tekun", 0.05, 650, 780, 10, elder},
	{"disabled_living", 1, 80, 80, 15, withDisability},
	{"disabled_care", 0.5, 100, 100, 15, withDisability},
	{"public_welfare_job", 0.10, 500, 800, 20, worker},
}

var yearlyPlans = []struct {
	paymentPlan
	month time.Month
}{
	{paymentPlan{"farmland_protection", 0.85, 90, 620, 30, nil}, time.June},
	{paymentPlan{"forest_eco", 0.30, 60, 400, 30, nil}, time.September},
	{paymentPlan{"industry_award", 0.25, 1000, 3000, 30, nil}, time.September},
	{paymentPlan{"county_employment", 0.10, 1000, 1500, 30, worker}, time.October},
}

var oncePlans = []paymentPlan{
	{"cross_province_transport", 0.10, 300, 800, 0, worker},
	{"temporary_assistance", 0.03, 500, 2000, 0, nil},
	{"medical_security", 0.05, 800, 6000, 0, anyAdult},
	{"housing", 0.01, 8000, 20000, 0, nil},
	{"health_support", 0.02, 300, 1500, 0, anyAdult},
	{"farm_machinery", 0.02, 1200, 5000, 0, nil},
}

func (s *Seeder) seedPayments(tx *model.DB, sum *Summary) error {
	var all []model.Payment
	today := s.o.Today
	first := model.Date{Year: today.Year, Month: today.Month, Day: 1}
	months := make([]model.Date, 12) // the 12 months up to and including this one
	for i := range months {
		months[i] = model.DateOf(first.Time(time.UTC).AddDate(0, i-11, 0))
	}
	for _, h := range s.households {
		ms := s.members[h.ID]
		for _, p := range monthlyPlans {
			m, ok := s.payee(p, ms)
			if !ok {
				continue
			}
			amount := int64(s.between(p.minYuan, p.maxYuan)) * 100
			for _, mo := range months {
				due := model.Date{Year: mo.Year, Month: mo.Month, Day: p.dueDay}
				all = append(all, s.payment(h, m, p.item, fmt.Sprintf("%04d-%02d", mo.Year, mo.Month), amount, due))
			}
		}
		for _, p := range yearlyPlans {
			m, ok := s.payee(p.paymentPlan, ms)
			if !ok {
				continue
			}
			year := today.Year
			if p.month > today.Month+1 { // not due yet this year: last year's is within the 12 months
				year--
			}
			due := model.Date{Year: year, Month: p.month, Day: p.dueDay}
			all = append(all, s.payment(h, m, p.item, fmt.Sprintf("%04d", year), int64(s.between(p.minYuan, p.maxYuan))*100, due))
		}
		for _, p := range oncePlans {
			m, ok := s.payee(p, ms)
			if !ok {
				continue
			}
			due := today.AddDays(-s.between(5, 330))
			all = append(all, s.payment(h, m, p.item, fmt.Sprintf("%04d-%02d", due.Year, due.Month), int64(s.between(p.minYuan, p.maxYuan))*100, due))
		}
		if m, ok := inSchool(s, ms); ok {
			for _, half := range []struct {
				period string
				due    model.Date
			}{
				{fmt.Sprintf("%04d-H1", today.Year), model.Date{Year: today.Year, Month: time.April, Day: 30}},
				{fmt.Sprintf("%04d-H2", today.Year), model.Date{Year: today.Year, Month: time.November, Day: 30}},
			} {
				all = append(all, s.payment(h, m, "education_yulu", half.period, 150000, half.due))
			}
		}
	}
	sum.Payments = len(all)
	return tx.CreateInBatches(&all, batchSize).Error
}

// payee picks who an item is paid to; household items go to the household.
func (s *Seeder) payee(p paymentPlan, ms []model.Member) (model.Member, bool) {
	if !s.chance(p.share) {
		return model.Member{}, false
	}
	if p.member == nil {
		return model.Member{}, true
	}
	return p.member(s, ms)
}

// payment makes one payment with an outcome: mostly paid on time, some paid
// late, some never paid (overdue), some failed or returned by the bank.
func (s *Seeder) payment(h model.Household, m model.Member, item, period string, amount int64, due model.Date) model.Payment {
	p := model.Payment{
		HouseholdID: h.ID, RegionCode: h.RegionCode, ItemCode: item, Period: period,
		BatchNo: fmt.Sprintf("%s-%s", period, item), AmountFen: amount, DueDate: due,
		Status: model.PaymentScheduled, CardLast4: fmt.Sprintf("%04d", (h.ID*7919)%10000),
	}
	if s.items[item].Payee == model.PayeeMember {
		p.MemberID = m.ID
	}
	if !due.Before(s.o.Today) {
		return p // not yet due
	}
	x := s.rng.Float64()
	switch {
	case x < 0.86:
		p.Status, p.PaidDate = model.PaymentPaid, due.AddDays(-s.between(0, 4))
	case x < 0.91: // 迟发: paid, but well after the due date
		p.Status, p.PaidDate = model.PaymentPaid, due.AddDays(s.between(12, 45))
		if s.o.Today.Before(p.PaidDate) {
			p.Status, p.PaidDate = model.PaymentScheduled, model.Date{}
		}
	case x < 0.95: // 漏发: never paid
	case x < 0.985:
		p.Status, p.FailureReason = model.PaymentFailed, failureReasons[s.rng.IntN(len(failureReasons))]
	default:
		p.Status, p.FailureReason = model.PaymentReturned, "资金退回：账户状态异常"
	}
	return p
}
