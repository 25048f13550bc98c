package demo

import (
	"fmt"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/visits"
)

// denialDays is how far back the demo tells officials of denied visits:
// older denials were told long ago, and re-sending them all would bury the
// demo's WeChat page.
const denialDays = 30

// seedOfficialUsers gives each demo official a WeChat user who follows the
// official account, linked to their console account, so the notices
// officials get (denied visits, overdue payments, late cases) reach wxmock
// and show on the console's WeChat page.
func (s *Seeder) seedOfficialUsers(tx *model.DB) error {
	var admins []model.AdminUser
	if err := tx.Order("id").Find(&admins).Error; err != nil {
		return err
	}
	for _, a := range admins {
		u := model.User{OfficialOpenid: ptr("demo-openid-official-" + a.Username), FollowsOfficial: true, Role: model.UserGuest}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		if err := tx.Model(&a).Update("wechat_user_id", u.ID).Error; err != nil {
			return err
		}
	}
	return nil
}

// seedDenialNotices queues, as the household's answer would have, the
// officials' notices of the visits denied in the last denialDays days.
func (s *Seeder) seedDenialNotices(tx *model.DB, _ *Summary) error {
	if err := s.seedRecentDenial(tx); err != nil {
		return err
	}
	var denied []model.Visit
	if err := tx.Where("confirmation = ? AND is_current = ? AND visited_at >= ?", model.ConfirmDenied, true,
		s.dateAt(s.o.Today.AddDays(-denialDays), 0, 0)).Order("id").Find(&denied).Error; err != nil {
		return err
	}
	for _, v := range denied {
		if _, err := visits.NotifyDenied(tx.Statement.Context, tx, s.loc, v); err != nil {
			return fmt.Errorf("visit %d: %w", v.ID, err)
		}
	}
	return nil
}

// seedRecentDenial has the household of the latest pending visit of the
// past week in the demo town deny it: the random one in a hundred may
// leave the town official nothing recent to look into, and a small demo
// none at all.
func (s *Seeder) seedRecentDenial(tx *model.DB) error {
	var v model.Visit
	err := tx.Joins("JOIN households h ON h.id = visits.household_id").
		Where("h.region_code LIKE ? AND visits.confirmation = ? AND visits.visited_at >= ? AND visits.visited_at < ?",
			DemoOfficials[1].Scope+"%", model.ConfirmPending, s.dateAt(s.o.Today.AddDays(-7), 0, 0), s.dateAt(s.o.Today, 0, 0)).
		Order("visits.visited_at DESC, visits.id DESC").Take(&v).Error
	if model.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return tx.Model(&v).Updates(map[string]any{"confirmation": model.ConfirmDenied, "confirmed_at": v.VisitedAt.Add(5 * time.Hour),
		"confirmation_note": "那天家里没人，没见到干部来过"}).Error
}
