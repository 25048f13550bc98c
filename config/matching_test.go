package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMatchingSettings(t *testing.T) {
	c := Default()
	if w := c.MatchWeights(); w.Total() != 100 || w.Place != 25 {
		t.Fatalf("default weights %+v", w)
	}
	c, err := Load("", envOf(map[string]string{"XB_MATCH_WEIGHT_WAGE": "40", "XB_MATCH_WEIGHT_FRESHNESS": "0"}))
	if err != nil || c.MatchWeights().Wage != 40 || c.MatchWeights().Freshness != 0 {
		t.Fatalf("override: %v %+v", err, c.MatchWeights())
	}
	zero := map[string]string{}
	for _, k := range []string{"PLACE", "KIND", "SKILL", "WAGE", "FRESHNESS", "HEADCOUNT", "CAPACITY"} {
		zero["XB_MATCH_WEIGHT_"+k] = "0"
	}
	tests := []struct {
		name string
		env  map[string]string
		key  string
	}{
		{"negative weight", map[string]string{"XB_MATCH_WEIGHT_SKILL": "-1"}, "XB_MATCH_WEIGHT_SKILL"},
		{"weight over 100", map[string]string{"XB_MATCH_WEIGHT_KIND": "101"}, "XB_MATCH_WEIGHT_KIND"},
		{"not a number", map[string]string{"XB_MATCH_WEIGHT_WAGE": "heavy"}, "XB_MATCH_WEIGHT_WAGE"},
		{"all zero", zero, "XB_MATCH_WEIGHT_PLACE"},
		{"fresh days", map[string]string{"XB_MATCH_FRESH_DAYS": "0"}, "XB_MATCH_FRESH_DAYS"},
		{"work days", map[string]string{"XB_MATCH_WORK_DAYS_PER_MONTH": "40"}, "XB_MATCH_WORK_DAYS_PER_MONTH"},
		{"min score", map[string]string{"XB_MATCH_MIN_SCORE": "101"}, "XB_MATCH_MIN_SCORE"},
		{"candidates", map[string]string{"XB_MATCH_MAX_CANDIDATES": "5"}, "XB_MATCH_MAX_CANDIDATES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("", envOf(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.key) {
				t.Fatalf("error %v does not name %s", err, tt.key)
			}
		})
	}
}

func TestJobTags(t *testing.T) {
	groups, err := LoadJobTags("")
	if err != nil || len(groups) < 5 {
		t.Fatalf("shipped list: %v (%d groups)", err, len(groups))
	}
	dir := t.TempDir()
	for name, body := range map[string]string{
		"empty.yaml":   "groups: []\n",
		"dup.yaml":     "groups:\n  - name: a\n    tags:\n      - {name: 电工}\n      - {name: 焊工, aliases: [电工]}\n",
		"bad.yaml":     "groups:\n  - name: a\n    tags:\n      - {name: \"a|b\"}\n",
		"unknown.yaml": "groups:\n  - name: a\n    colour: red\n    tags: [{name: x}]\n",
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(body), 0o600)
		if _, err := LoadJobTags(path); err == nil || !strings.Contains(err.Error(), "XB_JOB_TAGS_FILE") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := LoadJobTags(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("a missing file loaded")
	}
}
