// Command benchimport measures the import issue's goal: a million payment
// rows into MariaDB in under 90 s with a peak RSS under 300 MB. It works in
// steps, each its own process, so that the peak RSS of the payments import
// is that import's alone:
//
//	benchimport -step prepare   fresh database, generated files, regions, households and members imported
//	benchimport -step payments  the million payment rows (run it twice: the second run changes nothing)
//
// scripts/bench-import.sh runs them in order. The numbers go to
// docs/PERFORMANCE.md.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/importer"
	"github.com/xiangbang/xiangbang/service/imports"
)

const (
	households = 100_000
	villages   = 500
	perHome    = 10 // payments per household: 1,000,000 rows
)

func main() {
	step := flag.String("step", "", "prepare | payments | reset (empty the payments, to import them afresh) | drop (the database and the files)")
	dsn := flag.String("dsn", "root:@tcp(127.0.0.1:3306)/", "MariaDB server DSN (the database name is ignored)")
	dbName := flag.String("db", "xb_bench_import", "database to (re)create and use")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "xiangbang-bench-import"), "where the generated files go")
	mode := flag.String("mode", model.ImportAllOrNothing, "all | keep_good")
	file := flag.String("file", "payments.csv", "payments: the file (payments-paid.csv: the same a month on, 50,000 payments paid since)")
	batch := flag.Int("batch", 1000, "rows per write transaction")
	dry := flag.Bool("dry", false, "payments: the checking pass only (a dry run)")
	writers := flag.Int("writers", 0, "batches written at once (0: the service's default, two on MySQL)")
	flag.Parse()
	ctx := context.Background()
	var err error
	switch *step {
	case "prepare":
		err = prepare(ctx, *dsn, *dbName, *dir)
	case "payments":
		err = payments(ctx, *dsn, *dbName, filepath.Join(*dir, *file), *mode, *batch, *writers, *dry)
	case "reset":
		err = reset(ctx, *dsn, *dbName)
	case "drop":
		err = drop(ctx, *dsn, *dbName, *dir)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchimport:", err)
		os.Exit(1)
	}
}

// cipher has fixed keys: both steps must agree on the blind index.
func cipher() *pii.Cipher {
	c, err := pii.NewCipher("b1", map[string][]byte{"b1": []byte("bench-key-bench-key-bench-key-32")}, []byte("bench-index-bench-index-bench-32"))
	if err != nil {
		panic(err)
	}
	return c
}

func open(ctx context.Context, server, name string) (*model.DB, error) {
	cfg, err := mysql.ParseDSN(server)
	if err != nil {
		return nil, err
	}
	cfg.DBName = name
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	return model.Open(ctx, model.Options{DSN: cfg.FormatDSN(), ConnectTimeout: 10 * time.Second, MaxOpenConns: 8, MaxIdleConns: 8, Logger: quiet})
}

func service(db *model.DB, dir string, batch, writers int) (*imports.Service, error) {
	log, err := audit.New(db, nil)
	if err != nil {
		return nil, err
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return imports.New(imports.Deps{DB: db, Cipher: cipher(), Audit: log, Items: config.DefaultSubsidyItems(),
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))},
		imports.Options{DataDir: dir, Location: loc, BatchSize: batch, Writers: writers})
}

func prepare(ctx context.Context, server, name, dir string) error {
	if err := drop(ctx, server, name, ""); err != nil {
		return err
	}
	admin, err := open(ctx, server, "")
	if err != nil {
		return err
	}
	err = admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error
	admin.Close()
	if err != nil {
		return err
	}
	db, err := open(ctx, server, name)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if err := db.SyncSubsidyItems(ctx, model.SubsidyItemRows(config.DefaultSubsidyItems())); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	start := time.Now()
	for _, f := range []struct {
		name string
		gen  func(w *bufio.Writer)
	}{{"regions.csv", genRegions}, {"households.csv", genHouseholds}, {"members.csv", genMembers}, {"payments.csv", genPayments(false)},
		{"payments-paid.csv", genPayments(true)}} {
		if err := writeFile(filepath.Join(dir, f.name), f.gen); err != nil {
			return err
		}
	}
	fmt.Printf("files generated in %s (%.1f s)\n", dir, time.Since(start).Seconds())
	svc, err := service(db, dir, 1000, 0)
	if err != nil {
		return err
	}
	for _, k := range []importer.Kind{importer.KindRegions, importer.KindHouseholds, importer.KindMembers} {
		res, err := svc.Run(ctx, imports.Request{Kind: k, Path: filepath.Join(dir, string(k)+".csv"), Scope: model.SystemScope(),
			Actor: audit.Actor{Kind: "importer", Name: "bench"}})
		if err != nil {
			return fmt.Errorf("%s: %w (%s)", k, err, res.Error)
		}
		fmt.Printf("%-10s %8d rows  created %8d  rejected %d  %6.1f s\n", k, res.Total, res.Created, res.Rejected, res.Took.Seconds())
	}
	return nil
}

func payments(ctx context.Context, server, name, path, mode string, batch, writers int, dry bool) error {
	db, err := open(ctx, server, name)
	if err != nil {
		return err
	}
	defer db.Close()
	svc, err := service(db, filepath.Dir(path), batch, writers)
	if err != nil {
		return err
	}
	load := loadavg()
	var peakHeap uint64
	res, err := svc.Run(ctx, imports.Request{Kind: importer.KindPayments, Path: path, Mode: mode, DryRun: dry,
		Scope: model.SystemScope(), Actor: audit.Actor{Kind: "importer", Name: "bench"}, Progress: func(p imports.Progress) {
			if p.Rows%50_000 == 0 {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peakHeap = max(peakHeap, m.HeapInuse)
			}
		}})
	if err != nil {
		return fmt.Errorf("%w (%s)", err, res.Error)
	}
	fmt.Printf("%s (%s, batch %d, writers %d): %d rows, created %d, updated %d, unchanged %d, rejected %d\n", filepath.Base(path), mode, batch, writers, res.Total,
		res.Created, res.Updated, res.Unchanged, res.Rejected)
	fmt.Printf("checking pass %.1f s, writing pass %.1f s\n", res.Checking.Seconds(), res.Writing.Seconds())
	fmt.Printf("wall %.1f s, peak RSS %d MB, peak heap %d MB, load average before %s, after %s\n", res.Took.Seconds(),
		peakRSS()>>20, peakHeap>>20, load, loadavg())
	return nil
}

// drop removes the database and, when dir is given, the generated files.
func drop(ctx context.Context, server, name, dir string) error {
	admin, err := open(ctx, server, "")
	if err != nil {
		return err
	}
	defer admin.Close()
	if err := admin.Exec("DROP DATABASE IF EXISTS " + name).Error; err != nil {
		return err
	}
	if dir != "" {
		return os.RemoveAll(dir)
	}
	return nil
}

// reset empties the payments and what their imports wrote, keeping the
// households and members: the next payments step creates every row again.
func reset(ctx context.Context, server, name string) error {
	db, err := open(ctx, server, name)
	if err != nil {
		return err
	}
	defer db.Close()
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx) // FOREIGN_KEY_CHECKS belongs to a connection
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, stmt := range []string{"SET FOREIGN_KEY_CHECKS = 0", "TRUNCATE payment_events", "TRUNCATE payments",
		"DELETE FROM audit_log WHERE target_kind IN ('payment', 'import_run')", "SET FOREIGN_KEY_CHECKS = 1"} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, gen func(w *bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	gen(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// The generated county: 10 towns of 50 villages, 100,000 households of two
// people (head and spouse), ten payments each.

func village(h int) string { return fmt.Sprintf("410122%03d%03d", 100+h%villages/50, 200+h%50) }

func householdNo(h int) string { return fmt.Sprintf("%s%06d", village(h), h) }

func idCard(h, person int) string {
	birth := time.Date(1940+person*3, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, h/1000)
	first := fmt.Sprintf("419999%s%03d", birth.Format("20060102"), h%1000)
	return first + string(pii.IDCheckDigit(first))
}

func personName(h, person int) string {
	return fmt.Sprintf("测试%c%c%d", '甲'+rune(h%10), '一'+rune(person), h)
}

func genRegions(w *bufio.Writer) {
	w.WriteString("代码,名称,上级代码\r\n410122000000,测试县,410100000000\r\n")
	for t := 0; t < villages/50; t++ {
		town := fmt.Sprintf("410122%03d000", 100+t)
		fmt.Fprintf(w, "%s,测试%d镇,410122000000\r\n", town, t)
		for v := 0; v < 50; v++ {
			fmt.Fprintf(w, "410122%03d%03d,测试%d村委会,%s\r\n", 100+t, 200+v, t*50+v, town)
		}
	}
}

func genHouseholds(w *bufio.Writer) {
	w.WriteString("户编号,户主姓名,户主身份证号,联系电话,行政区划代码,户类型,家庭人口数,劳动力人数\r\n")
	for h := 0; h < households; h++ {
		fmt.Fprintf(w, "%s,%s,%s,1380%07d,%s,脱贫户,2,2\r\n", householdNo(h), personName(h, 0), idCard(h, 0), h, village(h))
	}
}

func genMembers(w *bufio.Writer) {
	w.WriteString("户编号,姓名,身份证号,与户主关系,劳动技能,务工意愿\r\n")
	for h := 0; h < households; h++ {
		fmt.Fprintf(w, "%s,%s,%s,户主,普通劳动力,是\r\n", householdNo(h), personName(h, 0), idCard(h, 0))
		fmt.Fprintf(w, "%s,%s,%s,配偶,弱劳动力,是\r\n", householdNo(h), personName(h, 1), idCard(h, 1))
	}
}

// benchItems are five household items and five paid to a person.
var benchItems = []struct {
	name, period string
	member       bool
}{
	{"农村低保", "2024-09", false}, {"耕地地力保护补贴", "2024", false}, {"森林生态效益补偿", "2024", false},
	{"以奖代补", "2024", false}, {"临时救助", "2024-09-15", false},
	{"特困供养", "2024-09", true}, {"困难残疾人生活补贴", "2024-09", true}, {"重度残疾人护理补贴", "2024-09", true},
	{"公益性岗位补贴", "2024-09", true}, {"县域内稳定就业劳务补助", "2024", true},
}

// genPayments writes the payments; with paidLater, the same file a month
// on: the 50,000 payments that were scheduled have been paid.
func genPayments(paidLater bool) func(w *bufio.Writer) {
	return func(w *bufio.Writer) { writePayments(w, paidLater) }
}

func writePayments(w *bufio.Writer, paidLater bool) {
	w.WriteString("户编号,身份证号,姓名,补贴项目,发放期间,发放批次,发放金额,应发日期,发放日期,发放状态,银行卡号后四位,失败原因\r\n")
	for i := 0; i < households*perHome; i++ {
		h, it := i/perHome, benchItems[i%perHome]
		person := 0
		if it.member {
			person = 1
		}
		status, paid, reason := "已发放", "2024-09-25", ""
		switch i % 20 {
		case 7:
			status, paid = "待发放", ""
			if paidLater {
				status, paid = "已发放", "2024-10-20"
			}
		case 13:
			status, paid, reason = "发放失败", "", "账户已冻结"
		}
		fmt.Fprintf(w, "%s,%s,%s,%s,%s,2024-09-01,%d.%02d,2024-09-30,%s,%s,%04d,%s\r\n", householdNo(h), idCard(h, person),
			personName(h, person), it.name, it.period, 100+i%900, i%100, paid, status, i%10000, reason)
	}
}

// peakRSS is the process's peak resident set (Linux VmHWM).
func peakRSS() uint64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb uint64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb << 10
		}
	}
	return 0
}

func loadavg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
