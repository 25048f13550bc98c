package report

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/kv"
	"github.com/xiangbang/xiangbang/service/subsidy"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

func TestNewRefusesMissingDeps(t *testing.T) {
	db := modeltest.SQLite(t)
	a, _ := audit.New(db, nil)
	subs, err := subsidy.New(db, kv.NewMemory(), a, subsidy.Options{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	ok := Options{Policy: config.DefaultPolicy(), Location: time.UTC}
	tests := []struct {
		name string
		db   *model.DB
		subs *subsidy.Service
		log  *audit.Log
		o    Options
	}{
		{"no database", nil, subs, a, ok},
		{"no subsidies", db, nil, a, ok},
		{"no audit", db, subs, nil, ok},
		{"no policy", db, subs, a, Options{Location: time.UTC}},
		{"no location", db, subs, a, Options{Policy: config.DefaultPolicy()}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.db, tc.subs, tc.log, tc.o); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}
	if _, err := New(db, subs, a, ok); err != nil {
		t.Fatal(err)
	}
}

func TestLevelDue(t *testing.T) {
	created := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	r := model.Report{FirstDeadline: created.Add(72 * time.Hour), FinalDeadline: created.Add(21 * 24 * time.Hour)}
	tests := []struct {
		name   string
		status string
		at     time.Duration
		want   int
	}{
		{"open, in time", model.ReportOpen, time.Hour, 0},
		{"open, at the first deadline", model.ReportOpen, 72 * time.Hour, 0},
		{"open, first deadline missed", model.ReportOpen, 73 * time.Hour, LevelFirstMissed},
		{"acknowledged after the first deadline", model.ReportAcknowledged, 73 * time.Hour, 0},
		{"open, both missed", model.ReportOpen, 30 * 24 * time.Hour, LevelFinalMissed},
		{"acknowledged, final missed", model.ReportAcknowledged, 30 * 24 * time.Hour, LevelFinalMissed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r.Status = tc.status
			if got := levelDue(r, created.Add(tc.at)); got != tc.want {
				t.Fatalf("level %d, want %d", got, tc.want)
			}
		})
	}
}

func TestScopesOfOfficials(t *testing.T) {
	village := "419901100201"
	if got := fmt.Sprint(escalationScopes(village, LevelFirstMissed)); got != "[419901100 419901100000]" {
		t.Errorf("level 1: %s", got)
	}
	if got := fmt.Sprint(escalationScopes(village, LevelFinalMissed)); got != "[419901100 419901100000 419901 419901000000]" {
		t.Errorf("level 2: %s", got)
	}
	if got := escalationScopes("41", LevelFinalMissed); len(got) != 0 {
		t.Errorf("a malformed code reaches %v", got)
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"  钱没到  \n", "钱没到", nil},
		{"", "", ErrEmptyText},
		{" \t\n", "", ErrEmptyText},
		{strings.Repeat("字", MaxTextRunes), strings.Repeat("字", MaxTextRunes), nil},
		{strings.Repeat("字", MaxTextRunes+1), "", ErrTextTooLong},
		{"\xff\xfe", "", nil},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%.12q", tc.in), func(t *testing.T) {
			got, err := cleanText(tc.in, MaxTextRunes, ErrEmptyText, ErrTextTooLong)
			if tc.in == "\xff\xfe" {
				if err == nil {
					t.Fatal("invalid UTF-8 accepted")
				}
				return
			}
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("got %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}
}
