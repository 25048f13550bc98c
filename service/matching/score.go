package matching

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
)

// Posting is what scoring needs of a job posting.
type Posting struct {
	ID                     int64
	Kind                   string
	RegionCode             string
	WageMinFen, WageMaxFen int64
	WageUnit               string
	Headcount, Filled      int
	Tags                   []string
	Demand                 string // light | medium | heavy
	AgeMin, AgeMax         int    // 0: no bound
	PublishedAt            time.Time
	ValidUntil             model.Date

	joinedTags string // the tags '|'-joined, as the board keeps them: read without splitting
}

// nextTag returns the next skill tag after the i-th (start at 0), from
// whichever form the posting was read with, and the index to go on from;
// ok is false past the last.
func (p *Posting) nextTag(i int) (tag string, next int, ok bool) {
	if p.joinedTags == "" {
		if i >= len(p.Tags) {
			return "", i, false
		}
		return p.Tags[i], i + 1, true
	}
	if i > len(p.joinedTags) {
		return "", i, false
	}
	rest := p.joinedTags[i:]
	if j := strings.IndexByte(rest, '|'); j >= 0 {
		return rest[:j], i + j + 1, true
	}
	return rest, len(p.joinedTags) + 1, true
}

// Remaining is how many people the posting still takes.
func (p Posting) Remaining() int { return p.Headcount - p.Filled }

// Worker is what scoring needs of a worker, whichever way the match runs.
type Worker struct {
	Home          string // home village code: local kinds of work suit people of the county
	Skills        []string
	MinWageFen    int64
	WageUnit      string // month | day
	AvailableFrom model.Date
	Capacity      string // full | weak | half
	BirthYear     int    // 0: unknown

	joined string // the skills '|'-separated, as the index keeps them: read without splitting
}

// Fit is how the posting met the worker's place and kind wishes, found
// before scoring (by MatchPlace and KindFitOf, or by the index row).
type Fit struct {
	Place PlaceFit
	Kind  string // model.KindWanted | KindAny | KindPriority
}

// Params are the scorer's settings (from config).
type Params struct {
	Weights       config.MatchWeights
	FreshDays     int
	WorkDaysMonth int
}

// ParamsFrom reads the settings from the configuration.
func ParamsFrom(c *config.Config) Params {
	return Params{Weights: c.MatchWeights(), FreshDays: c.MatchFreshDays, WorkDaysMonth: c.MatchWorkDays}
}

// Result is a posting's score for a worker and the reasons, in words.
type Result struct {
	Score   int      // 0 to 100
	Reasons []string // Chinese sentences, the weightiest first
	raw     float64
}

// part is one fit: its value between 0 and 1, its weight, and the reason
// to show when it speaks for the posting.
type part struct {
	value  float64
	weight int
	reason string
}

// Score rates an eligible posting for a worker, with the reasons. now is
// the time of scoring (freshness); it is pure: the same inputs give the
// same result.
func Score(prm Params, w Worker, p Posting, f Fit, now time.Time) Result {
	return score(&prm, &w, &p, f, now, true)
}

// rate is Score's number alone, making no reasons: what ranking needs for
// every candidate, without allocating.
func rate(prm *Params, w *Worker, p *Posting, f Fit, now time.Time) float64 {
	return score(prm, w, p, f, now, false).raw
}

// score computes the fits; explain makes the reasons too. It takes
// pointers: it runs for every candidate, and the structs are not small.
func score(prm *Params, w *Worker, p *Posting, f Fit, now time.Time, explain bool) Result {
	parts := [7]part{
		placePart(prm, f.Place, explain),
		kindPart(prm, f.Kind, p.Kind, explain),
		skillPart(prm, w, p, explain),
		wagePart(prm, w, p),
		freshPart(prm, p, now),
		headcountPart(prm, p, explain),
		capacityPart(prm, w.Capacity, p),
	}
	total, sum := 0, 0.0
	for _, pt := range parts {
		total += pt.weight
		sum += float64(pt.weight) * pt.value
	}
	var r Result
	if total > 0 {
		r.raw = sum / float64(total)
	}
	r.Score = int(math.Round(r.raw * 100))
	if explain {
		r.Reasons = reasons(parts)
	}
	return r
}

// reasons are the parts' sentences, weightiest first. It takes the parts
// by value so that scoring without reasons allocates nothing.
func reasons(parts [7]part) []string {
	ps := parts[:]
	sort.SliceStable(ps, func(i, j int) bool {
		return float64(ps[i].weight)*ps[i].value > float64(ps[j].weight)*ps[j].value
	})
	var out []string
	for _, pt := range ps {
		if pt.reason != "" && pt.weight > 0 {
			out = append(out, pt.reason)
		}
	}
	return out
}

func placePart(prm *Params, f PlaceFit, explain bool) part {
	pt := part{weight: prm.Weights.Place}
	switch f.Place {
	case PlaceLocal:
		pt.value, pt.reason = 1, "就在本乡镇，离家近"
	case PlaceCounty:
		pt.value, pt.reason = 0.9, "在您愿意去的县城周边"
	case PlaceOutsideCounty:
		pt.value, pt.reason = 0.8, "在县外，符合您外出务工的意愿"
	case PlaceOutsideProvince:
		pt.value, pt.reason = 0.8, "在省外，符合您去省外务工的意愿"
	case "":
	default:
		pt.value, pt.reason = 1, "在您愿意去的地方"
		if f.Name != "" && explain {
			pt.reason = "在您愿意去的" + f.Name
		}
	}
	return pt
}

func kindPart(prm *Params, fit, kind string, explain bool) part {
	pt := part{weight: prm.Weights.Kind}
	switch fit {
	case model.KindWanted:
		pt.value = 1
		if explain {
			pt.reason = "是您想找的“" + model.JobKinds[kind] + "”"
		}
	case model.KindPriority:
		pt.value = 0.8 // the reason is capacity's
	case model.KindAny:
		pt.value = 0.6
	}
	return pt
}

func skillPart(prm *Params, w *Worker, p *Posting, explain bool) part {
	pt := part{weight: prm.Weights.Skill}
	n, t := 0, 0
	var common []string
	for tag, i, ok := p.nextTag(0); ok; tag, i, ok = p.nextTag(i) {
		t++
		if w.hasSkill(tag) {
			n++
			if explain {
				common = append(common, tag)
			}
		}
	}
	if t == 0 {
		pt.value, pt.reason = 0.6, "不要求专门技能"
		return pt
	}
	pt.value = 0.2 + 0.8*float64(n)/float64(t)
	if n > 0 && explain {
		pt.reason = "用得上您的技能：" + strings.Join(common, "、")
	}
	return pt
}

// hasSkill reports whether the worker has a skill, looking in the joined
// form when that is what the worker was read with.
func (w *Worker) hasSkill(tag string) bool {
	if w.joined == "" {
		for _, s := range w.Skills {
			if s == tag {
				return true
			}
		}
		return false
	}
	s := w.joined
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], tag)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(tag)
		if (i == 0 || s[i-1] == '|') && (end == len(s) || s[end] == '|') {
			return true
		}
		from = i + 1
	}
	return false
}

// monthly converts a wage to fen per month; ok is false for piece rates,
// which no wish in money per month can be compared with.
func monthly(prm *Params, fen int64, unit string) (int64, bool) {
	switch unit {
	case model.WageMonth:
		return fen, true
	case model.WageDay:
		return fen * int64(prm.WorkDaysMonth), true
	}
	return 0, false
}

func wagePart(prm *Params, w *Worker, p *Posting) part {
	pt := part{weight: prm.Weights.Wage}
	lo, ok1 := monthly(prm, p.WageMinFen, p.WageUnit)
	hi, _ := monthly(prm, p.WageMaxFen, p.WageUnit)
	wish, ok2 := monthly(prm, w.MinWageFen, w.WageUnit)
	switch {
	case !ok1:
		pt.value, pt.reason = 0.5, "计件工资，多劳多得"
	case !ok2 || wish <= 0:
		pt.value = 0.7
	case lo > wish:
		pt.value = 0.8 + 0.2*math.Min(1, float64(lo-wish)/float64(wish))
		pt.reason = "工资高于您的期望"
	case lo == wish:
		pt.value, pt.reason = 0.8, "工资符合您的期望"
	case hi >= wish:
		pt.value, pt.reason = 0.6, "工资最高可达到您的期望"
	default:
		pt.value = 0.4 * float64(hi) / float64(wish)
		pt.reason = "工资低于您的期望"
	}
	return pt
}

func freshPart(prm *Params, p *Posting, now time.Time) part {
	pt := part{weight: prm.Weights.Freshness}
	age := now.Sub(p.PublishedAt).Hours() / 24
	if age < 0 {
		age = 0
	}
	pt.value = math.Max(0, 1-age/float64(max(prm.FreshDays, 1)))
	if age <= 3 {
		pt.reason = "新发布的岗位"
	}
	return pt
}

func headcountPart(prm *Params, p *Posting, explain bool) part {
	pt := part{weight: prm.Weights.Headcount}
	n := p.Remaining()
	pt.value = math.Min(1, float64(n)/10)
	switch {
	case !explain:
	case n >= 10:
		pt.reason = fmt.Sprintf("还招%d人，机会较多", n)
	case n > 0 && n <= 3:
		pt.reason = fmt.Sprintf("仅剩%d个名额，要抓紧", n)
	}
	return pt
}

func capacityPart(prm *Params, capacity string, p *Posting) part {
	pt := part{weight: prm.Weights.Capacity}
	if !weakLabour(capacity) {
		pt.value = 1
		if p.Kind == "public_welfare" {
			pt.value = 0.3 // policy fills these with weak and half labour first
		}
		return pt
	}
	switch {
	case p.Kind == "public_welfare":
		pt.value, pt.reason = 1, "乡村公益性岗位优先安置弱劳动力、半劳动力"
	case p.Kind == "workshop":
		pt.value, pt.reason = 1, "帮扶车间优先安置弱劳动力、半劳动力"
	case p.Demand == model.DemandLight:
		pt.value, pt.reason = 0.7, "体力要求轻，适合您"
	case capacity == model.CapacityHalf:
		pt.value = 0.4
	default:
		pt.value = 0.2
	}
	return pt
}

// Better orders two scored postings: higher score, then newer, then the
// higher id, so equal scores always come out in the same order.
func Better(a Result, pa Posting, b Result, pb Posting) bool {
	if a.raw != b.raw {
		return a.raw > b.raw
	}
	if !pa.PublishedAt.Equal(pb.PublishedAt) {
		return pa.PublishedAt.After(pb.PublishedAt)
	}
	return pa.ID > pb.ID
}
