package chatbot

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/xiangbang/xiangbang/model"
)

// maxLines is how many payments of one kind an answer lists: a phone
// screen, not a statement.
const maxLines = 3

// subsidyAnswer is this year's 一卡通 summary for the person's household.
func (s *Service) subsidyAnswer(ctx context.Context, p person, it *Intent) (string, error) {
	today := s.today()
	sum, err := s.d.Subsidies.Summary(ctx, p.HouseholdID, today.Year)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "【%d年补贴到账情况】\n", sum.Year)
	if sum.PaidCount == 0 && len(sum.Overdue) == 0 && len(sum.Failed) == 0 && sum.Next == nil {
		b.WriteString("今年还没有查到您家的补贴发放记录。如认为有遗漏，回复「反映」了解如何反映。\n")
		b.WriteString(s.link(it.Page))
		return strings.TrimSpace(b.String()), nil
	}
	fmt.Fprintf(&b, "已到账 %d 笔，共 %s。\n", sum.PaidCount, yuan(sum.PaidFen))
	if l := sum.LastPaid; l != nil {
		fmt.Fprintf(&b, "最近一笔：%s%s，%s到账。\n", l.describe(), yuan(l.AmountFen), day(l.Date, today))
	}
	if len(sum.Overdue) > 0 {
		fmt.Fprintf(&b, "逾期未到账 %d 笔：\n", len(sum.Overdue))
		for _, l := range firstLines(sum.Overdue) {
			fmt.Fprintf(&b, "· %s%s，应于%s发放\n", l.describe(), yuan(l.AmountFen), day(l.Date, today))
		}
	}
	if len(sum.Failed) > 0 {
		fmt.Fprintf(&b, "发放失败 %d 笔：\n", len(sum.Failed))
		for _, l := range firstLines(sum.Failed) {
			reason := ""
			if l.Reason != "" {
				reason = "（" + l.Reason + "）"
			}
			fmt.Fprintf(&b, "· %s%s%s\n", l.describe(), yuan(l.AmountFen), reason)
		}
	}
	if l := sum.Next; l != nil {
		fmt.Fprintf(&b, "下一笔：%s%s，应于%s发放。\n", l.describe(), yuan(l.AmountFen), day(l.Date, today))
	}
	if len(sum.Overdue) > 0 || len(sum.Failed) > 0 {
		b.WriteString("如需反映，回复「反映」查看办法。\n")
	}
	b.WriteString(s.link(it.Page))
	return strings.TrimSpace(b.String()), nil
}

// jobsAnswer is the top postings: matched to a household member's job
// profile, else the newest (postings are public; only the matching is
// personal).
func (s *Service) jobsAnswer(ctx context.Context, p person, it *Intent) (string, error) {
	today := s.today()
	var b strings.Builder
	var jobs []JobLine
	var err error
	if p.isHousehold() {
		if jobs, err = s.d.Jobs.Recommended(ctx, p.UserID, maxLines, today); err != nil {
			return "", err
		}
		if len(jobs) > 0 {
			b.WriteString("为您推荐这些岗位：\n")
		} else {
			b.WriteString("暂时没有符合您求职意愿的岗位，先看看最新的：\n")
		}
	}
	if len(jobs) == 0 {
		if jobs, err = s.d.Jobs.Latest(ctx, maxLines, today); err != nil {
			return "", err
		}
		if !p.isHousehold() {
			b.WriteString("最新岗位：\n")
		}
	}
	if len(jobs) == 0 {
		b.Reset()
		b.WriteString("暂时没有正在招聘的岗位，有新岗位会第一时间告诉您。\n")
	}
	for i, j := range jobs {
		fmt.Fprintf(&b, "%d. %s｜%s｜%s", i+1, j.Title, j.Employer, wage(j))
		if j.Place != "" {
			b.WriteString("｜" + j.Place)
		}
		b.WriteString("\n")
	}
	if !p.bound() {
		b.WriteString("绑定身份、填写求职意愿后，可以为您推荐更合适的岗位，回复「绑定」查看办法。\n")
	}
	b.WriteString(s.link(it.Page))
	return strings.TrimSpace(b.String()), nil
}

// visitsAnswer is a cadre's day: counts, and the most urgent households.
func (s *Service) visitsAnswer(ctx context.Context, p person, it *Intent) (string, error) {
	today := s.today()
	due, err := s.d.Visits.Due(ctx, p.CadreID, today, maxLines)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "【今日走访】%d月%d日\n", today.Month, today.Day)
	if due.Households == 0 {
		b.WriteString("您名下暂时没有结对帮扶的户。如有出入，请联系乡镇工作人员。\n")
		b.WriteString(s.link(it.Page))
		return strings.TrimSpace(b.String()), nil
	}
	fmt.Fprintf(&b, "结对 %d 户：已逾期 %d 户，今天到期 %d 户，近期到期 %d 户。\n",
		due.Households, due.Overdue, due.DueToday, due.DueSoon)
	if len(due.Urgent) > 0 {
		b.WriteString("最该先去的：\n")
	}
	for i, h := range due.Urgent {
		fmt.Fprintf(&b, "%d. %s（%s）%s，", i+1, h.HeadName, h.Village, dueWords(h.NextDue, today))
		if h.LastVisit.IsZero() {
			b.WriteString("还没有走访记录\n")
		} else {
			fmt.Fprintf(&b, "上次走访%s\n", day(h.LastVisit, today))
		}
	}
	if due.Overdue == 0 && due.DueToday == 0 {
		b.WriteString("今天没有到期的户，继续保持。\n")
	}
	b.WriteString(s.link(it.Page))
	return strings.TrimSpace(b.String()), nil
}

// link is a text link that opens a mini-program page inside WeChat
// (WeChat's passive text replies allow it); href is the fallback for
// clients without mini-programs. No page or mini-program: no link.
func (s *Service) link(page string) string {
	appID := s.d.WeChat.MiniappAppID()
	if page == "" || appID == "" {
		return ""
	}
	href := ""
	if s.o.LinkURL != "" {
		href = ` href="` + html.EscapeString(s.o.LinkURL) + `"`
	}
	return `<a data-miniprogram-appid="` + html.EscapeString(appID) + `" data-miniprogram-path="` +
		html.EscapeString(page) + `"` + href + `>` + s.texts.LinkText + `</a>`
}

func (l PaymentLine) describe() string {
	if l.Period == "" {
		return l.ItemName
	}
	return l.ItemName + "（" + l.Period + "）"
}

func firstLines(ls []PaymentLine) []PaymentLine {
	if len(ls) > maxLines {
		return ls[:maxLines]
	}
	return ls
}

// yuan writes fen as people say money: "520元", "1,234.50元".
func yuan(fen int64) string {
	whole, cents := fen/100, fen%100
	s := strconv.FormatInt(whole, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if cents != 0 {
		s += fmt.Sprintf(".%02d", cents)
	}
	return s + "元"
}

// wage is a posting's pay range per unit.
func wage(j JobLine) string {
	unit := map[string]string{"month": "月", "day": "天", "piece": "件"}[j.WageUnit]
	if unit == "" {
		unit = j.WageUnit
	}
	lo, hi := strings.TrimSuffix(yuan(j.WageMinFen), "元"), strings.TrimSuffix(yuan(j.WageMaxFen), "元")
	if lo == hi {
		return lo + "元/" + unit
	}
	return lo + "-" + hi + "元/" + unit
}

// day writes a date the way people read it: "9月10日", with the year when
// it is not this year's.
func day(d, today model.Date) string {
	if d.IsZero() {
		return ""
	}
	if d.Year != today.Year {
		return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
	}
	return fmt.Sprintf("%d月%d日", d.Month, d.Day)
}

// dueWords says how a visit's due date stands against today.
func dueWords(due, today model.Date) string {
	switch n := today.DaysUntil(due); {
	case n < 0:
		return fmt.Sprintf("已逾期%d天", -n)
	case n == 0:
		return "今天到期"
	default:
		return fmt.Sprintf("%d天后到期", n)
	}
}
