package demo

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/xiangbang/xiangbang/model"
)

// seedIncome records the last two years' incomes. Most households are well
// above the monitoring line; some are under it, some fell from the year
// before. Households under the line get 提级帮扶: a leader and a plan.
func (s *Seeder) seedIncome(tx *model.DB, sum *Summary) error {
	lastYear := s.o.Today.Year - 1
	leaders := map[string]int64{} // town → its leader
	for _, c := range s.cadres {
		if c.Kind == "township_leader" || c.Kind == "county_leader" {
			leaders[c.RegionCode] = c.ID
		}
	}
	var records []model.IncomeRecord
	var plans []model.IncomePlan
	var pairings []model.Pairing
	for i := range s.households {
		h := &s.households[i]
		line := s.o.Policy.ThresholdFor(h.RegionCode, lastYear).MonitoringLineFen()
		var perCapita int64
		switch x := s.rng.Float64(); {
		case x < 0.06: // under the line
			perCapita = line - int64(s.between(1, 2500))*100
		case x < 0.10: // just above it
			perCapita = line + int64(s.between(0, 900))*100
		default:
			perCapita = int64(math.Round(float64(line) * (1.2 + s.rng.ExpFloat64()*0.6)))
		}
		growth := 0.02 + s.rng.Float64()*0.12
		if s.chance(0.08) {
			growth = -0.03 - s.rng.Float64()*0.15 // income fell
		}
		prev := int64(float64(perCapita) / (1 + growth))
		for _, y := range []struct {
			year int
			pc   int64
		}{{lastYear - 1, prev}, {lastYear, perCapita}} {
			total := y.pc * int64(h.Size)
			wage := total * int64(s.between(45, 75)) / 100
			transfer := total * int64(s.between(10, 30)) / 100
			property := total * int64(s.between(0, 5)) / 100
			r := model.IncomeRecord{
				HouseholdID: h.ID, Year: y.year, WageFen: wage, TransferFen: transfer, PropertyFen: property,
				BusinessFen: total - wage - transfer - property, HouseholdSize: h.Size, Revision: 1, IsCurrent: true,
				ActorKind: "cadre", ActorID: s.responsible[h.ID],
			}
			r.PerCapitaFen = model.PerCapita(r.TotalFen(), r.HouseholdSize)
			records = append(records, r)
		}
		if perCapita < line || growth < 0 {
			h.SupportLevel = model.SupportElevated
			if err := tx.Model(h).Update("support_level", model.SupportElevated).Error; err != nil {
				return err
			}
			// Most elevated households have their leader and plan; a few do
			// not yet, so the 需提级帮扶 flag has something to show.
			if s.chance(0.8) {
				town := h.RegionCode[:9] + "000"
				pairings = append(pairings, model.Pairing{CadreID: leaders[town], HouseholdID: h.ID, Role: model.RoleLeader, StartedOn: s.o.Today.AddDays(-90)})
				plans = append(plans, model.IncomePlan{
					HouseholdID: h.ID, Measures: "安排公益性岗位1个；发展庭院养殖（鸡30只）；落实跨省务工交通补助",
					Responsible: "帮扶责任人", TargetFen: line + 150000, ReviewDate: s.o.Today.AddDays(s.between(10, 80)),
					ActorKind: "cadre", ActorID: s.responsible[h.ID],
				})
			}
		}
	}
	sum.IncomeRecords = len(records)
	if err := tx.CreateInBatches(&records, batchSize).Error; err != nil {
		return err
	}
	if err := tx.CreateInBatches(&pairings, batchSize).Error; err != nil {
		return err
	}
	sum.Pairings += len(pairings)
	return tx.CreateInBatches(&plans, batchSize).Error
}

// seedVisits gives each household a history of visits by its responsible
// cadre: most were visited within their period, some are overdue, a few
// have never been visited this half year.
func (s *Seeder) seedVisits(tx *model.DB, sum *Summary) error {
	var visits []model.Visit
	for _, h := range s.households {
		class := "default"
		if h.SupportLevel == model.SupportElevated {
			class = "elevated"
		}
		period := s.o.Policy.VisitPeriodDays(h.RegionCode, class)
		var last int // days since the last visit
		switch x := s.rng.Float64(); {
		case x < 0.72:
			last = s.between(0, period-1)
		case x < 0.92:
			last = s.between(period, period+30) // overdue
		default:
			continue // not visited in the last half year
		}
		for ago := last; ago <= 180; ago += s.between(period-8, period) {
			visits = append(visits, s.visit(h, s.o.Today.AddDays(-ago)))
		}
	}
	sum.Visits = len(visits)
	return tx.CreateInBatches(&visits, batchSize).Error
}

func (s *Seeder) visit(h model.Household, day model.Date) model.Visit {
	at := s.dateAt(day, s.between(8, 17), s.between(0, 59))
	lat := *h.Latitude + (s.rng.Float64()-0.5)*0.0008
	lng := *h.Longitude + (s.rng.Float64()-0.5)*0.0008
	flag, dist := model.LocationOK, float64(s.between(5, 80))
	if s.chance(0.04) {
		flag, dist = model.LocationFar, float64(s.between(900, 6000))
	}
	findings, _ := json.Marshal(map[string]any{
		"food_clothing_ok": true, "compulsory_education_ok": true, "basic_medical_ok": true,
		"housing_safe": true, "drinking_water_safe": !s.chance(0.02),
		"income_change": []string{"stable", "stable", "stable", "up", "down"}[s.rng.IntN(5)],
		"risks":         []string{},
		"needs":         []string{},
	})
	sumID := sha256.Sum256([]byte(fmt.Sprintf("%d-%s", h.ID, day)))
	v := model.Visit{
		ClientID: fmt.Sprintf("%x-%x-%x-%x-%x", sumID[0:4], sumID[4:6], sumID[6:8], sumID[8:10], sumID[10:16]),
		CadreID:  s.responsible[h.ID], HouseholdID: h.ID, Revision: 1, IsCurrent: true,
		VisitedAt: at, ReceivedAt: at.Add(time.Duration(s.between(1, 300)) * time.Minute),
		Latitude: &lat, Longitude: &lng, AccuracyM: ptr(float64(s.between(5, 40))), DistanceM: &dist,
		LocationFlag: flag, Findings: string(findings), IncomeDown: model.FindingsIncomeDown(string(findings)),
		PhotoIDs: "[]", Confirmation: model.ConfirmPending,
	}
	if s.chance(0.55) {
		v.Confirmation = model.ConfirmConfirmed
		v.ConfirmedAt = ptr(at.Add(3 * time.Hour))
	} else if s.chance(0.01) {
		v.Confirmation, v.ConfirmationNote = model.ConfirmDenied, "这天没有人来过"
		v.ConfirmedAt = ptr(at.Add(5 * time.Hour))
	}
	return v
}
