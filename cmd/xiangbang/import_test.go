package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the binary in dir and returns its output and exit status.
func runCLI(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatal(err)
	return "", 0
}

func testdata(name string) string {
	p, _ := filepath.Abs(filepath.Join("..", "..", "service", "importer", "testdata", name))
	return p
}

// TestImportCommand imports the fixture county's files on SQLite as a
// county's IT person would, flags before or after the file.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	steps := []struct {
		args   []string
		status int
		says   string
	}{
		{[]string{"import", "regions", testdata("regions_gbk_title.csv")}, 0, "regions 导入完成（all）：共 8 行，新增 8"},
		{[]string{"import", "households", testdata("households_utf8_bom.csv")}, 0, "新增 8"},
		{[]string{"import", "members", testdata("members_merged_header.xlsx"), "--dry-run"}, 0, "检查完成（未写入）"},
		{[]string{"import", "members", testdata("members_merged_header.xlsx")}, 0, "新增 16，更新 8"},
		{[]string{"import", "members", testdata("members_merged_header.xlsx")}, 0, "未变 24"},
		{[]string{"import", "payments", testdata("payments_bad_rows.csv"), "--report", "bad.xlsx"}, 1, "未写入任何数据"},
		{[]string{"import", "--keep-good", "payments", testdata("payments_bad_rows.csv")}, 0, "新增 2"},
		{[]string{"import", "payments", "missing.csv"}, 1, "missing.csv"},
		{[]string{"import", "visits", testdata("payments_bad_rows.csv")}, 1, "unknown kind"},
		{[]string{"import", "template", "payments", "--format", "csv", "-o", "t.csv"}, 0, "模板已写入"},
		{[]string{"import"}, 2, "usage"},
	}
	for _, s := range steps {
		out, status := runCLI(t, dir, s.args...)
		if status != s.status || !strings.Contains(out, s.says) {
			t.Fatalf("xiangbang %s: status %d, want %d; output:\n%s", strings.Join(s.args, " "), status, s.status, out)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "bad.xlsx")); err != nil || fi.Size() == 0 {
		t.Fatalf("report: %v", err)
	}
	if raw, _ := os.ReadFile(filepath.Join(dir, "t.csv")); !strings.Contains(string(raw), "户编号,身份证号,姓名,补贴项目") {
		t.Fatalf("template: %q", raw)
	}
}
