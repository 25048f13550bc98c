package exports

import (
	"context"
	"database/sql"

	"github.com/xiangbang/xiangbang/model"
)

// missedStatus names why an overdue list's payment has not arrived: never
// paid, or failed or returned by the bank and never re-issued.
var missedStatus = map[string]string{
	model.PaymentScheduled: "逾期未发",
	model.PaymentFailed:    "发放失败未补发",
	model.PaymentReturned:  "资金退回未补发",
}

// latePayments lists the payments paid late (迟发), most late first: paid,
// they leave the overdue list, yet policy/004 第13条 asks officials to
// catch 迟发 as well as 漏发.
func (s *Service) latePayments(scope model.Scope) list {
	type row struct {
		HouseholdNo, HeadName, Town, Village, RegionCode, ItemName, Period, BatchNo string
		PhoneMasked, MemberName, IDCardMasked                                       sql.NullString
		AmountFen                                                                   int64
		DueDate, PaidDate                                                           model.Date
	}
	return list{
		cols: []column{{"户编号", 22}, {"户主姓名", 10}, {"联系电话", 14}, {"乡镇", 12}, {"村", 12}, {"区划代码", 14}, {"补贴项目", 22},
			{"发放期间", 10}, {"批次", 10}, {"金额（元）", 12}, {"应发日期", 12}, {"发放日期", 12}, {"迟发天数", 10}, {"领取人", 10},
			{"领取人身份证号", 22}},
		each: func(ctx context.Context, emit func([]any) error) error {
			q := s.db.Table("payments AS p").
				Select(`h.household_no, h.head_name, h.phone_masked, COALESCE(t.name, '') AS town, COALESCE(r.name, '') AS village,
					p.region_code, i.name AS item_name, p.period, p.batch_no, p.amount_fen, p.due_date, p.paid_date,
					m.name AS member_name, m.id_card_masked`).
				Joins("JOIN households AS h ON h.id = p.household_id").
				Joins("JOIN subsidy_items AS i ON i.code = p.item_code").
				Joins("LEFT JOIN regions AS r ON r.code = p.region_code").
				Joins("LEFT JOIN regions AS t ON t.code = r.parent_code").
				Joins("LEFT JOIN members AS m ON m.id = p.member_id").
				Where(model.PaymentPaidLateSQL(s.db.Dialect, "p", s.o.GraceDays)).
				Order("p.due_date, p.id")
			q = scope.Households(q, "p.household_id", "p.region_code")
			return stream(ctx, q, func(r *row) error {
				return emit([]any{r.HouseholdNo, r.HeadName, r.PhoneMasked.String, r.Town, r.Village, r.RegionCode, r.ItemName,
					r.Period, r.BatchNo, yuan(r.AmountFen), r.DueDate.String(), r.PaidDate.String(), r.DueDate.DaysUntil(r.PaidDate),
					r.MemberName.String, r.IDCardMasked.String})
			})
		},
	}
}
