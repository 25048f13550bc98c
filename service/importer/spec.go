package importer

import (
	"fmt"
	"strings"
)

// Kind is one kind of file the importer takes.
type Kind string

// The kinds, in the order a county loads them: regions first, since every
// other kind points at a region or a household.
const (
	KindRegions    Kind = "regions"
	KindHouseholds Kind = "households"
	KindMembers    Kind = "members"
	KindPayments   Kind = "payments"
	KindJobs       Kind = "jobs"
	KindCadres     Kind = "cadres"
	KindPairings   Kind = "pairings"
)

// Kinds lists every kind in loading order.
func Kinds() []Kind {
	return []Kind{KindRegions, KindHouseholds, KindMembers, KindPayments, KindJobs, KindCadres, KindPairings}
}

// Column is one column a kind reads: found in a file by its Chinese header
// or one of the aliases other systems export.
type Column struct {
	Key      string   // canonical key, as RegionRow etc. name the field
	Header   string   // the Chinese header templates write
	Aliases  []string // other headers meaning the same, most common first
	Required bool     // the file must have this column
	// OneOf names a group of columns of which the file must have at least
	// one (户编号 or 身份证号).
	OneOf     string
	Sensitive bool // ID and card numbers, phones: masked in rejection reports
	Money     bool // a unit in the header (万元, 分) scales the values
	// Alt marks another way to give what other columns give (经纬度 for
	// 纬度 and 经度): understood in files, left out of templates.
	Alt     bool
	Example string // a value for the template's notes
	Note    string // how to fill it, for the template's notes
}

// Spec is everything a kind expects of a file.
type Spec struct {
	Kind    Kind
	Title   string // what the file holds, in Chinese: 补贴发放明细
	Columns []Column
}

// SpecFor returns the column spec of a kind.
func SpecFor(kind Kind) (*Spec, error) {
	var s *Spec
	switch kind {
	case KindRegions:
		s = regionSpec()
	case KindHouseholds:
		s = householdSpec()
	case KindMembers:
		s = memberSpec()
	case KindPayments:
		s = paymentSpec()
	case KindJobs:
		s = jobSpec()
	case KindCadres:
		s = cadreSpec()
	case KindPairings:
		s = pairingSpec()
	default:
		return nil, fmt.Errorf("importer: unknown kind %q (want one of %s)", kind, kindList())
	}
	return s, nil
}

func kindList() string {
	var names []string
	for _, k := range Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

// column finds a column by key; specs are small, so a scan is fine.
func (s *Spec) column(key string) *Column {
	for i := range s.Columns {
		if s.Columns[i].Key == key {
			return &s.Columns[i]
		}
	}
	return nil
}

// idCardAliases are the headers the 防返贫监测 system, the 一卡通 platform
// and 人社 exports use for an ID number.
func idCardAliases(extra ...string) []string {
	return append(extra, "身份证号码", "公民身份号码", "证件号码", "身份证件号码", "证件号", "身份证")
}

// phoneAliases are the usual headers of a phone number.
func phoneAliases(extra ...string) []string {
	return append(extra, "手机号", "手机号码", "联系方式", "联系电话号码", "电话", "电话号码", "联系号码", "手机")
}

func householdNoColumn(required bool) Column {
	return Column{Key: "household_no", Header: "户编号", Aliases: []string{"户码", "家庭编号", "户号", "农户编号", "家庭户编号", "户主编号"},
		Required: required, Example: "410122100201000001", Note: "防返贫监测系统中的户编号，写成文本以免丢失位数"}
}

func phoneColumn(key, header string, extra ...string) Column {
	return Column{Key: key, Header: header, Aliases: phoneAliases(extra...), Sensitive: true,
		Example: "13800138000", Note: "11位手机号，或带区号的固定电话"}
}

func latLngColumns() []Column {
	return []Column{
		{Key: "latitude", Header: "纬度", Aliases: []string{"北纬"}, Example: "34.7466", Note: "十进制度数"},
		{Key: "longitude", Header: "经度", Aliases: []string{"东经"}, Example: "113.6253", Note: "十进制度数"},
		{Key: "coordinates", Header: "经纬度", Aliases: []string{"坐标", "经纬度坐标"}, Alt: true, Example: "113.6253,34.7466", Note: "经度和纬度写在一格时用，逗号隔开"},
	}
}
