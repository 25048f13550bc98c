package model

import "testing"

func TestFindingsIncomeDown(t *testing.T) {
	for findings, want := range map[string]bool{
		`{"income_change":"down","risks":[]}`: true,
		`{"income_change":"stable"}`:          false,
		`{}`:                                  false,
		`{"needs":["收入\"income_change\":\"down\""]}`: false, // words in a need are not a finding
		`not json`: false,
		`{"income_change":"down","needs":["income_change stable"]}`: true,
	} {
		if got := FindingsIncomeDown(findings); got != want {
			t.Errorf("FindingsIncomeDown(%s) = %v, want %v", findings, got, want)
		}
	}
}
