package visits

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/apperr"
)

// Item is one visit as the phone recorded it (API.md's visit batch).
type Item struct {
	ClientID    string          `json:"client_id"`
	HouseholdID int64           `json:"household_id"`
	VisitedAt   string          `json:"visited_at"` // RFC 3339, the phone's clock
	Latitude    *float64        `json:"latitude"`
	Longitude   *float64        `json:"longitude"`
	AccuracyM   *float64        `json:"accuracy_m"`
	Findings    json.RawMessage `json:"findings"`
	Notes       string          `json:"notes"`
	PhotoIDs    []int64         `json:"photo_ids"`
	// Corrects names the visit this item corrects: its id (a number) or
	// its client_id (a string). A correction is a new revision.
	Corrects json.RawMessage `json:"corrects"`
}

// Findings are what a cadre found, in fields a program can read: the
// 两不愁三保障 and 饮水安全 checks (null = not checked), how income changed,
// the risks found, the needs, the actions promised, and free notes beside.
type Findings struct {
	FoodClothingOK        *bool    `json:"food_clothing_ok"`        // 不愁吃、不愁穿
	CompulsoryEducationOK *bool    `json:"compulsory_education_ok"` // 义务教育有保障
	BasicMedicalOK        *bool    `json:"basic_medical_ok"`        // 基本医疗有保障
	HousingSafe           *bool    `json:"housing_safe"`            // 住房安全有保障
	DrinkingWaterSafe     *bool    `json:"drinking_water_safe"`     // 饮水安全有保障
	IncomeChange          string   `json:"income_change"`           // up | stable | down | "" (not asked)
	Risks                 []string `json:"risks"`                   // RiskKinds codes
	Needs                 []string `json:"needs"`
	Actions               []Action `json:"actions"` // 承诺事项
}

// Action is something the cadre promised to do, with an optional date.
type Action struct {
	Text string `json:"text"`
	Due  string `json:"due,omitempty"` // YYYY-MM-DD
}

// RiskKinds are the 返贫致贫风险 a visit can record, with their Chinese names.
var RiskKinds = map[string]string{
	"illness":       "因病",
	"disability":    "因残",
	"education":     "因学",
	"disaster":      "因灾",
	"accident":      "因意外事故",
	"job_loss":      "务工就业不稳",
	"business_loss": "产业项目失败",
	"housing":       "住房安全",
	"water":         "饮水安全",
	"expense":       "刚性支出较大",
	"other":         "其他",
}

var incomeChanges = map[string]bool{"": true, "up": true, "stable": true, "down": true}

// Item failures, each answered per item.
var (
	errBadItem        = apperr.BadInput("invalid_item", "这条走访记录的格式不正确")
	errClientID       = apperr.BadInput("invalid_client_id", "client_id 应为手机生成的 UUID")
	errNoHousehold    = apperr.BadInput("missing_household", "请选择走访的农户")
	errVisitedAt      = apperr.BadInput("invalid_visited_at", "走访时间格式不正确，应为带时区的 RFC 3339 时间")
	errLocation       = apperr.BadInput("invalid_location", "位置信息不完整或超出范围（需同时提供经度和纬度）")
	errNotes          = apperr.BadInput("notes_too_long", "备注不能超过 2000 字")
	errBadCorrection  = apperr.BadInput("invalid_correction", "要更正的走访记录不存在，或不是您记录的")
	errWrongHousehold = apperr.BadInput("household_mismatch", "更正记录的农户与原记录不一致")
)

// decodeItem reads one item; a malformed item still gives back its
// client_id when it has one, so the phone knows which record failed.
func decodeItem(raw json.RawMessage) (Item, error) {
	var it Item
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&it); err != nil {
		var probe struct {
			ClientID any `json:"client_id"`
		}
		if json.Unmarshal(raw, &probe) == nil {
			if s, ok := probe.ClientID.(string); ok {
				it.ClientID = s
			}
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return it, apperr.BadInput("invalid_item", "字段 "+te.Field+" 的类型不正确")
		}
		return it, errBadItem
	}
	return it, nil
}

// normalizeUUID returns the canonical lower-case form of a UUID, or "".
func normalizeUUID(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 36 {
		return ""
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return ""
			}
		default:
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
				return ""
			}
		}
	}
	return s
}

// correctsRef is what an item's corrects field names.
type correctsRef struct {
	id       int64
	clientID string
}

func parseCorrects(raw json.RawMessage) (*correctsRef, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var n int64
	if json.Unmarshal(raw, &n) == nil && n > 0 {
		return &correctsRef{id: n}, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			return &correctsRef{id: id}, nil
		}
		if u := normalizeUUID(s); u != "" {
			return &correctsRef{clientID: u}, nil
		}
	}
	return nil, errBadCorrection
}

// checked is an item that passed the checks that need no database.
type checked struct {
	Item
	visitedAt time.Time
	findings  string // normalised JSON
	corrects  *correctsRef
}

// check validates an item against the clock and the rules; the client id
// is already normalised.
func (s *Service) check(it Item) (checked, error) {
	c := checked{Item: it}
	var err error
	if c.corrects, err = parseCorrects(it.Corrects); err != nil {
		return c, err
	}
	if it.HouseholdID <= 0 && c.corrects == nil {
		return c, errNoHousehold
	}
	at, err := time.Parse(time.RFC3339, strings.TrimSpace(it.VisitedAt))
	if err != nil {
		return c, errVisitedAt
	}
	now := s.now()
	rules := s.policy.Visits
	if ahead := at.Sub(now); ahead > time.Duration(rules.MaxClockSkewMinutes)*time.Minute {
		return c, apperr.BadInput("visited_at_in_future",
			fmt.Sprintf("走访时间比服务器时间晚 %d 分钟，请校准手机时间后重新提交", int(ahead.Minutes())))
	}
	if now.Sub(at) > time.Duration(rules.MaxAgeDays)*24*time.Hour {
		return c, apperr.BadInput("visited_at_too_old",
			fmt.Sprintf("走访时间早于 %d 天前，不能再补录；如确需补录请联系乡镇", rules.MaxAgeDays))
	}
	c.visitedAt = at.UTC().Truncate(time.Millisecond)
	if (it.Latitude == nil) != (it.Longitude == nil) ||
		(it.Latitude != nil && (bad(*it.Latitude, 90) || bad(*it.Longitude, 180))) ||
		(it.AccuracyM != nil && (math.IsNaN(*it.AccuracyM) || *it.AccuracyM < 0 || *it.AccuracyM > 1e6)) {
		return c, errLocation
	}
	c.Notes = strings.TrimSpace(it.Notes)
	if utf8.RuneCountInString(c.Notes) > 2000 {
		return c, errNotes
	}
	f, err := checkFindings(it.Findings)
	if err != nil {
		return c, err
	}
	raw, err := json.Marshal(f)
	if err != nil {
		return c, err
	}
	c.findings = string(raw)
	return c, nil
}

func bad(v, limit float64) bool { return math.IsNaN(v) || v < -limit || v > limit }

func findingsErr(msg string) error {
	return apperr.BadInput("invalid_findings", "走访发现填写有误："+msg)
}

// checkFindings reads and checks the structured findings; absent findings
// are an empty record (nothing checked).
func checkFindings(raw json.RawMessage) (Findings, error) {
	f := Findings{}
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &f); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				return f, findingsErr("字段 " + te.Field + " 的类型不正确")
			}
			return f, findingsErr("应为一个对象")
		}
	}
	if !incomeChanges[f.IncomeChange] {
		return f, findingsErr("收入变化应为 up、stable 或 down")
	}
	if len(f.Risks) > len(RiskKinds) || len(f.Needs) > 20 || len(f.Actions) > 20 {
		return f, findingsErr("条目过多")
	}
	seen := map[string]bool{}
	risks := []string{}
	for _, r := range f.Risks {
		if _, ok := RiskKinds[r]; !ok {
			return f, findingsErr("不认识的风险类型 " + strconv.Quote(r))
		}
		if !seen[r] {
			seen[r] = true
			risks = append(risks, r)
		}
	}
	f.Risks = risks
	needs := []string{}
	for _, n := range f.Needs {
		n = strings.TrimSpace(n)
		if utf8.RuneCountInString(n) > 200 {
			return f, findingsErr("每项需求不超过 200 字")
		}
		if n != "" {
			needs = append(needs, n)
		}
	}
	f.Needs = needs
	actions := []Action{}
	for _, a := range f.Actions {
		a.Text = strings.TrimSpace(a.Text)
		if a.Text == "" || utf8.RuneCountInString(a.Text) > 200 {
			return f, findingsErr("每项承诺事项需填写内容，不超过 200 字")
		}
		if a.Due != "" {
			if _, err := model.ParseDate(a.Due); err != nil {
				return f, findingsErr("承诺事项的日期应为 YYYY-MM-DD")
			}
		}
		actions = append(actions, a)
	}
	f.Actions = actions
	return f, nil
}
