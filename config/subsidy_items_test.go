package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultSubsidyItems(t *testing.T) {
	items := DefaultSubsidyItems()
	// Every item DOMAIN.md names for the 一卡通 is in the shipped catalogue.
	want := []string{"最低生活保障", "特困供养", "以奖代补", "跨省就业一次性往返交通补助", "县域内稳定就业劳务补助",
		"困难残疾人生活补贴", "重度残疾人护理补贴", "住房保障", "雨露计划", "健康帮扶", "医疗保障",
		"公益性岗位补贴", "耕地地力保护补贴", "农机购置补贴", "森林生态效益补偿", "临时救助"}
	for _, w := range want {
		found := false
		for _, it := range items {
			for _, n := range append([]string{it.Name}, it.Aliases...) {
				if strings.Contains(n, w) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("no item named %s", w)
		}
	}
	// policy/004 第13条: what is to be paid by the end of September is due then.
	for _, code := range []string{"industry_award", "county_employment", "cross_province_transport", "housing"} {
		for _, it := range items {
			if m, d, ok := it.DueByDay(); it.Code == code && (!ok || m != 9 || d != 30) {
				t.Errorf("%s: due_by %q", code, it.DueBy)
			}
		}
	}
	for _, it := range items {
		if !it.PaidViaCard() {
			t.Errorf("%s: shipped items are all paid via the card", it.Code)
		}
	}
}

func TestLoadSubsidyItemsRejects(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"bad code", "items: [{code: Dibao, name: 低保, department: 民政局, payee: household, schedule: monthly}]", "code"},
		{"twice", "items: [{code: a1, name: x, department: d, payee: member, schedule: once}, {code: a1, name: y, department: d, payee: member, schedule: once}]", "twice"},
		{"shared alias", "items: [{code: a1, name: x, aliases: [z], department: d, payee: member, schedule: once}, {code: a2, name: y, aliases: [z], department: d, payee: member, schedule: once}]", "also names"},
		{"payee", "items: [{code: a1, name: x, department: d, payee: village, schedule: once}]", "payee"},
		{"schedule", "items: [{code: a1, name: x, department: d, payee: member, schedule: weekly}]", "schedule"},
		{"unknown key", "items: [{code: a1, name: x, department: d, payee: member, schedule: once, colour: red}]", "colour"},
		{"empty", "items: []", "at least one"},
		{"due_by not a day", "items: [{code: a1, name: x, department: d, payee: member, schedule: yearly, due_by: \"09-31\"}]", "due_by"},
		{"due_by not month-day", "items: [{code: a1, name: x, department: d, payee: member, schedule: yearly, due_by: \"2026-09-30\"}]", "due_by"},
		{"due_by leap day", "items: [{code: a1, name: x, department: d, payee: member, schedule: once, due_by: \"02-29\"}]", "due_by"},
		{"due_by monthly", "items: [{code: a1, name: x, department: d, payee: member, schedule: monthly, due_by: \"09-30\"}]", "only yearly"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "items.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadSubsidyItems(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}
