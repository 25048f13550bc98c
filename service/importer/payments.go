package importer

import (
	"errors"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// PaymentRow is one 一卡通 payment of a subsidy item.
type PaymentRow struct {
	Row           int
	HouseholdNo   string // 户编号; empty when the file identifies the payee by ID number only
	IDCard        string // the card holder's ID number
	Name          string // the card holder's name as the file writes it, for cross-checking
	ItemCode      string
	Payee         string // model.PayeeHousehold | model.PayeeMember, from the item
	Period        string // 2024-09 | 2024-Q3 | 2024 | 2024-09-15, fitted to the item's schedule
	BatchNo       string
	AmountFen     int64
	DueDate       model.Date // as written, or the last day of the period
	PaidDate      model.Date
	Status        string // model.Payment*: scheduled, paid, failed, returned
	CardLast4     string
	FailureReason string
}

func paymentSpec() *Spec {
	return &Spec{Kind: KindPayments, Title: "补贴发放明细", Columns: []Column{
		{Key: "household_no", Header: "户编号", Aliases: []string{"户码", "家庭编号", "户号", "农户编号", "家庭户编号"},
			OneOf: "payee", Example: "410122100201000001", Note: "户编号和身份证号至少填一项；按人发放的项目须填身份证号"},
		{Key: "id_card", Header: "身份证号", Aliases: idCardAliases("持卡人身份证号", "收款人身份证号", "领取人身份证号", "补贴对象身份证号",
			"享受对象身份证号", "发放对象身份证号", "户主身份证号"), OneOf: "payee", Sensitive: true, Example: "419999195001011237"},
		{Key: "name", Header: "姓名", Aliases: []string{"持卡人姓名", "收款人姓名", "领取人姓名", "补贴对象姓名", "享受对象姓名", "发放对象姓名", "户主姓名", "户主"},
			Example: "测试甲一"},
		{Key: "item", Header: "补贴项目", Aliases: []string{"项目名称", "补贴名称", "补贴项目名称", "资金项目", "补贴类型", "补贴类别", "项目",
			"补贴项目代码", "项目代码", "资金名称", "补贴资金项目"}, Required: true, Example: "耕地地力保护补贴",
			Note: "补贴项目名称或代码，见 config/subsidy_items.yaml"},
		{Key: "period", Header: "发放期间", Aliases: []string{"所属期", "发放月份", "所属期间", "补贴期间", "补贴年月", "发放年月", "所属年月",
			"资金所属期", "补贴年度", "发放年度"}, OneOf: "due", Example: "2024-09",
			Note: "按月发放写年月（2024-09），按季写 2024年第三季度，按年写 2024；不填时按应发日期推出"},
		{Key: "batch", Header: "发放批次", Aliases: []string{"批次号", "批次", "发放批次号"}, Example: "2024-09-01",
			Note: "同一期间分几次发放时用来区分"},
		{Key: "amount", Header: "发放金额", Aliases: []string{"金额", "补贴金额", "实发金额", "发放金额(元)", "应发金额", "补助金额", "发放额"},
			Required: true, Money: true, Example: "1234.50", Note: "单位：元，最多两位小数"},
		{Key: "due_date", Header: "应发日期", Aliases: []string{"应发放日期", "计划发放日期", "应发时间", "计划发放时间", "应发放时间"},
			OneOf: "due", Example: "2024-09-30", Note: "不填时取发放期间的最后一天"},
		{Key: "paid_date", Header: "发放日期", Aliases: []string{"实发日期", "到账日期", "发放时间", "实际发放日期", "到账时间", "支付日期", "兑付日期"},
			Example: "2024-09-25"},
		{Key: "status", Header: "发放状态", Aliases: []string{"状态", "支付状态", "到账状态", "发放结果"}, Example: "已发放",
			Note: "已发放、待发放、发放失败或已退回；不填时按发放日期推出"},
		{Key: "card_last4", Header: "银行卡号后四位", Aliases: []string{"卡号后四位", "银行卡后四位", "账号后四位", "一卡通卡号后四位"}, Example: "1234"},
		{Key: "card_number", Header: "银行卡号", Aliases: []string{"一卡通账号", "社保卡号", "卡号", "银行账号", "账号", "一卡通卡号", "收款账号"},
			Sensitive: true, Alt: true, Note: "代替银行卡号后四位；只保留后四位"},
		{Key: "failure_reason", Header: "失败原因", Aliases: []string{"发放失败原因", "退回原因", "失败说明"}, Example: "账户已冻结"},
	}}
}

func paymentStatusEnum() *enum {
	return newEnum("发放状态",
		enumValue{model.PaymentPaid, "已发放", []string{"发放成功", "已到账", "成功", "已支付", "支付成功", "已兑付", "到账", "已发"}},
		enumValue{model.PaymentScheduled, "待发放", []string{"未发放", "计划发放", "待支付", "待发", "未发", "发放中", "处理中"}},
		enumValue{model.PaymentFailed, "发放失败", []string{"失败", "支付失败", "到账失败", "未到账"}},
		enumValue{model.PaymentReturned, "已退回", []string{"退回", "资金退回", "退票", "已退票", "被退回"}},
	)
}

// errNoItems is returned when payments are read without a catalogue.
var errNoItems = errors.New("importer: payments need Options.Items")

// NewPaymentDecoder reads 一卡通 payments (户编号 or 身份证号, 补贴项目,
// 发放金额, 应发日期...).
func NewPaymentDecoder(src Source, opts Options) (*Decoder[PaymentRow], error) {
	if opts.Items == nil {
		return nil, errNoItems
	}
	p := &paymentParser{statuses: paymentStatusEnum(), items: opts.Items, itemMemo: map[string]itemMemo{}}
	return newDecoder(src, KindPayments, opts, kindRules[PaymentRow]{
		parse: p.parse,
		dupKey: func(r *PaymentRow) string {
			who := r.HouseholdNo
			if r.Payee == model.PayeeMember || who == "" {
				who = r.IDCard
			}
			return who + "\x00" + r.ItemCode + "\x00" + r.Period + "\x00" + r.BatchNo
		},
		dupWhat: "发放对象、补贴项目、发放期间和批次",
		dupCols: []string{"household_no", "id_card"},
	})
}

type paymentParser struct {
	statuses *enum
	items    *ItemCatalogue
	itemMemo map[string]itemMemo // item text → item: a file names a few items a million times
}

type itemMemo struct {
	code, payee, schedule string
	// dueBy is the catalogue's due_by (zero month: none): the day of the
	// year a payment for the whole year is due when the file gives no date.
	dueByMonth time.Month
	dueByDay   int
	ok         bool
}

func (p *paymentParser) parse(c *rowContext) PaymentRow {
	r := PaymentRow{Row: c.row.Num}
	r.HouseholdNo = c.code("household_no", false, 32)
	r.IDCard = c.idCard("id_card", false)
	r.Name = c.text("name", false, 64)
	item := p.item(c)
	r.ItemCode, r.Payee = item.code, item.payee
	r.BatchNo = c.text("batch", false, 64)
	if amount, ok := c.fen("amount", true); ok && amount == 0 {
		c.reject("amount", c.raw("amount"), "发放金额不能为0")
	} else {
		r.AmountFen = amount
	}
	r.CardLast4, _ = parsed(c, "card_last4", false, ParseCardLast4)
	if r.CardLast4 == "" {
		r.CardLast4, _ = parsed(c, "card_number", false, ParseCardLast4)
	}
	r.FailureReason = c.text("failure_reason", false, 255)
	p.payee(c, &r, item)
	p.dates(c, &r, item)
	p.status(c, &r)
	return r
}

// item finds the subsidy item.
func (p *paymentParser) item(c *rowContext) itemMemo {
	v := c.value("item", true)
	if v == "" {
		return itemMemo{}
	}
	m, ok := p.itemMemo[v]
	if !ok {
		if it, found := p.items.Find(v); found {
			m = itemMemo{code: it.Code, payee: it.Payee, schedule: it.Schedule, ok: true}
			m.dueByMonth, m.dueByDay, _ = it.DueByDay()
		}
		if len(p.itemMemo) < maxEnumMemo {
			p.itemMemo[v] = m
		}
	}
	if !m.ok {
		c.reject("item", v, "不认识这个补贴项目（请用项目全称或代码，或请管理员在补贴项目目录中添加）")
	}
	return m
}

// payee checks who is paid: an item paid to a person needs the person's
// ID number; a household item needs the 户编号 or the holder's ID number.
func (p *paymentParser) payee(c *rowContext, r *PaymentRow, item itemMemo) {
	switch {
	case r.HouseholdNo == "" && r.IDCard == "":
		if c.raw("household_no") == "" && c.raw("id_card") == "" {
			c.reject("household_no", "", "户编号和身份证号至少填一项")
		}
		return
	case item.payee == model.PayeeMember && r.IDCard == "" && c.raw("id_card") == "":
		c.reject("id_card", "", "该补贴项目按人发放，须填写领取人的身份证号")
		return
	}
	lk := c.opts.Lookups
	if lk == nil {
		return
	}
	if r.IDCard != "" {
		no, ok, err := lk.MemberHousehold(r.IDCard)
		switch {
		case err != nil:
			c.fail(err)
		case !ok:
			c.reject("id_card", r.IDCard, "这个身份证号不在已导入的家庭成员中（请先导入成员，或核对号码）")
		case r.HouseholdNo != "" && no != r.HouseholdNo:
			c.reject("id_card", r.IDCard, "身份证号对应的人不属于户编号为"+r.HouseholdNo+"的户")
		}
		return
	}
	c.lookupHousehold("household_no", r.HouseholdNo)
}

// dates reads the period and the due and paid dates. A file may give the
// period or the due date; the other is derived, by the item's schedule.
func (p *paymentParser) dates(c *rowContext, r *PaymentRow, item itemMemo) {
	r.DueDate = c.date("due_date", false)
	r.PaidDate = c.date("paid_date", false)
	if !c.opts.Today.IsZero() && c.opts.Today.Before(r.PaidDate) {
		c.reject("paid_date", c.raw("paid_date"), "发放日期晚于今天")
	}
	period, ok := c.period("period")
	switch {
	case !ok && c.raw("period") != "":
		return // rejected already
	case !ok && r.DueDate.IsZero():
		if c.raw("due_date") == "" {
			c.reject("period", "", "发放期间和应发日期至少填一项")
		}
		return
	case !ok:
		period = periodOfDate(r.DueDate)
	}
	if !item.ok {
		return
	}
	fitted, err := period.Fit(item.schedule)
	if err != nil {
		c.reject("period", c.raw("period"), err.Error())
		return
	}
	r.Period = fitted.String()
	if r.DueDate.IsZero() && c.raw("due_date") == "" {
		r.DueDate = defaultDue(fitted, item)
	}
}

// defaultDue is the due date of a payment whose file gives none: the last
// day of its period, or, for a yearly or once item paid for a whole year
// with a due_by in the catalogue (产业奖励: by 30 September), that day when
// it comes earlier. Without it such money would not be overdue until the
// next January, three months after policy/004 wants it on the card.
func defaultDue(period Period, item itemMemo) model.Date {
	end := period.End()
	wholeYear := period.Month == 0 && period.Quarter == 0 && period.Day == 0
	if item.dueByMonth == 0 || !wholeYear || (item.schedule != model.ScheduleYearly && item.schedule != model.ScheduleOnce) {
		return end
	}
	if by := (model.Date{Year: period.Year, Month: item.dueByMonth, Day: item.dueByDay}); by.Before(end) {
		return by
	}
	return end
}

// status reads 发放状态, or derives it from the paid date and the failure
// reason, and checks the three agree.
func (p *paymentParser) status(c *rowContext, r *PaymentRow) {
	paidRaw := c.raw("paid_date")
	if c.raw("status") == "" {
		switch {
		case paidRaw != "" && r.FailureReason == "":
			r.Status = model.PaymentPaid
		case r.FailureReason != "":
			r.Status = model.PaymentFailed
		default:
			r.Status = model.PaymentScheduled
		}
	} else if r.Status = c.enumValue("status", p.statuses, false); r.Status == "" {
		return
	}
	switch r.Status {
	case model.PaymentPaid:
		if paidRaw == "" {
			c.reject("paid_date", "", "发放状态为已发放，但没有填发放日期")
		}
	case model.PaymentScheduled:
		if paidRaw != "" {
			c.reject("paid_date", paidRaw, "发放状态为待发放，却填了发放日期")
		}
	case model.PaymentFailed:
		if paidRaw != "" {
			c.reject("paid_date", paidRaw, "发放状态为发放失败，却填了发放日期")
		}
	}
}
