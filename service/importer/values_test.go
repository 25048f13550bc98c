package importer

import (
	"strconv"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/model/pii"
)

// testID builds a valid ID number from its first 17 digits.
func testID(first17 string) string { return first17 + string(pii.IDCheckDigit(first17)) }

func TestParseFen(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr string
	}{
		{"1234", 123400, ""},
		{"1,234.50", 123450, ""},
		{"1234.5元", 123450, ""},
		{"￥1,234.5", 123450, ""},
		{"¥ 1 234.5", 123450, ""},
		{"１２３４．５", 123450, ""},
		{"1234.5元整", 123450, ""},
		{"0.01", 1, ""},
		{".5", 50, ""},
		{"0", 0, ""},
		{"1,234,567.89", 123456789, ""},
		{"1.2345E+3", 123450, ""},
		{"1234.5000000000002", 123450, ""},
		{"0.30000000000000004", 30, ""},
		{"2.9999999999999996", 300, ""},
		{"1.5万", 1500000, ""},
		{"=\"88.00\"", 8800, ""},
		{"", 0, "为空"},
		{"-5", 0, "负数"},
		{"(5.00)", 0, "负数"},
		{"12.345", 0, "两位小数"},
		{"1,5", 0, "千分位"},
		{"12,34.5", 0, "千分位"},
		{"1234,567", 0, "千分位"},
		{"abc", 0, "不是金额"},
		{"12元3角", 0, "不是金额"},
		{"1.2.3", 0, "不是金额"},
		{"9999999999999", 0, "过大"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFen(tt.in)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestParseFenShift(t *testing.T) {
	tests := []struct {
		in    string
		shift int
		want  int64
	}{
		{"1.2345", 4, 1234500},
		{"123450", -2, 123450},
		{"5", -2, 5},
	}
	for _, tt := range tests {
		got, err := parseFenShift(tt.in, tt.shift)
		if err != nil || got != tt.want {
			t.Errorf("parseFenShift(%q, %d) = %d, %v; want %d", tt.in, tt.shift, got, err, tt.want)
		}
	}
	if _, err := parseFenShift("12.5", -2); err == nil {
		t.Error("half a fen accepted")
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"2024-09-30", "2024-09-30", ""},
		{"2024/9/30", "2024-09-30", ""},
		{"2024.9.30", "2024-09-30", ""},
		{"2024年9月30日", "2024-09-30", ""},
		{"2024年09月30号", "2024-09-30", ""},
		{"20240930", "2024-09-30", ""},
		{"2024-09-30 00:00:00", "2024-09-30", ""},
		{"2024/9/30 8:05", "2024-09-30", ""},
		{"2024-09-30T00:00:00Z", "2024-09-30", ""},
		{"２０２４－０９－３０", "2024-09-30", ""},
		{"45565", "2024-09-30", ""},
		{"45565.75", "2024-09-30", ""},
		{"1", "1900-01-01", ""},
		{"59", "1900-02-28", ""},
		{"61", "1900-03-01", ""},
		{"60", "", "1900年2月29日"},
		{"2024-02-30", "", "不存在"},
		{"2023-02-29", "", "不存在"},
		{"2024-13-01", "", "不存在"},
		{"30/09/2024", "", "无法识别"},
		{"9/30/2024", "", "无法识别"},
		{"24-9-30", "", "无法识别"},
		{"2024-09", "", "无法识别"},
		{"明天", "", "无法识别"},
		{"", "", "为空"},
		{"1899-12-31", "", "年份"},
		{"123456789", "", "无法识别"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			checkParse(t, got.String(), err, tt.want, tt.wantErr)
		})
	}
}

func TestExcelSerialRoundTrip(t *testing.T) {
	for _, s := range []string{"1900-01-01", "1900-02-28", "1900-03-01", "2024-09-30", "1999-12-31"} {
		d, _ := ParseDate(s)
		back, err := ParseDate(itoa(ExcelSerial(d)))
		if err != nil || back != d {
			t.Errorf("%s → %d → %v, %v", s, ExcelSerial(d), back, err)
		}
	}
	if d, _ := ParseDate("2024-09-30"); ExcelSerial(d) != 45565 {
		t.Errorf("ExcelSerial(2024-09-30) = %d, want 45565", ExcelSerial(d))
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"2024-09", "2024-09", ""},
		{"2024-9", "2024-09", ""},
		{"2024/09", "2024-09", ""},
		{"2024.9", "2024-09", ""},
		{"2024年9月", "2024-09", ""},
		{"2024年09月份", "2024-09", ""},
		{"202409", "2024-09", ""},
		{"2024年第三季度", "2024-Q3", ""},
		{"2024年第3季度", "2024-Q3", ""},
		{"2024年三季度", "2024-Q3", ""},
		{"2024Q3", "2024-Q3", ""},
		{"2024-Q3", "2024-Q3", ""},
		{"2024 q3", "2024-Q3", ""},
		{"2024年", "2024", ""},
		{"2024年度", "2024", ""},
		{"2024", "2024", ""},
		{"2024-09-15", "2024-09-15", ""},
		{"20240915", "2024-09-15", ""},
		{"45536", "2024-09-01", ""},
		{"2024-13", "", "月份"},
		{"2024年第五季度", "", "季度"},
		{"2024年上半年", "", "无法识别"},
		{"2024-09-31", "", "无法识别"},
		{"九月", "", "无法识别"},
		{"1800", "", "年份"},
		{"", "", "为空"},
		{"2024x", "", "无法识别"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePeriod(tt.in)
			checkParse(t, got.String(), err, tt.want, tt.wantErr)
		})
	}
}

func TestPeriodFit(t *testing.T) {
	tests := []struct {
		in, schedule, want, wantErr string
	}{
		{"2024-09-15", "monthly", "2024-09", ""},
		{"2024-09", "monthly", "2024-09", ""},
		{"2024Q3", "monthly", "", "应写到月"},
		{"2024", "monthly", "", "应写到月"},
		{"2024-08", "quarterly", "2024-Q3", ""},
		{"2024", "quarterly", "", "应写到季度"},
		{"2024-08", "yearly", "2024", ""},
		{"2024-08-03", "once", "2024-08-03", ""},
		{"2024-08", "once", "2024-08", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in+"/"+tt.schedule, func(t *testing.T) {
			p, err := ParsePeriod(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Fit(tt.schedule)
			if tt.wantErr != "" {
				checkParse(t, "", err, "", tt.wantErr)
				return
			}
			checkParse(t, got.String(), err, tt.want, "")
		})
	}
	ends := map[string]string{"2024-02": "2024-02-29", "2024-Q3": "2024-09-30", "2024": "2024-12-31", "2024-09-15": "2024-09-15"}
	for in, want := range ends {
		p, _ := ParsePeriod(in)
		if got := p.End().String(); got != want {
			t.Errorf("End(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestParseIDCard(t *testing.T) {
	good := testID("41012219900101123")
	lower := strings.ToLower(testID("41012219900307002"))
	bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	tests := []struct {
		in, want, wantErr string
	}{
		{good, good, ""},
		{" " + good + " ", good, ""},
		{lower, strings.ToUpper(lower), ""},
		{"'" + good, good, ""},
		{"=\"" + good + "\"", good, ""},
		{bad, "", "校验位"},
		{"410122199002301230", "", "出生日期"},
		{"4.10122199001011E+17", "", "科学计数法"},
		{"410122900101123", "", "15位"},
		{"41012219900101", "", "18位"},
		{"", "", "18位"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseIDCard(tt.in)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestParsePhone(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"13800138000", "13800138000", ""},
		{"138 0013 8000", "13800138000", ""},
		{"+86 138-0013-8000", "13800138000", ""},
		{"13800138000、13900139000", "13800138000", ""},
		{"1.3800138000E+10", "13800138000", ""},
		{"1.38001E+10", "", "科学计数法"},
		{"0371-12345678", "0371-12345678", ""},
		{"12345", "", "11位"},
		{"无", "", "11位"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePhone(tt.in)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestParseRegionCode(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"410122100201", "410122100201", ""},
		{"4.10122100201E+11", "410122100201", ""},
		{"410122100201.0", "410122100201", ""},
		{"'410122100201", "410122100201", ""},
		{"410122", "410122000000", ""},
		{"410122100", "410122100000", ""},
		{"4.10122E+11", "", "科学计数法"},
		{"41012210020", "", "12位"},
		{"4101221002011", "", "12位"},
		{"41012210020A", "", "12位"},
		{"000000000000", "", "12位"},
		{"410122100201.5", "", "12位"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRegionCode(tt.in)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestParseCardLast4(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"1234", "1234", ""},
		{"0123", "0123", ""},
		{"6217000012345678", "5678", ""},
		{"6217 0000 1234 5678", "5678", ""},
		{"6217****5678", "5678", ""},
		{"123", "", "4位"},
		{"12a4", "", "4位"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCardLast4(tt.in)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestParseIntAndBool(t *testing.T) {
	ints := []struct {
		in      string
		want    int
		wantErr string
	}{
		{"3", 3, ""}, {"3.0", 3, ""}, {"５", 5, ""}, {"4人", 4, ""}, {"2.9999999999999996", 3, ""},
		{"3.5", 0, "小数"}, {"-1", 0, "负数"}, {"三", 0, "整数"}, {"1e12", 0, "过大"},
	}
	for _, tt := range ints {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseInt(tt.in)
			checkParse(t, got, err, tt.want, tt.wantErr)
		})
	}
	bools := map[string]bool{"是": true, "否": false, "Y": true, "n": false, "有": true, "无": false, "√": true, "×": false, "TRUE": true, "0": false}
	for in, want := range bools {
		if got, err := ParseBool(in); err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseBool("也许"); err == nil || !strings.Contains(err.Error(), "是") {
		t.Errorf("ParseBool(也许) = %v", err)
	}
}

func TestParseWageRange(t *testing.T) {
	tests := []struct {
		in       string
		min, max int64
		unit     string
		wantErr  string
	}{
		{"3000-4500元/月", 300000, 450000, WageMonth, ""},
		{"3000~4500", 300000, 450000, "", ""},
		{"3000至4500元", 300000, 450000, "", ""},
		{"月薪3000—4500", 300000, 450000, WageMonth, ""},
		{"150元/天", 15000, 15000, WageDay, ""},
		{"日薪150-200", 15000, 20000, WageDay, ""},
		{"0.5元/件", 50, 50, WagePiece, ""},
		{"3-5千", 300000, 500000, "", ""},
		{"3K-5K", 300000, 500000, "", ""},
		{"0.5万-0.8万元/月", 500000, 800000, WageMonth, ""},
		{"4000元以上", 400000, 400000, "", ""},
		{"3000以下", 0, 300000, "", ""},
		{"面议", 0, 0, "", "面议"},
		{"4500-3000", 0, 0, "", "高于上限"},
		{"20元/小时", 0, 0, "", "日薪"},
		{"5万/年", 0, 0, "", "月薪"},
		{"很多", 0, 0, "", "不是金额"},
		{"", 0, 0, "", "为空"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseWageRange(tt.in)
			if tt.wantErr != "" {
				checkParse(t, 0, err, 0, tt.wantErr)
				return
			}
			checkParse(t, got, err, WageRange{tt.min, tt.max, tt.unit}, "")
		})
	}
}

func TestParseAgeRange(t *testing.T) {
	tests := []struct {
		in       string
		min, max int
		wantErr  string
	}{
		{"18-55岁", 18, 55, ""},
		{"18至55周岁", 18, 55, ""},
		{"18岁以上", 18, 0, ""},
		{"18周岁及以上", 18, 0, ""},
		{"55岁以下", 0, 55, ""},
		{"不限", 0, 0, ""},
		{"", 0, 0, ""},
		{"14-55岁", 0, 0, "16"},
		{"55-18岁", 0, 0, "高于上限"},
		{"年轻", 0, 0, "无法识别"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAgeRange(tt.in)
			if tt.wantErr != "" {
				checkParse(t, 0, err, 0, tt.wantErr)
				return
			}
			checkParse(t, got, err, AgeRange{tt.min, tt.max}, "")
		})
	}
}

func TestDateRange(t *testing.T) {
	from, until, err := dateRange("2024-09-01至2024/12/31")
	if err != nil || from.String() != "2024-09-01" || until.String() != "2024-12-31" {
		t.Errorf("dateRange = %v %v %v", from, until, err)
	}
	if _, _, err := dateRange("长期"); err == nil {
		t.Error("长期 accepted as a date range")
	}
}

func TestEnum(t *testing.T) {
	e := newEnum("户类型",
		enumValue{"poverty_alleviated", "脱贫户", []string{"脱贫人口"}},
		enumValue{"monitor_unstable", "脱贫不稳定户", []string{"脱贫不稳定"}},
	)
	tests := []struct{ in, want string }{
		{"脱贫户", "poverty_alleviated"},
		{" 脱贫户 ", "poverty_alleviated"},
		{"脱贫户（非监测对象）", "poverty_alleviated"},
		{"监测户(脱贫不稳定)", "monitor_unstable"},
		{"monitor_unstable", "monitor_unstable"},
		{"一般户", ""},
	}
	for _, tt := range tests {
		got, err := e.parse(tt.in)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("parse(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := e.parse("一般户"); !strings.Contains(err.Error(), "可填：脱贫户、脱贫不稳定户") {
		t.Errorf("reason %q does not list the values", err)
	}
}

// checkParse compares a parser's result with the wanted value, or its
// error with a wanted fragment of the Chinese reason.
func checkParse[T comparable](t *testing.T, got T, err error, want T, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil {
			t.Fatalf("got %v, want an error mentioning %q", got, wantErr)
		}
		if !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error %q does not mention %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
