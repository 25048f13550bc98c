package importer

import (
	"strings"
)

// enumValue is one stored value with the names files use for it.
type enumValue struct {
	code    string
	label   string // the name templates and reasons show
	aliases []string
}

// enum reads a closed list of values written in Chinese, in the several
// ways different systems spell them.
type enum struct {
	field  string // what the value is, for reasons: 户类型, 发放状态, ...
	byKey  map[string]string
	labels []string
}

func newEnum(field string, values ...enumValue) *enum {
	e := &enum{field: field, byKey: map[string]string{}}
	for _, v := range values {
		e.labels = append(e.labels, v.label)
		for _, name := range append([]string{v.code, v.label}, v.aliases...) {
			e.byKey[textKey(name)] = v.code
		}
	}
	return e
}

// parse returns the stored code for s. A remark in brackets may carry the
// value (监测户（脱贫不稳定）) or stand beside it (脱贫户（非监测）).
func (e *enum) parse(s string) (string, error) {
	for _, k := range matchKeys(s) {
		if code, ok := e.byKey[k]; ok {
			return code, nil
		}
	}
	return "", invalid("不是可用的" + e.field + "（可填：" + strings.Join(e.labels, "、") + "）")
}

// ParseBool reads yes/no answers: 是/否, 有/无, Y/N, √/×, TRUE/FALSE, 1/0.
func ParseBool(s string) (bool, error) {
	switch textKey(s) {
	case "是", "有", "Y", "YES", "TRUE", "1", "√", "✓", "✔", "对", "包", "提供", "需要", "愿意":
		return true, nil
	case "否", "无", "N", "NO", "FALSE", "0", "×", "✗", "✘", "不", "不包", "不提供", "不需要", "不愿意", "没有":
		return false, nil
	}
	return false, invalid("应填“是”或“否”")
}
