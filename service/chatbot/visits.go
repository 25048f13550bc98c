package chatbot

import (
	"context"
	"errors"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/visits"
)

// CadreVisits answers Visits from the visits service's due list, so the bot
// and the mini-program tell a cadre the same thing.
type CadreVisits struct {
	Service  *visits.Service
	Location *time.Location // visits are stamped in UTC; their day is local
}

// Due counts the cadre's paired households by their due status and lists
// the n most urgent (the due list is already most urgent first).
func (v CadreVisits) Due(ctx context.Context, cadreID int64, today model.Date, n int) (CadreDue, error) {
	if v.Service == nil {
		return CadreDue{}, errors.New("chatbot: CadreVisits needs the visits service")
	}
	items, err := v.Service.DueForCadre(ctx, cadreID, "all")
	if err != nil {
		return CadreDue{}, err
	}
	out := CadreDue{Households: len(items)}
	for _, it := range items {
		switch {
		case it.DueStatus == "overdue":
			out.Overdue++
		case it.NextDue == today:
			out.DueToday++
		case it.DueStatus == "soon":
			out.DueSoon++
		}
		if len(out.Urgent) < n {
			h := DueHousehold{HeadName: it.HeadName, Village: it.VillageName, NextDue: it.NextDue}
			if it.LastVisitAt != nil {
				h.LastVisit = model.DateOf(it.LastVisitAt.In(v.Location))
			}
			out.Urgent = append(out.Urgent, h)
		}
	}
	return out, nil
}
