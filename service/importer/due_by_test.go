package importer

import (
	"reflect"
	"testing"
)

// TestPaymentDueByDefault: a payment for a whole year with no 应发日期 is due
// on its item's due_by (产业奖励 and 住房保障: 09-30, policy/004 第13条),
// else on 31 December; a date in the file always wins, and a finer period
// keeps its own end.
func TestPaymentDueByDefault(t *testing.T) {
	opts := testOptions(t)
	csv := "户编号,补贴项目,发放期间,发放批次,发放金额,应发日期\n" +
		"H001,产业奖励,2024,,100,\n" + // yearly with due_by: 9月30日
		"H001,产业奖励,2024,B2,100,2024-11-15\n" + // its own date wins
		"H001,耕地地力补贴,2024,,100,\n" + // yearly, no due_by: 31 December
		"H001,住房保障,2024,,100,\n" + // once, paid for the year: due_by
		"H001,住房保障,2024-10-15,,100,\n" // once, for a day: that day
	recs, rejs := decodeAll(t, NewPaymentDecoder, opts, csv)
	for i, r := range rejs {
		if len(r) > 0 {
			t.Fatalf("row %d refused: %+v", i+2, r)
		}
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.ItemCode+" "+r.Period+" "+r.DueDate.String())
	}
	want := []string{
		"industry_award 2024 2024-09-30",
		"industry_award 2024 2024-11-15",
		"farmland_protection 2024 2024-12-31",
		"housing 2024 2024-09-30",
		"housing 2024-10-15 2024-10-15",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("due dates\n%v\nwant\n%v", got, want)
	}
}
