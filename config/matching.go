package config

// MatchWeights are the matching engine's relative weights, by fit.
type MatchWeights struct {
	Place, Kind, Skill, Wage, Freshness, Headcount, Capacity int
}

// Total is the sum of the weights (Validate keeps it positive).
func (w MatchWeights) Total() int {
	return w.Place + w.Kind + w.Skill + w.Wage + w.Freshness + w.Headcount + w.Capacity
}

// MatchWeights returns the configured weights.
func (c *Config) MatchWeights() MatchWeights {
	return MatchWeights{
		Place: c.MatchWeightPlace, Kind: c.MatchWeightKind, Skill: c.MatchWeightSkill, Wage: c.MatchWeightWage,
		Freshness: c.MatchWeightFresh, Headcount: c.MatchWeightHeadcnt, Capacity: c.MatchWeightCapacity,
	}
}

func (c *Config) validateMatching(bad func(key, format string, args ...any)) {
	for key, w := range map[string]int{
		"XB_MATCH_WEIGHT_PLACE": c.MatchWeightPlace, "XB_MATCH_WEIGHT_KIND": c.MatchWeightKind,
		"XB_MATCH_WEIGHT_SKILL": c.MatchWeightSkill, "XB_MATCH_WEIGHT_WAGE": c.MatchWeightWage,
		"XB_MATCH_WEIGHT_FRESHNESS": c.MatchWeightFresh, "XB_MATCH_WEIGHT_HEADCOUNT": c.MatchWeightHeadcnt,
		"XB_MATCH_WEIGHT_CAPACITY": c.MatchWeightCapacity,
	} {
		if w < 0 || w > 100 {
			bad(key, "must be between 0 and 100, got %d", w)
		}
	}
	if c.MatchWeights().Total() <= 0 {
		bad("XB_MATCH_WEIGHT_PLACE", "the XB_MATCH_WEIGHT_* weights must not all be 0")
	}
	if c.MatchFreshDays < 1 || c.MatchFreshDays > 365 {
		bad("XB_MATCH_FRESH_DAYS", "must be between 1 and 365")
	}
	if c.MatchWorkDays < 1 || c.MatchWorkDays > 31 {
		bad("XB_MATCH_WORK_DAYS_PER_MONTH", "must be between 1 and 31")
	}
	if c.MatchMinScore < 0 || c.MatchMinScore > 100 {
		bad("XB_MATCH_MIN_SCORE", "must be between 0 and 100")
	}
	if c.MatchCandidates < 100 || c.MatchCandidates > 100000 {
		bad("XB_MATCH_MAX_CANDIDATES", "must be between 100 and 100000")
	}
}
