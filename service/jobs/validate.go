package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/matching"
)

// Benefits are what a posting offers besides the wage.
type Benefits struct {
	Meals     bool `json:"meals"`     // 包吃
	Lodging   bool `json:"lodging"`   // 包住
	Transport bool `json:"transport"` // 交通补贴
}

// JobInput is a posting as an official writes it (create, and edit, which
// replaces every field; an empty contact_phone on edit keeps the stored one,
// since the official only ever sees it masked).
type JobInput struct {
	ExternalNo     string     `json:"external_no"`
	Kind           string     `json:"kind"`
	Title          string     `json:"title"`
	Employer       string     `json:"employer"`
	RegionCode     string     `json:"region_code"`
	Address        string     `json:"address"`
	Latitude       *float64   `json:"latitude"`
	Longitude      *float64   `json:"longitude"`
	WageMinFen     *int64     `json:"wage_min_fen"`
	WageMaxFen     *int64     `json:"wage_max_fen"`
	WageUnit       string     `json:"wage_unit"`
	Headcount      int        `json:"headcount"`
	Filled         int        `json:"filled"`
	SkillTags      []string   `json:"skill_tags"`
	AgeMin         *int       `json:"age_min"`
	AgeMax         *int       `json:"age_max"`
	PhysicalDemand string     `json:"physical_demand"`
	Benefits       Benefits   `json:"benefits"`
	ContactName    string     `json:"contact_name"`
	ContactPhone   string     `json:"contact_phone"`
	Description    string     `json:"description"`
	ValidFrom      model.Date `json:"valid_from"`
	ValidUntil     model.Date `json:"valid_until"`
}

// Limits of a posting.
const (
	maxWageMonthFen = 10_000_000 // 100,000 元 a month
	maxWageDayFen   = 500_000    // 5,000 元 a day
	maxWagePieceFen = 1_000_000  // 10,000 元 a piece
	maxHeadcount    = 100_000
	maxValidityDays = 366
)

// invalid is a 400 naming the field at fault.
func invalid(field, code, message string) error {
	return apperr.BadInput(code, message).WithDetails(map[string]any{"field": field})
}

// text trims s and checks its length in characters.
func text(field, s string, minLen, maxLen int, label string) (string, error) {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	if n < minLen || n > maxLen {
		if minLen > 0 && n == 0 {
			return "", invalid(field, "missing_"+field, label+"不能为空")
		}
		return "", invalid(field, "invalid_"+field, fmt.Sprintf("%s最多 %d 个字", label, maxLen))
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) >= 0 {
		return "", invalid(field, "invalid_"+field, label+"含有不可见的控制字符")
	}
	return s, nil
}

// checkKind reads a posting kind.
func checkKind(field, k string) error {
	if _, ok := model.JobKinds[k]; !ok {
		return invalid(field, "unknown_kind", "岗位类型不正确，应为 migrant、park、workshop、public_welfare、work_relief 或 gig")
	}
	return nil
}

// checkRegion requires a 12-digit code that is on file.
func (s *Service) checkRegion(ctx context.Context, field, code string) error {
	if !model.ValidRegionCode(code) || model.RegionLevelOf(code) == 0 {
		return invalid(field, "invalid_region", "地区代码应为 12 位数字的统计用区划代码")
	}
	ok, err := s.regionOnFile(ctx, code)
	if err != nil {
		return err
	}
	if !ok {
		return invalid(field, "unknown_region", "地区代码不在区划表中："+code)
	}
	return nil
}

// checkTags normalises skill tags (synonyms become their tag).
func (s *Service) checkTags(field string, in []string) ([]string, error) {
	out, bad, err := s.tags.Normalize(in)
	switch {
	case errors.Is(err, matching.ErrTooManyTags):
		return nil, invalid(field, "too_many_tags", fmt.Sprintf("技能标签最多 %d 个", matching.MaxTags))
	case err != nil:
		return nil, invalid(field, "invalid_tag", fmt.Sprintf("技能标签“%s”不正确：应为 1 到 16 个字，不含 | , \" \\", truncateRunes(bad, 20)))
	}
	return out, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func wageCap(unit string) int64 {
	switch unit {
	case model.WageDay:
		return maxWageDayFen
	case model.WagePiece:
		return maxWagePieceFen
	}
	return maxWageMonthFen
}

// validateJob checks an official's posting and builds the row to store,
// with its normalised tags. On edit an empty contact phone is left unset
// for the caller to keep the stored one.
func (s *Service) validateJob(ctx context.Context, in JobInput, editing bool) (model.Job, []string, error) {
	var j model.Job
	var err error
	if in.ExternalNo, err = text("external_no", in.ExternalNo, 0, 64, "外部编号"); err != nil {
		return j, nil, err
	}
	if err := checkKind("kind", in.Kind); err != nil {
		return j, nil, err
	}
	if j.Title, err = text("title", in.Title, 1, 64, "岗位名称"); err != nil {
		return j, nil, err
	}
	if j.Employer, err = text("employer", in.Employer, 1, 64, "用工单位"); err != nil {
		return j, nil, err
	}
	if err := s.checkRegion(ctx, "region_code", in.RegionCode); err != nil {
		return j, nil, err
	}
	if j.Address, err = text("address", in.Address, 0, 120, "地址"); err != nil {
		return j, nil, err
	}
	if (in.Latitude == nil) != (in.Longitude == nil) ||
		(in.Latitude != nil && (math.IsNaN(*in.Latitude) || *in.Latitude < -90 || *in.Latitude > 90 || *in.Longitude < -180 || *in.Longitude > 180)) {
		return j, nil, invalid("latitude", "invalid_coordinates", "经纬度需同时填写，纬度在 -90 到 90、经度在 -180 到 180 之间")
	}
	if err := s.checkWage(in); err != nil {
		return j, nil, err
	}
	if in.Headcount < 1 || in.Headcount > maxHeadcount {
		return j, nil, invalid("headcount", "invalid_headcount", fmt.Sprintf("招聘人数应在 1 到 %d 之间", maxHeadcount))
	}
	if in.Filled < 0 || in.Filled > in.Headcount || (!editing && in.Filled != 0) {
		return j, nil, invalid("filled", "invalid_filled", "已招人数不能为负，也不能超过招聘人数（新岗位为 0）")
	}
	tags, err := s.checkTags("skill_tags", in.SkillTags)
	if err != nil {
		return j, nil, err
	}
	if err := checkAges(in.AgeMin, in.AgeMax); err != nil {
		return j, nil, err
	}
	if in.PhysicalDemand == "" {
		in.PhysicalDemand = model.DemandMedium
	}
	switch in.PhysicalDemand {
	case model.DemandLight, model.DemandMedium, model.DemandHeavy:
	default:
		return j, nil, invalid("physical_demand", "invalid_physical_demand", "体力要求应为 light、medium 或 heavy")
	}
	if j.ContactName, err = text("contact_name", in.ContactName, 0, 32, "联系人"); err != nil {
		return j, nil, err
	}
	if in.ContactPhone != "" || !editing {
		phone, err := pii.NormalizePhone(in.ContactPhone)
		if err != nil {
			return j, nil, invalid("contact_phone", "invalid_phone", "联系电话应为手机号或带区号的固定电话")
		}
		j.ContactPhone = model.Seal(s.cipher, pii.PurposePhone, phone)
	}
	desc, err := text("description", in.Description, 0, 2000, "岗位说明")
	if err != nil {
		return j, nil, err
	}
	if err := s.checkValidity(&in, editing); err != nil {
		return j, nil, err
	}
	tagJSON, _ := marshalTags(tags)
	benefits, _ := json.Marshal(in.Benefits)
	j.Kind, j.RegionCode, j.Latitude, j.Longitude = in.Kind, in.RegionCode, in.Latitude, in.Longitude
	j.WageMinFen, j.WageMaxFen, j.WageUnit = *in.WageMinFen, *in.WageMaxFen, in.WageUnit
	tagKey := strings.Join(tags, "|") // for the matching index
	j.Headcount, j.Filled, j.SkillTags, j.TagKey, j.AgeMin, j.AgeMax = in.Headcount, in.Filled, tagJSON, &tagKey, in.AgeMin, in.AgeMax
	j.PhysicalDemand, j.Benefits, j.ValidFrom, j.ValidUntil = in.PhysicalDemand, string(benefits), in.ValidFrom, in.ValidUntil
	if in.ExternalNo != "" {
		j.ExternalNo = &in.ExternalNo
	}
	if desc != "" {
		j.Description = &desc
	}
	return j, tags, nil
}

func (s *Service) checkWage(in JobInput) error {
	switch in.WageUnit {
	case model.WageMonth, model.WageDay, model.WagePiece:
	default:
		return invalid("wage_unit", "invalid_wage_unit", "工资单位应为 month（月）、day（日）或 piece（件）")
	}
	if in.WageMinFen == nil || in.WageMaxFen == nil {
		return invalid("wage_min_fen", "missing_wage", "请填写工资范围（wage_min_fen 和 wage_max_fen，单位：分）")
	}
	limit := wageCap(in.WageUnit)
	if *in.WageMinFen < 0 || *in.WageMaxFen < 0 || *in.WageMaxFen > limit {
		return invalid("wage_max_fen", "invalid_wage", fmt.Sprintf("工资应在 0 到 %d 元之间", limit/100))
	}
	if *in.WageMinFen > *in.WageMaxFen {
		return invalid("wage_min_fen", "wage_range_inverted", "最低工资不能高于最高工资")
	}
	return nil
}

func checkAges(lo, hi *int) error {
	bad := func(p *int) bool { return p != nil && (*p < 16 || *p > 80) }
	if bad(lo) || bad(hi) {
		return invalid("age_min", "invalid_age_range", "年龄要求应在 16 到 80 岁之间")
	}
	if lo != nil && hi != nil && *lo > *hi {
		return invalid("age_min", "invalid_age_range", "最低年龄不能高于最高年龄")
	}
	return nil
}

func (s *Service) checkValidity(in *JobInput, editing bool) error {
	today := s.today()
	if in.ValidFrom.IsZero() {
		in.ValidFrom = today
	}
	if in.ValidUntil.IsZero() {
		return invalid("valid_until", "missing_valid_until", "请填写有效期截止日期（valid_until）")
	}
	if in.ValidUntil.Before(in.ValidFrom) {
		return invalid("valid_until", "invalid_validity", "有效期截止日期不能早于开始日期")
	}
	if in.ValidUntil.Before(today) {
		return invalid("valid_until", "already_expired", "有效期截止日期已过")
	}
	if in.ValidFrom.DaysUntil(in.ValidUntil) > maxValidityDays {
		return invalid("valid_until", "validity_too_long", "有效期最长一年，到期后请重新发布")
	}
	if !editing && in.ValidFrom.Before(today.AddDays(-maxValidityDays)) {
		return invalid("valid_from", "invalid_validity", "开始日期过早")
	}
	return nil
}

// marshalTags writes tags as a JSON array with the characters as they are
// (no \u escapes), so keyword search can find them with LIKE.
func marshalTags(tags []string) (string, error) {
	if len(tags) == 0 {
		return "[]", nil
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tags); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}
