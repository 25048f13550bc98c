package report

import (
	"context"
	"fmt"

	"github.com/xiangbang/xiangbang/model"
)

// assigneeOrder ranks a household's active pairings by who its cases go
// to: the 帮扶责任人 first, else the work team, else a 提级帮扶 leader; the
// latest pairing of a role wins (an import may leave two responsible
// pairings open for a while, and the newer one is the one that counts).
var assigneeOrder = fmt.Sprintf("CASE p.role WHEN '%s' THEN 0 WHEN '%s' THEN 1 ELSE 2 END, p.started_on DESC, p.id DESC",
	model.RoleResponsible, model.RoleWorkTeam)

// assigneeSQL picks one cadre per household by assigneeOrder among active
// pairings with cadres still in post, in one statement for many households
// (ROW_NUMBER works on MySQL 8, MariaDB, TiDB and SQLite alike).
var assigneeSQL = "SELECT household_id, cadre_id FROM (" +
	"SELECT p.household_id, p.cadre_id, ROW_NUMBER() OVER (PARTITION BY p.household_id ORDER BY " + assigneeOrder + ") AS n " +
	"FROM pairings p JOIN cadres c ON c.id = p.cadre_id AND c.status = 'active' " +
	"WHERE p.ended_on IS NULL AND p.household_id IN ?) ranked WHERE n = 1"

// assignees is the filing rule for a set of households: household id →
// the cadre its cases go to. A household without one is absent: its cases
// then rest with their department (a payment item's bureau, a 自主申报's
// town), as when one is filed without a cadre.
func assignees(ctx context.Context, tx *model.DB, householdIDs []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(householdIDs))
	for start := 0; start < len(householdIDs); start += reassignChunk {
		var rows []struct{ HouseholdID, CadreID int64 }
		chunk := householdIDs[start:min(start+reassignChunk, len(householdIDs))]
		if err := tx.WithContext(ctx).Raw(assigneeSQL, chunk).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.HouseholdID] = r.CadreID
		}
	}
	return out, nil
}

// responsibleCadre picks who a new case of one household goes to, by the
// same rule that moves open cases when pairings change (Reassigner).
func (s *Service) responsibleCadre(ctx context.Context, tx *model.DB, householdID int64) (*int64, error) {
	m, err := assignees(ctx, tx, []int64{householdID})
	if err != nil {
		return nil, err
	}
	id, ok := m[householdID]
	if !ok {
		return nil, nil
	}
	return &id, nil
}
