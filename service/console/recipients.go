package console

import (
	"context"
	"strings"

	"github.com/xiangbang/xiangbang/model"
)

// Recipients resolves WeChat openids (of the mini-program or the official
// account) to the people they belong to, keeping only those in the scope.
// The demo's "what WeChat received" page uses it to say who got a message
// and to show an official only their own region's messages.
func (s *Service) Recipients(ctx context.Context, scope model.Scope, openids []string) (map[string]Recipient, error) {
	if _, err := Narrow(scope, ""); err != nil {
		return nil, err
	}
	out := map[string]Recipient{}
	seen := map[string]bool{}
	var uniq []string
	for _, o := range openids {
		if o != "" && !seen[o] {
			seen[o] = true
			uniq = append(uniq, o)
		}
	}
	prefix := prefixOf(scope)
	for start := 0; start < len(uniq); start += 500 {
		part := uniq[start:min(start+500, len(uniq))]
		var rows []struct {
			UserID         int64
			Role           string
			MiniappOpenid  *string
			OfficialOpenid *string
			RecipientColumns
			RegionCode string
		}
		q := "SELECT u.id AS user_id, u.role AS role, u.miniapp_openid AS miniapp_openid, u.official_openid AS official_openid, " +
			"h.id AS hh_id, h.household_no AS hh_no, h.head_name AS hh_head, c.id AS cadre_id, c.name AS cadre_name, " +
			"(SELECT MIN(a.display_name) FROM admin_users a WHERE a.wechat_user_id = u.id) AS official_name, " +
			"COALESCE(h.region_code, c.region_code, (SELECT MIN(a.region_scope) FROM admin_users a WHERE a.wechat_user_id = u.id), '') AS region_code " +
			"FROM users u LEFT JOIN households h ON h.id = u.household_id LEFT JOIN cadres c ON c.id = u.cadre_id " +
			"WHERE u.miniapp_openid IN ? OR u.official_openid IN ?"
		if err := s.db.WithContext(ctx).Raw(q, part, part).Scan(&rows).Error; err != nil {
			return nil, err
		}
		codes := make([]string, len(rows))
		for i, r := range rows {
			codes[i] = r.RegionCode
		}
		names, err := s.regionNames(ctx, codes)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if prefix != "" && (r.RegionCode == "" || !strings.HasPrefix(r.RegionCode, prefix)) {
				continue
			}
			rc := Recipient{UserID: r.UserID, Role: r.Role, RegionCode: r.RegionCode, RegionName: names[r.RegionCode]}
			r.RecipientColumns.fill(&rc)
			for _, o := range []*string{r.MiniappOpenid, r.OfficialOpenid} {
				if o != nil && seen[*o] {
					out[*o] = rc
				}
			}
		}
	}
	return out, nil
}

// RecipientColumns are the columns that say who a user is: their household,
// their cadre record, or the official whose WeChat user they are. Rows
// embed it (exported only because gorm fills exported embedded structs).
type RecipientColumns struct {
	HhID         *int64
	HhNo         *string
	HhHead       *string
	CadreID      *int64
	CadreName    *string
	OfficialName *string
}

func (c RecipientColumns) fill(rc *Recipient) {
	switch {
	case c.HhID != nil:
		rc.HouseholdID, rc.HouseholdNo, rc.Name = *c.HhID, deref(c.HhNo), deref(c.HhHead)+"户"
	case c.CadreID != nil:
		rc.CadreID, rc.Name = *c.CadreID, deref(c.CadreName)
	case c.OfficialName != nil: // an official's linked WeChat user (overdue payments, denied visits)
		rc.Name = *c.OfficialName
	}
}
