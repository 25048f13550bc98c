package imports

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/service/audit"
	"github.com/xiangbang/xiangbang/service/importer"
)

func TestMain(m *testing.M) { modeltest.Main(m) }

// The files in service/importer/testdata are the fixture county's exports
// (GBK with a title, a BOM, merged and two-row XLSX headers, serial dates,
// UTF-16 with tabs); the tests here import them into real databases.
func fixture(name string) string { return filepath.Join("..", "importer", "testdata", name) }

// testNow is the fixture files' "today": 2024-10-08 in Zhengzhou.
var testNow = time.Date(2024, 10, 8, 10, 0, 0, 0, shanghai())

func shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// invalidations records what the payment cache was told.
type invalidations struct {
	mu  sync.Mutex
	ids []int64
}

func (r *invalidations) InvalidateHousehold(_ context.Context, ids ...int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, ids...)
	return nil
}

// forgotten records which cadres' sessions the sign-in cache was told to drop.
type forgotten struct {
	mu  sync.Mutex
	ids []int64
}

func (r *forgotten) ForgetCadres(_ context.Context, ids ...int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, ids...)
	return nil
}

type env struct {
	t      *testing.T
	db     *model.DB
	svc    *Service
	cache  *invalidations
	forgot *forgotten
	clock  *time.Time
	fx     *modeltest.Fixtures
}

func newEnv(t *testing.T, db *model.DB) *env {
	t.Helper()
	items := config.DefaultSubsidyItems()
	if err := db.SyncSubsidyItems(t.Context(), model.SubsidyItemRows(items)); err != nil {
		t.Fatal(err)
	}
	log, err := audit.New(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := testNow
	e := &env{t: t, db: db, cache: &invalidations{}, forgot: &forgotten{}, clock: &now, fx: modeltest.NewFixtures(t, db)}
	e.svc, err = New(Deps{DB: db, Cipher: e.fx.Cipher, Audit: log, Items: items, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Payments: e.cache, Sessions: e.forgot}, Options{DataDir: t.TempDir(), Location: shanghai(), BatchSize: 4, Now: func() time.Time { return *e.clock }})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// run imports a file with the system scope, all or nothing, unless opts
// say otherwise.
func (e *env) run(kind importer.Kind, path string, opts ...func(*Request)) Result {
	e.t.Helper()
	req := Request{Kind: kind, Path: path, Scope: model.SystemScope(), Actor: audit.Actor{Kind: "importer", Name: "测试"}}
	for _, o := range opts {
		o(&req)
	}
	res, err := e.svc.Run(e.t.Context(), req)
	if err != nil {
		e.t.Fatalf("%s %s: %v (%s)", kind, filepath.Base(path), err, res.Error)
	}
	return res
}

func (e *env) actor() audit.Actor { return audit.Actor{Kind: "official", ID: 7, Name: "测试官员"} }

// rawIDCard is an 18-character ID number in clear.
var rawIDCard = regexp.MustCompile(`[1-9][0-9]{16}[0-9Xx]`)

func keepGood(r *Request) { r.Mode = model.ImportKeepGood }

func official(prefix string) func(*Request) {
	return func(r *Request) {
		r.Scope = model.RegionScope(prefix)
		r.Actor = audit.Actor{Kind: "official", ID: 7, Name: "测试官员"}
	}
}

// fixtureCounty is the order a county loads its files in.
var fixtureCounty = []struct {
	kind importer.Kind
	file string
	rows int
}{
	{importer.KindRegions, "regions_gbk_title.csv", 8},
	{importer.KindHouseholds, "households_utf8_bom.csv", 8},
	{importer.KindMembers, "members_merged_header.xlsx", 24},
	{importer.KindPayments, "payments_two_row_header.xlsx", 24},
	{importer.KindPayments, "payments_gbk_serial_dates.csv", 16},
	{importer.KindCadres, "cadres.xlsx", 5},
	{importer.KindPairings, "pairings_utf16_tab.txt", 11},
	{importer.KindJobs, "jobs_renshe.csv", 6},
}

// loadCounty imports the fixture county and checks nothing was refused.
func (e *env) loadCounty() {
	e.t.Helper()
	for _, f := range fixtureCounty {
		res := e.run(f.kind, fixture(f.file))
		if res.Status != model.ImportDone || res.Rejected != 0 || res.Total != f.rows {
			e.t.Fatalf("%s: %+v\n%s", f.file, res, readReport(e.t, res.ReportPath))
		}
	}
}

// readReport returns a CSV report's rows without the header.
func readReport(t *testing.T, path string) [][]string {
	t.Helper()
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

// dataTables are the tables imports write people's data to.
var dataTables = []string{"regions", "households", "members", "payments", "cadres", "pairings", "jobs", "job_tags", "users", "payment_events"}

// dump reads every data table in full, so that two imports can be compared
// value for value, updated_at included.
func dump(t *testing.T, db *model.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range dataTables {
		rows, err := db.Raw("SELECT * FROM " + table).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s=%v;", cols[i], v)
			}
			out[table] = append(out[table], b.String())
		}
		rows.Close()
		sort.Strings(out[table])
	}
	return out
}

func sameDump(t *testing.T, a, b map[string][]string) {
	t.Helper()
	for _, table := range dataTables {
		if !reflect.DeepEqual(a[table], b[table]) {
			t.Errorf("table %s differs:\nbefore %d rows\nafter  %d rows", table, len(a[table]), len(b[table]))
			for i := range min(len(a[table]), len(b[table])) {
				if a[table][i] != b[table][i] {
					t.Errorf("first difference:\n%s\n%s", a[table][i], b[table][i])
					break
				}
			}
		}
	}
}

func count(t *testing.T, db *model.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := db.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// writeCSV writes rows as a UTF-8 CSV file in the test's directory.
func writeCSV(t *testing.T, name string, rows [][]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
