package reminders

import (
	"context"
	"fmt"
	"strings"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/push"
)

// KindPaymentOverdue is the kind of overdue-payment notices.
const KindPaymentOverdue = "payment_overdue"

// overdueVillage is one village's overdue payments.
type overdueVillage struct {
	RegionCode string
	N          int
	Fen        int64
	Latest     model.Date // the latest due date among them
}

// OverduePayments tells each village's cadres (stationed there, or paired
// with a household whose payment is late) and the town's officials about
// payments overdue on today: still scheduled after the due date plus the
// grace days, as Payment.StatusOn judges. Cadres get one message per
// village, officials one per town. A notice is sent again only when a
// payment has become overdue since: the dedupe key carries the latest due
// date of the overdue set, so a rerun, or the next day with nothing new,
// queues nothing.
func (r *Reminders) OverduePayments(ctx context.Context, today model.Date) (int, error) {
	db := r.db.WithContext(ctx)
	cut := today.AddDays(-r.o.GraceDays) // overdue: due_date + grace < today
	var villages []overdueVillage
	if err := db.Raw(`SELECT region_code, COUNT(*) AS n, SUM(amount_fen) AS fen, MAX(due_date) AS latest
		FROM payments WHERE status = ? AND due_date < ? GROUP BY region_code ORDER BY region_code`,
		model.PaymentScheduled, cut).Scan(&villages).Error; err != nil {
		return 0, fmt.Errorf("reminders: overdue payments: %w", err)
	}
	if len(villages) == 0 {
		return 0, nil
	}
	byCode := map[string]overdueVillage{}
	var codes []string
	towns := map[string]*overdueVillage{} // town prefix → totals, RegionCode the town's code
	townVillages := map[string]int{}
	for _, v := range villages {
		byCode[v.RegionCode] = v
		codes = append(codes, v.RegionCode)
		town := model.RegionPrefix(v.RegionCode, model.LevelTown)
		t, ok := towns[town]
		if !ok {
			t = &overdueVillage{RegionCode: town + strings.Repeat("0", 12-len(town))}
			towns[town] = t
		}
		t.N += v.N
		t.Fen += v.Fen
		if t.Latest.Before(v.Latest) {
			t.Latest = v.Latest
		}
		townVillages[town]++
	}
	names, err := r.regionNames(ctx, codes, towns)
	if err != nil {
		return 0, err
	}

	// Cadres per village: paired with a household whose payment is late,
	// or serving in the village itself.
	var cadres []struct {
		RegionCode string
		CadreID    int64
	}
	if err := db.Raw(`SELECT DISTINCT p.region_code, pr.cadre_id FROM payments p
		JOIN pairings pr ON pr.household_id = p.household_id AND pr.ended_on IS NULL
		JOIN cadres c ON c.id = pr.cadre_id AND c.status = 'active'
		WHERE p.status = ? AND p.due_date < ?`, model.PaymentScheduled, cut).Scan(&cadres).Error; err != nil {
		return 0, err
	}
	var stationed []struct {
		RegionCode string
		CadreID    int64
	}
	if err := db.Raw(`SELECT region_code, id AS cadre_id FROM cadres WHERE status = 'active' AND region_code IN ?`, codes).
		Scan(&stationed).Error; err != nil {
		return 0, err
	}
	cadreVillages := map[int64]map[string]bool{}
	var cadreIDs []int64
	for _, c := range append(cadres, stationed...) {
		if cadreVillages[c.CadreID] == nil {
			cadreVillages[c.CadreID] = map[string]bool{}
			cadreIDs = append(cadreIDs, c.CadreID)
		}
		cadreVillages[c.CadreID][c.RegionCode] = true
	}
	var notices []push.UserNotice
	err = chunks(cadreIDs, 500, func(ids []int64) error {
		var users []model.User
		if err := db.Select("id, cadre_id").Where("cadre_id IN ?", ids).Find(&users).Error; err != nil {
			return err
		}
		for _, u := range users {
			for code := range cadreVillages[*u.CadreID] {
				v := byCode[code]
				notices = append(notices, push.UserNotice{UserID: u.ID, Notice: push.Notice{
					Kind:      KindPaymentOverdue,
					DedupeKey: fmt.Sprintf("payment_overdue:%s:%s:c%d:u%d", code, v.Latest, *u.CadreID, u.ID),
					Data:      overdueData(names[code], v, today),
				}})
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}

	// The towns' officials who linked a WeChat user to their account.
	var scopes []string
	for town := range towns {
		scopes = append(scopes, push.TownScopes(town)...)
	}
	admins, err := push.Officials(ctx, r.db, scopes)
	if err != nil {
		return 0, err
	}
	for _, a := range admins {
		town := a.RegionScope[:9] // the scope is the town's prefix, or its code padded to 12 digits
		t, ok := towns[town]
		if !ok {
			continue
		}
		name := names[t.RegionCode] + fmt.Sprintf("%d个村", townVillages[town])
		notices = append(notices, push.UserNotice{UserID: *a.WechatUserID, Notice: push.Notice{
			Kind:      KindPaymentOverdue,
			DedupeKey: fmt.Sprintf("payment_overdue:%s:%s:a%d:u%d", town, t.Latest, a.ID, *a.WechatUserID),
			Data:      overdueData(name, *t, today),
		}})
	}
	return push.EnqueueUsers(ctx, r.db, notices)
}

// regionNames reads the names of the villages and towns.
func (r *Reminders) regionNames(ctx context.Context, villages []string, towns map[string]*overdueVillage) (map[string]string, error) {
	codes := append([]string(nil), villages...)
	for _, t := range towns {
		codes = append(codes, t.RegionCode)
	}
	names := map[string]string{}
	for start := 0; start < len(codes); start += 500 {
		var regions []model.Region
		if err := r.db.WithContext(ctx).Select("code, name").Where("code IN ?", codes[start:min(start+500, len(codes))]).
			Find(&regions).Error; err != nil {
			return nil, err
		}
		for _, reg := range regions {
			names[reg.Code] = reg.Name
		}
	}
	for _, c := range codes {
		if names[c] == "" {
			names[c] = c
		}
	}
	return names, nil
}

func overdueData(name string, v overdueVillage, today model.Date) map[string]string {
	return map[string]string{
		"title":   name + "有补贴逾期未发放",
		"village": name,
		"region":  v.RegionCode,
		"count":   fmt.Sprint(v.N),
		"amount":  yuan(v.Fen),
		"time":    dayText(today),
		"remark":  fmt.Sprintf("最近一笔应于%d月%d日发放，请核实", v.Latest.Month, v.Latest.Day),
	}
}
