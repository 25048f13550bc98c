package config

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed policy.default.yaml
var defaultPolicy []byte

// Policy is the set of rules that differ by place and year (DOMAIN.md):
// thresholds, visit periods and case deadlines. It is data, never constants
// in code.
type Policy struct {
	Thresholds []Threshold `yaml:"thresholds"`
	// InYearFallSignals count as "income fell" for 提级帮扶 (policy_rules.go).
	InYearFallSignals []string            `yaml:"in_year_fall_signals"`
	PriorityVillage   PriorityVillageRule `yaml:"priority_village"`
	VisitPeriods      []VisitPeriod       `yaml:"visit_periods"`
	VisitDueSoon      int                 `yaml:"visit_due_soon_days"`
	Visits            VisitRules          `yaml:"visit_rules"`
	Deadlines         Deadlines           `yaml:"deadlines"`
	Holidays          []string            `yaml:"holidays"`

	holidays map[string]bool
}

// Threshold is one region's income rules from a year on.
type Threshold struct {
	Region             string  `yaml:"region"`
	Year               int     `yaml:"year"`
	MonitoringLineYuan float64 `yaml:"monitoring_line_yuan"`
	PriorityIncomeYuan float64 `yaml:"priority_income_yuan"`
	GrowthMinPercent   float64 `yaml:"growth_min_percent"`
	PriorityRule       string  `yaml:"priority_rule"` // income_and_growth (default) | income_only
}

// MonitoringLineFen is the line in fen per person per year.
func (t Threshold) MonitoringLineFen() int64 { return yuanToFen(t.MonitoringLineYuan) }

// PriorityIncomeFen is the priority-household income bound in fen.
func (t Threshold) PriorityIncomeFen() int64 { return yuanToFen(t.PriorityIncomeYuan) }

// GrowthMinBasisPoints is the growth threshold in hundredths of a percent
// (5.5 % → 550), so comparisons stay in integers.
func (t Threshold) GrowthMinBasisPoints() int64 { return int64(math.Round(t.GrowthMinPercent * 100)) }

// PriorityVillageRule is file 002's rule for 重点村.
type PriorityVillageRule struct {
	MonitoredSharePercent float64 `yaml:"monitored_share_percent"`
	CoveredSharePercent   float64 `yaml:"covered_share_percent"`
	CoveredMinPeople      int     `yaml:"covered_min_people"`
}

// VisitPeriod is how often a household class in a region must be visited.
type VisitPeriod struct {
	Region string `yaml:"region"`
	Class  string `yaml:"class"`
	Days   int    `yaml:"days"`
}

// VisitRules say when a recorded visit is flagged or refused. Far and
// missing locations are flagged for officials, never refused; a phone clock
// too far ahead, or a record too old to be checked, is refused.
type VisitRules struct {
	FarMetres           int `yaml:"far_metres"`             // farther than this from the household's location: flagged "far"
	MaxClockSkewMinutes int `yaml:"max_clock_skew_minutes"` // visited_at may be this far ahead of the server's clock
	MaxAgeDays          int `yaml:"max_age_days"`           // visits older than this are refused
}

// Defaults of VisitRules, used when a policy file leaves them out.
const (
	DefaultVisitFarMetres  = 500
	DefaultVisitClockSkew  = 10
	DefaultVisitMaxAgeDays = 90
)

// Deadlines are case deadlines in working days.
type Deadlines struct {
	ReportAcknowledgeDays int `yaml:"report_acknowledge_days"`
	ReportResolveDays     int `yaml:"report_resolve_days"`
	RiskCheckDays         int `yaml:"risk_check_days"`
	RiskDecideDays        int `yaml:"risk_decide_days"`
}

// LoadPolicy reads the policy at path, or the shipped defaults when path is
// empty, and checks it.
func LoadPolicy(path string) (*Policy, error) {
	raw := defaultPolicy
	key := "XB_POLICY_FILE"
	if path != "" {
		var err error
		if raw, err = os.ReadFile(path); err != nil {
			return nil, &Error{Key: key, Reason: err.Error()}
		}
	}
	var p Policy
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, &Error{Key: key, Reason: "not a valid policy file: " + err.Error()}
	}
	if err := p.check(); err != nil {
		return nil, &Error{Key: key, Reason: err.Error()}
	}
	return &p, nil
}

// DefaultPolicy returns the shipped policy.
func DefaultPolicy() *Policy {
	p, err := LoadPolicy("")
	if err != nil {
		panic(err)
	}
	return p
}

func (p *Policy) check() error {
	var errs []error
	hasDefault := false
	for i, t := range p.Thresholds {
		if t.Region == "" {
			hasDefault = true
		}
		if !isDigits(t.Region) || len(t.Region) > 12 {
			errs = append(errs, fmt.Errorf("thresholds[%d].region %q is not a region code prefix", i, t.Region))
		}
		if t.Year < 2000 || t.Year > 2100 || t.MonitoringLineYuan <= 0 || t.PriorityIncomeYuan <= 0 || t.GrowthMinPercent < 0 {
			errs = append(errs, fmt.Errorf("thresholds[%d]: year, monitoring_line_yuan and priority_income_yuan must be positive", i))
		}
	}
	errs = append(errs, p.checkRules())
	if !hasDefault {
		errs = append(errs, errors.New(`thresholds: an entry with region "" is required`))
	}
	sort.SliceStable(p.Thresholds, func(i, j int) bool { return p.Thresholds[i].Year < p.Thresholds[j].Year })
	for i, v := range p.VisitPeriods {
		if v.Class != "default" && v.Class != "elevated" {
			errs = append(errs, fmt.Errorf("visit_periods[%d].class %q: want default or elevated", i, v.Class))
		}
		if v.Days < 1 || v.Days > 366 || !isDigits(v.Region) {
			errs = append(errs, fmt.Errorf("visit_periods[%d]: days 1..366 and a region code prefix", i))
		}
	}
	if p.VisitDueSoon < 0 {
		errs = append(errs, errors.New("visit_due_soon_days must not be negative"))
	}
	errs = append(errs, p.Visits.check())
	d := p.Deadlines
	if d.ReportAcknowledgeDays < 1 || d.ReportResolveDays < d.ReportAcknowledgeDays || d.RiskCheckDays < 1 || d.RiskDecideDays < d.RiskCheckDays {
		errs = append(errs, errors.New("deadlines: each at least 1 day, and the final deadline not before the first"))
	}
	p.holidays = map[string]bool{}
	for _, h := range p.Holidays {
		if _, err := time.Parse("2006-01-02", h); err != nil {
			errs = append(errs, fmt.Errorf("holidays: %q is not YYYY-MM-DD", h))
		}
		p.holidays[h] = true
	}
	return errors.Join(errs...)
}

// check fills left-out rules with the defaults and refuses nonsense.
func (v *VisitRules) check() error {
	if v.FarMetres == 0 {
		v.FarMetres = DefaultVisitFarMetres
	}
	if v.MaxClockSkewMinutes == 0 {
		v.MaxClockSkewMinutes = DefaultVisitClockSkew
	}
	if v.MaxAgeDays == 0 {
		v.MaxAgeDays = DefaultVisitMaxAgeDays
	}
	if v.FarMetres < 0 || v.MaxClockSkewMinutes < 0 || v.MaxAgeDays < 1 || v.MaxAgeDays > 3660 {
		return errors.New("visit_rules: far_metres and max_clock_skew_minutes must not be negative, max_age_days 1..3660")
	}
	return nil
}

// ThresholdFor returns the rule for a village code and year: the longest
// region prefix that matches, and within it the latest year not after year.
func (p *Policy) ThresholdFor(regionCode string, year int) Threshold {
	var best Threshold
	bestLen := -1
	for _, t := range p.Thresholds {
		if !strings.HasPrefix(regionCode, t.Region) || t.Year > year {
			continue
		}
		if len(t.Region) > bestLen || (len(t.Region) == bestLen && t.Year >= best.Year) {
			best, bestLen = t, len(t.Region)
		}
	}
	if bestLen < 0 { // a year before every entry: use the earliest default entry
		for _, t := range p.Thresholds {
			if t.Region == "" {
				return t
			}
		}
	}
	return best
}

// VisitPeriodDays returns how many days may pass between visits for a
// household of the class ("default" or "elevated") in the region.
func (p *Policy) VisitPeriodDays(regionCode, class string) int {
	days, bestLen := 0, -1
	for _, v := range p.VisitPeriods {
		if v.Class == class && strings.HasPrefix(regionCode, v.Region) && len(v.Region) > bestLen {
			days, bestLen = v.Days, len(v.Region)
		}
	}
	if bestLen < 0 {
		if class == "elevated" {
			return 15
		}
		return 30
	}
	return days
}

// AddWorkingDays returns the date n working days after from (weekends and the
// listed holidays skipped), at the same clock time.
func (p *Policy) AddWorkingDays(from time.Time, n int) time.Time {
	t := from
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday || p.holidays[t.Format("2006-01-02")] {
			continue
		}
		n--
	}
	return t
}

func yuanToFen(y float64) int64 { return int64(math.Round(y * 100)) }

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
