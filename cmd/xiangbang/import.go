package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/auth"
	"github.com/xiangbang/xiangbang/service/exports"
	"github.com/xiangbang/xiangbang/service/importer"
	"github.com/xiangbang/xiangbang/service/imports"
)

const importUsage = `usage:
  xiangbang import KIND FILE [--keep-good] [--dry-run] [--report PATH]
  xiangbang import template KIND [--format csv|xlsx] [-o FILE]

KIND is one of: regions households members payments jobs cadres pairings (load regions first).
FILE is CSV (UTF-8, GBK, UTF-16) or XLSX, with Chinese headers as the source systems export them.
By default a file with any bad row writes nothing and exits with status 1; --keep-good writes
the good rows and reports the rest. The report of bad rows (row, column, value, reason) is
written to --report (.csv or .xlsx) and kept under XB_DATA_DIR/imports.`

func runImport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(os.Stderr, importUsage); fs.PrintDefaults() }
	cfgPath := configFlag(fs)
	keepGood := fs.Bool("keep-good", false, "write the good rows and report the bad ones (default: any bad row writes nothing)")
	dryRun := fs.Bool("dry-run", false, "check the file against the database and write the report; write no data")
	report := fs.String("report", "", "write the report of bad rows here (.csv or .xlsx)")
	format := fs.String("format", "xlsx", "template format: csv or xlsx")
	out := fs.String("o", "", "template: write to this file (default: <kind>-template.<format>)")
	noMigrate := fs.Bool("no-migrate", false, "do not apply pending migrations first")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 2 && pos[0] == "template" {
		return writeTemplate(importer.Kind(pos[1]), *format, *out)
	}
	if len(pos) != 2 {
		fs.Usage()
		return flag.ErrHelp
	}
	kind, path := importer.Kind(pos[0]), pos[1]
	if _, err := importer.SpecFor(kind); err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return err
	}
	a, err := openConfigured(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer a.close()
	if a.cfg.AutoMigrate && !*noMigrate {
		if _, err := a.db.Migrate(ctx); err != nil {
			return err
		}
	}
	// Payments name items of the catalogue: it must be in the table first.
	if err := a.syncCatalogue(ctx); err != nil {
		return err
	}
	svc, err := a.newImports()
	if err != nil {
		return err
	}
	mode := model.ImportAllOrNothing
	if *keepGood {
		mode = model.ImportKeepGood
	}
	bar := newProgressBar(os.Stderr)
	res, runErr := svc.Run(ctx, imports.Request{Kind: kind, Path: path, Mode: mode, DryRun: *dryRun, Scope: model.SystemScope(),
		Actor: audit.Actor{Kind: "importer", Name: "命令行导入"}, Progress: bar.update})
	bar.finish()
	if *report != "" {
		if err := copyReport(res.ReportPath, *report); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if *dryRun && res.ReportPath != "" {
			os.Remove(res.ReportPath)
			res.ReportPath = *report
		}
	}
	fmt.Println(summaryLine(kind, mode, *dryRun, res))
	if res.ReportPath != "" {
		shown := res.ReportPath
		if *report != "" {
			shown = *report
		}
		fmt.Printf("未导入的行及原因见：%s\n", shown)
	}
	switch {
	case runErr != nil:
		return errors.New(res.Error)
	case res.Status == model.ImportRejected:
		return fmt.Errorf("%d 行有问题，按“全部或全不”的默认方式未写入任何数据（修正后重新导入，或加 --keep-good 先导入正确的行）", res.Rejected)
	}
	return nil
}

// parseInterleaved parses flags given before, between or after the
// positional arguments (xiangbang import payments a.csv --keep-good).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func writeTemplate(kind importer.Kind, format, out string) error {
	if out == "" {
		out = string(kind) + "-template." + format
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := importer.WriteTemplate(kind, f, format); err != nil {
		f.Close()
		os.Remove(out)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "模板已写入", out)
	return nil
}

// copyReport writes the run's CSV report to dst in the format its
// extension names; a run without bad rows gives a report with its header
// only, so scripts always find the file.
func copyReport(src, dst string) error {
	format := importer.FormatCSV
	if strings.EqualFold(filepath.Ext(dst), ".xlsx") {
		format = importer.FormatXLSX
	}
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	if src == "" {
		var w importer.ReportWriter
		if w, err = importer.NewReport(f, format); err == nil {
			err = w.Close()
		}
	} else {
		err = imports.WriteReport(src, f, format)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func summaryLine(kind importer.Kind, mode string, dry bool, r imports.Result) string {
	what := map[string]string{model.ImportDone: "导入完成", model.ImportRejected: "未导入", model.ImportFailed: "导入中止"}[r.Status]
	if dry {
		what = "检查完成（未写入）"
	}
	return fmt.Sprintf("%s %s（%s）：共 %s 行，新增 %s，更新 %s，未变 %s，有问题 %s；用时 %.1f 秒。",
		kind, what, mode, group(r.Total), group(r.Created), group(r.Updated), group(r.Unchanged), group(r.Rejected), r.Took.Seconds())
}

// group writes 1234567 as 1,234,567.
func group(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// progressBar draws a run's progress on a terminal; elsewhere it is quiet.
type progressBar struct {
	w     io.Writer
	on    bool
	phase string
	start time.Time
	last  time.Time
	drawn bool
}

func newProgressBar(f *os.File) *progressBar {
	fi, err := f.Stat()
	return &progressBar{w: f, on: err == nil && fi.Mode()&os.ModeCharDevice != 0}
}

func (b *progressBar) update(p imports.Progress) {
	if !b.on {
		return
	}
	now := time.Now()
	if p.Phase != b.phase {
		if b.drawn {
			fmt.Fprintln(b.w)
		}
		b.phase, b.start, b.last = p.Phase, now, time.Time{}
	}
	end := p.Bytes == p.Size
	if !end && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last, b.drawn = now, true
	frac := 0.0
	switch {
	case p.Total > 0:
		frac = float64(p.Rows) / float64(p.Total)
	case p.Size > 0:
		frac = float64(p.Bytes) / float64(p.Size)
	}
	frac = min(1, frac)
	const width = 24
	filled := int(frac * width)
	rate := float64(p.Rows) / max(now.Sub(b.start).Seconds(), 0.001)
	name := map[string]string{model.PhaseChecking: "校验", model.PhaseWriting: "写入"}[p.Phase]
	fmt.Fprintf(b.w, "\r%s %s%s %3.0f%%  %s 行  %s 行/秒  ", name, strings.Repeat("█", filled), strings.Repeat("░", width-filled),
		frac*100, group(p.Rows), group(int(rate)))
}

func (b *progressBar) finish() {
	if b.on && b.drawn {
		fmt.Fprintln(b.w)
	}
}

// newImports is the import service on the app's database.
func (a *app) newImports() (*imports.Service, error) {
	items, err := config.LoadSubsidyItems(a.cfg.SubsidyItemsFile)
	if err != nil {
		return nil, err
	}
	// Households whose payments an import changes lose their cached
	// summaries at once, on every instance (through Redis when configured).
	subsidies, err := a.newSubsidies()
	if err != nil {
		return nil, err
	}
	// Cadres a roster marks 离岗 lose their cached sign-ins at once (on the
	// servers too when they share Redis with this process).
	tokens, err := auth.NewTokens(a.db, a.kv, a.tokenSecret, nil)
	if err != nil {
		return nil, err
	}
	return imports.New(imports.Deps{DB: a.db, Cipher: a.cipher, Audit: a.audit, Items: items, Logger: a.log, Payments: subsidies,
		Sessions: tokens},
		imports.Options{DataDir: a.cfg.DataDir, Location: a.cfg.Location()})
}

// newImportsExports are the server's background import runner and the
// exports. One import runs at a time on SQLite (one writer), two on MySQL.
func (a *app) newImportsExports() (*imports.Runner, *exports.Service, error) {
	svc, err := a.newImports()
	if err != nil {
		return nil, nil, err
	}
	parallel := 1
	if a.cfg.UsesMySQL() {
		parallel = 2
	}
	runner, err := imports.NewRunner(svc, parallel, 8)
	if err != nil {
		return nil, nil, err
	}
	ex, err := exports.New(exports.Deps{DB: a.db, Audit: a.audit, Policy: a.policy},
		exports.Options{GraceDays: a.cfg.PaymentGraceDays, Location: a.cfg.Location()})
	return runner, ex, err
}
