package push

import (
	"context"
	"strings"

	"github.com/xiangbang/xiangbang/model"
)

// Officials returns the enabled officials whose region scope is one of
// scopes and who linked a WeChat user to their console account: the only
// officials a notice can reach. Every service that tells officials about
// a place (overdue payments, cases, denied visits) picks them here, so
// "who hears about this town" is decided once.
func Officials(ctx context.Context, tx *model.DB, scopes []string) ([]model.AdminUser, error) {
	var out []model.AdminUser
	err := tx.WithContext(ctx).Where("region_scope IN ? AND disabled = ? AND wechat_user_id IS NOT NULL", scopes, false).
		Order("id").Find(&out).Error
	return out, err
}

// CoveringScopes are the region scopes that include a region code: every
// prefix at a level boundary, written short or padded to 12 digits (both
// are valid scopes), and "" for the whole deployment.
func CoveringScopes(code string) []string {
	out := []string{""}
	for _, n := range []int{2, 4, 6, 9, 12} { // province, city, county, town, village
		if len(code) >= n {
			out = append(out, code[:n], code[:n]+strings.Repeat("0", 12-n))
		}
	}
	return out
}

// TownScopes are the two spellings of the scope of the town a region code
// (town or village) lies in: its 9-digit prefix and that prefix padded to
// 12 digits. Notices about single households and villages go to the
// town's officials, who act on them; the county reads the console.
func TownScopes(code string) []string {
	if len(code) < 9 {
		return nil
	}
	return []string{code[:9], code[:9] + strings.Repeat("0", 3)}
}
