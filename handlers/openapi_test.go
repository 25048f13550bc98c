package handlers

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/xiangbang/xiangbang/model/modeltest"
)

// TestEveryRouteIsDocumented keeps docs/openapi.yaml the full description of
// the API: each route the router serves must appear there with its method.
func TestEveryRouteIsDocumented(t *testing.T) {
	raw, err := os.ReadFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	h := newHarness(t, modeltest.SQLite(t), demoMode)
	param := regexp.MustCompile(`:([a-z_]+)`)
	for _, r := range h.srv.engine.Routes() {
		if strings.HasPrefix(r.Path, "/admin/") && !strings.HasPrefix(r.Path, "/admin/api/") {
			continue // console pages, not API
		}
		path := param.ReplaceAllString(r.Path, "{$1}")
		path = strings.Replace(path, "*filepath", "{path}", 1)
		ops, ok := doc.Paths[path]
		if !ok {
			t.Errorf("%s %s is not in docs/openapi.yaml", r.Method, path)
			continue
		}
		if _, ok := ops[strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s: the method is not in docs/openapi.yaml", r.Method, path)
		}
	}
}
