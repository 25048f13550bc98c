package matching

import "github.com/xiangbang/xiangbang/model"

// priorityKinds are the kinds policy fills with weak and half labour first
// (乡村公益性岗位 and 就业帮扶车间: policy/000, 003, 004).
var priorityKinds = map[string]bool{"public_welfare": true, "workshop": true}

// localKinds are kinds of work that are local by nature and suit only
// people of the posting's county: 就业帮扶车间 (就近就业), 乡村公益性岗位 (for
// local 脱贫人口) and 以工代赈 (local labour on local projects). A worker
// willing to go 县外 is not sent to another county's village workshop.
var localKinds = map[string]bool{"workshop": true, "public_welfare": true, "work_relief": true}

// LocalKind reports whether a kind of work is local by nature.
func LocalKind(kind string) bool { return localKinds[kind] }

// sameCounty reports whether two region codes lie in one county.
func sameCounty(a, b string) bool { return len(a) >= 6 && len(b) >= 6 && a[:6] == b[:6] }

// weakLabour reports whether a capacity is 弱劳动力 or 半劳动力.
func weakLabour(capacity string) bool {
	return capacity == model.CapacityWeak || capacity == model.CapacityHalf
}

// KindFitOf says whether a worker who wants kinds takes a posting of kind,
// and why: named, any (no kinds named), or priority (公益性岗位 and 帮扶车间
// for weak and half labour even when not named).
func KindFitOf(kinds []string, capacity, kind string) (string, bool) {
	if len(kinds) == 0 {
		return model.KindAny, true
	}
	for _, k := range kinds {
		if k == kind {
			return model.KindWanted, true
		}
	}
	if weakLabour(capacity) && priorityKinds[kind] {
		return model.KindPriority, true
	}
	return "", false
}

// Eligible applies the hard rules no score can outweigh: a place left,
// local kinds of work for people of the county, age within the posting's
// bounds, no heavy work for weak or half labour, and the worker free
// before the posting ends, and a wage that reaches the worker's lowest
// acceptable wage (WagesMeet).
func Eligible(prm Params, w Worker, p Posting, today model.Date) bool {
	return eligible(&prm, &w, &p, today)
}

func eligible(prm *Params, w *Worker, p *Posting, today model.Date) bool {
	if !wagesMeet(prm, w, p) {
		return false
	}
	if p.Remaining() <= 0 {
		return false
	}
	if localKinds[p.Kind] && !sameCounty(w.Home, p.RegionCode) {
		return false
	}
	if weakLabour(w.Capacity) && p.Demand == model.DemandHeavy {
		return false
	}
	if w.BirthYear > 0 {
		// Age by year of birth: at most a year older than the person is.
		age := today.Year - w.BirthYear
		if (p.AgeMin > 0 && age < p.AgeMin) || (p.AgeMax > 0 && age > p.AgeMax) {
			return false
		}
	}
	if !w.AvailableFrom.IsZero() && !p.ValidUntil.IsZero() && p.ValidUntil.Before(w.AvailableFrom) {
		return false
	}
	return true
}

// WagesMeet reports whether a posting can pay the worker's lowest
// acceptable wage: its highest wage, by the month, reaches the wish. Piece
// rates cannot be compared and pass; so does no wish.
func WagesMeet(prm Params, w Worker, p Posting) bool { return wagesMeet(&prm, &w, &p) }

func wagesMeet(prm *Params, w *Worker, p *Posting) bool {
	hi, ok1 := monthly(prm, p.WageMaxFen, p.WageUnit)
	wish, ok2 := monthly(prm, w.MinWageFen, w.WageUnit)
	return !ok1 || !ok2 || wish <= 0 || hi >= wish
}
