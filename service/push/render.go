package push

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/config"
)

// rendered is a message ready for WeChat: the template and its filled fields.
type rendered struct {
	TemplateKey string
	TemplateID  string
	Data        map[string]string
	Page        string
}

var placeholder = regexp.MustCompile(`\{([a-z_0-9]+)\}`)

// fill replaces each {name} in text with data[name] ("" when absent).
func fill(text string, data map[string]string) string {
	return placeholder.ReplaceAllStringFunc(text, func(m string) string { return data[m[1:len(m)-1]] })
}

// render fills the kind's mapping for a channel. ok is false when the kind
// is not sent on that channel (or the template file lacks the template).
func render(t *config.PushTemplates, kind, channel, page string, data map[string]string, now time.Time) (rendered, bool) {
	k := t.Kind(kind)
	m, set := k.Miniapp, t.Miniapp
	if channel == "template" {
		m, set = k.Official, t.Official
	}
	if m == nil {
		return rendered{}, false
	}
	tpl, ok := set[m.Template]
	if !ok {
		return rendered{}, false
	}
	out := rendered{TemplateKey: m.Template, TemplateID: tpl.ID, Data: make(map[string]string, len(tpl.Fields))}
	for _, f := range tpl.Fields {
		out.Data[f] = fitField(f, strings.TrimSpace(fill(m.Data[f], data)), now)
	}
	out.Page = page
	if out.Page == "" {
		out.Page = fill(k.Page, data)
	}
	return out, true
}

// fieldType is WeChat's type of a template field: its name without the
// trailing number (thing1 → thing, character_string3 → character_string).
func fieldType(field string) string { return strings.TrimRight(field, "0123456789") }

// fieldLimits are WeChat's longest values per field type, in characters.
var fieldLimits = map[string]int{"thing": 20, "phrase": 5, "name": 10, "character_string": 32, "number": 32, "letter": 32, "car_number": 8}

// fitField makes a value acceptable to WeChat for its field type: cut to
// the type's length (WeChat refuses the whole message otherwise, 47003),
// never empty, and times and dates written the ways WeChat accepts.
func fitField(field, v string, now time.Time) string {
	typ := fieldType(field)
	switch typ {
	case "time", "date":
		return fitTime(typ, v, now)
	case "number":
		if v == "" {
			return "0"
		}
	case "amount":
		if v == "" {
			return "0元"
		}
	}
	if v == "" {
		v = "无"
	}
	if n, ok := fieldLimits[typ]; ok && utf8.RuneCountInString(v) > n {
		r := []rune(v)
		if typ == "thing" || typ == "name" {
			return string(r[:n-1]) + "…"
		}
		return string(r[:n])
	}
	return v
}

var (
	fullDate  = regexp.MustCompile(`^(\d{4})(?:年|-)(\d{1,2})(?:月|-)(\d{1,2})日?(?:\s+(\d{1,2}:\d{2}))?$`)
	shortDate = regexp.MustCompile(`^(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2}:\d{2}))?$`)
	clockOnly = regexp.MustCompile(`^\d{1,2}:\d{2}$`)
)

// fitTime writes a time or date field as "2026年5月1日 09:30" or
// "2026年5月1日"; a month and day without a year ("5月3日", as case notices
// write it) gets now's year, and anything else becomes now.
func fitTime(typ, v string, now time.Time) string {
	y, mo, d, clock := now.Year(), int(now.Month()), now.Day(), now.Format("15:04")
	switch m := fullDate.FindStringSubmatch(v); {
	case m != nil:
		y, _ = strconv.Atoi(m[1])
		mo, _ = strconv.Atoi(m[2])
		d, _ = strconv.Atoi(m[3])
		clock = m[4]
	case shortDate.MatchString(v):
		s := shortDate.FindStringSubmatch(v)
		mo, _ = strconv.Atoi(s[1])
		d, _ = strconv.Atoi(s[2])
		clock = s[3]
	case clockOnly.MatchString(v) && typ == "time":
		return v
	}
	day := strconv.Itoa(y) + "年" + strconv.Itoa(mo) + "月" + strconv.Itoa(d) + "日"
	if typ == "date" || clock == "" {
		return day
	}
	return day + " " + clock
}
