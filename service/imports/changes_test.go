package imports

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/model"
	"github.com/xiangbang/xiangbang/model/modeltest"
	"github.com/xiangbang/xiangbang/model/pii"
	"github.com/xiangbang/xiangbang/service/importer"
)

// TestChangedRowsUpdate: a row that changed updates its row only, with an
// audit entry naming the fields, and a payment's new status is an event.
func TestChangedRowsUpdate(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.loadCounty()
		before := map[int64]model.Payment{}
		var all []model.Payment
		db.Find(&all)
		for _, p := range all {
			before[p.ID] = p
		}
		*e.clock = e.clock.Add(time.Hour)
		e.cache.ids = nil

		header := []string{"户编号", "身份证号", "补贴项目", "发放期间", "发放批次", "发放金额", "应发日期", "发放日期", "发放状态", "银行卡号后四位", "失败原因"}
		res := e.run(importer.KindPayments, writeCSV(t, "payments.csv", [][]string{header,
			// Returned by the bank.
			{hhJia, idJia1, "森林生态效益补偿", "2024", "2024-1", "1000", "2024-09-30", "2024-09-25", "已退回", "5000", "账户已销户"},
			// As before.
			{hhYi, idYi1, "森林生态效益补偿", "2024", "2024-1", "1100", "2024-09-30", "2024-09-25", "已发放", "5001", ""},
		}))
		if res.Updated != 1 || res.Unchanged != 1 || res.Created != 0 {
			t.Fatalf("%+v", res)
		}
		var after []model.Payment
		db.Find(&after)
		var changed *model.Payment
		for i, p := range after {
			old := before[p.ID]
			if p.UpdatedAt.Equal(old.UpdatedAt) {
				continue
			}
			if changed != nil {
				t.Fatalf("two payments changed: %d and %d", changed.ID, p.ID)
			}
			changed = &after[i]
		}
		if changed == nil || changed.Status != model.PaymentReturned || changed.FailureReason != "账户已销户" ||
			changed.PaidDate.String() != "2024-09-25" || !changed.UpdatedAt.Equal(e.clock.UTC().Truncate(time.Millisecond)) ||
			*changed.ImportRunID != res.RunID || !changed.CreatedAt.Equal(before[changed.ID].CreatedAt) {
			t.Fatalf("%+v", changed)
		}
		var events []model.PaymentEvent
		db.Find(&events)
		if len(events) != 1 || events[0].PaymentID != changed.ID || events[0].FromStatus != model.PaymentPaid ||
			events[0].ToStatus != model.PaymentReturned || *events[0].ImportRunID != res.RunID || events[0].RegionCode != "410122100201" {
			t.Fatalf("%+v", events)
		}
		if !slices.Equal(e.cache.ids, []int64{changed.HouseholdID}) {
			t.Fatalf("cache told %v", e.cache.ids)
		}
		var entry model.AuditEntry
		if err := db.Where("action = ? AND target_kind = ?", "import.update", "payment").Take(&entry).Error; err != nil {
			t.Fatal(err)
		}
		var detail struct {
			Run    int64
			Fields []string
		}
		json.Unmarshal([]byte(*entry.Detail), &detail)
		if entry.TargetID != changed.ID || entry.RegionCode != "410122100201" || entry.ActorKind != "importer" || detail.Run != res.RunID ||
			!slices.Equal(detail.Fields, []string{"status", "failure_reason"}) || rawIDCard.MatchString(*entry.Detail) {
			t.Fatalf("%+v %s", entry, *entry.Detail)
		}
		var run model.AuditEntry
		db.Where("action = ? AND target_id = ?", "import.run", res.RunID).Take(&run)
		if run.TargetKind != "import_run" || !strings.Contains(*run.Detail, `"rows_updated":1`) {
			t.Fatalf("%+v", run)
		}

		t.Run("households and their heads", func(t *testing.T) {
			res := e.run(importer.KindHouseholds, writeCSV(t, "households.csv", [][]string{
				{"户编号", "户主姓名", "户主身份证号", "行政区划代码", "户类型", "监测对象类别", "户状态", "是否提级帮扶"},
				{"410122100203000003", "测试丙一", "419999195201010212", "410122100203", "监测户", "边缘易致贫户", "风险已消除", "是"},
				{hhJia, "测试甲壹", idJia1, "410122100201", "脱贫户", "", "", ""},
			}))
			if res.Updated != 2 {
				t.Fatalf("%+v", res)
			}
			var h model.Household
			db.Where("household_no = ?", "410122100203000003").Take(&h)
			if h.Status != model.HouseholdRiskCleared || h.SupportLevel != model.SupportElevated || h.Address == "" || !h.Phone.IsSet() {
				t.Fatalf("%+v", h) // address and phone were not in the file: kept
			}
			var head model.Member
			db.Where("id_card_index = ?", e.fx.Cipher.Index(pii.PurposeIDCard, idJia1)).Take(&head)
			if head.Name != "测试甲壹" || head.Relation != RelationHead || head.LabourCapacity != model.CapacityFull {
				t.Fatalf("%+v", head)
			}
			for kind, fields := range map[string]string{"household": `["head_name","head_member"]`, "member": `["name"]`} {
				if n := count(t, db, "audit_log", "action = ? AND target_kind = ? AND detail LIKE ?", "import.update", kind, "%"+fields+"%"); n != 1 {
					t.Errorf("%s audit %s: %d", kind, fields, n)
				}
			}
		})
	})
}

// TestMemberMoves: a person listed under another household moves there,
// and a WeChat binding to them follows.
func TestMemberMoves(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.loadPeople()
		var m model.Member
		db.Where("id_card_index = ?", e.fx.Cipher.Index(pii.PurposeIDCard, idJia3)).Take(&m)
		u := e.fx.HouseholdUser(m)
		res := e.run(importer.KindMembers, writeCSV(t, "members.csv", [][]string{
			{"户编号", "姓名", "身份证号", "与户主关系", "残疾情况"},
			{hhYi, "测试甲三", idJia3, "儿媳", "无"},
		}))
		if res.Updated != 1 {
			t.Fatalf("%+v", res)
		}
		var moved model.Member
		db.Take(&moved, m.ID)
		var yi model.Household
		db.Where("household_no = ?", hhYi).Take(&yi)
		if moved.HouseholdID != yi.ID || moved.Relation != "儿媳" || moved.LabourCapacity != m.LabourCapacity || moved.InSchool != m.InSchool {
			t.Fatalf("%+v", moved)
		}
		var bound model.User
		db.Take(&bound, u.ID)
		if *bound.HouseholdID != yi.ID {
			t.Fatalf("binding stayed with household %d", *bound.HouseholdID)
		}
	})
}

// TestCadresByNameAndPhoneThenID: a cadre first listed without an ID
// number is the same cadre when a later list gives one; pairings find
// them by either.
func TestCadresByNameAndPhoneThenID(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.loadPeople()
		header := []string{"姓名", "身份证号", "联系电话", "干部类型", "工作单位", "所在区划代码"}
		first := e.run(importer.KindCadres, writeCSV(t, "cadres.csv", [][]string{header,
			{"测试壬一", "", "13900139001", "驻村第一书记", "测试县农业农村局", "410122100201"}}))
		second := e.run(importer.KindCadres, writeCSV(t, "cadres2.csv", [][]string{header,
			{"测试壬一", idRen1, "13900139001", "驻村第一书记", "", "410122100201"}}))
		if first.Created != 1 || second.Updated != 1 || count(t, db, "cadres", "") != 1 {
			t.Fatalf("%+v %+v", first, second)
		}
		var c model.Cadre
		db.Take(&c)
		if id, _ := c.IDCard.Open(e.fx.Cipher, pii.PurposeIDCard); id != idRen1 || c.Organization != "测试县农业农村局" || c.IDCard.Mask() == "" {
			t.Fatalf("%+v", c)
		}
		res := e.run(importer.KindPairings, writeCSV(t, "pairings.csv", [][]string{
			{"干部姓名", "干部身份证号", "户编号", "结对类型", "结束日期"},
			{"测试壬一", idRen1, hhJia, "帮扶责任人", ""},
		}))
		var p model.Pairing
		db.Take(&p)
		if res.Created != 1 || p.CadreID != c.ID || p.StartedOn.String() != "2024-10-08" || !p.EndedOn.IsZero() {
			t.Fatalf("%+v %+v", res, p)
		}

		t.Run("same name and phone twice", func(t *testing.T) {
			twin := e.fx.Cadre("410122100201")
			db.Model(&twin).Updates(map[string]any{"name": "测试壬一", "phone_index": c.Phone.Index})
			res := e.run(importer.KindPairings, writeCSV(t, "pairings.csv", [][]string{
				{"干部姓名", "干部联系电话", "户编号"},
				{"测试壬一", "13900139001", hhYi},
			}))
			report := readReport(t, res.ReportPath)
			if res.Status != model.ImportRejected || len(report) != 1 || !strings.Contains(report[0][3], "同名且联系电话相同") {
				t.Fatalf("%+v %v", res, report)
			}
		})
	})
}

// TestMarkStale: a run whose process died is failed with a reason once
// its heartbeat is old; a live one is left alone.
func TestMarkStale(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		req := Request{Kind: importer.KindPayments, FileName: "a.csv", Mode: model.ImportAllOrNothing, Scope: model.RegionScope("410122")}
		dead, _ := e.svc.createRun(t.Context(), req, model.ImportRunning, "x", 10)
		queued, _ := e.svc.createRun(t.Context(), req, model.ImportQueued, "x", 10)
		*e.clock = e.clock.Add(staleAfter / 2)
		live, _ := e.svc.createRun(t.Context(), req, model.ImportRunning, "x", 10)
		*e.clock = e.clock.Add(staleAfter/2 + time.Second)
		n, err := e.svc.MarkStale(t.Context())
		if err != nil || n != 2 {
			t.Fatalf("%d %v", n, err)
		}
		runs, err := e.svc.List(t.Context(), model.RegionScope("4101"), 0, 10)
		if err != nil || len(runs) != 3 {
			t.Fatalf("%v %v", runs, err)
		}
		for _, r := range runs {
			wantFailed := r.ID == dead.ID || r.ID == queued.ID
			if (r.Status == model.ImportFailed) != wantFailed || wantFailed && (r.Error == nil || *r.Error != staleReason || r.FinishedAt == nil) {
				t.Errorf("run %d: %+v", r.ID, r)
			}
		}
		if r, err := e.svc.Get(t.Context(), model.RegionScope("4101"), live.ID); err != nil || r.Status != model.ImportRunning {
			t.Fatalf("%+v %v", r, err)
		}
		if _, err := e.svc.Get(t.Context(), model.RegionScope("4102"), live.ID); err == nil {
			t.Fatal("another county sees the run")
		}
	})
}

// TestJobsImportMarksChanges: postings the importer creates or changes are
// stamped for the matching engine in the batch's transaction (see
// model.MarkJobsChanged), unchanged ones are not, and a change of skill
// tags clears the job service's stale tag_key.
func TestJobsImportMarksChanges(t *testing.T) {
	modeltest.ForEachDB(t, func(t *testing.T, db *model.DB) {
		e := newEnv(t, db)
		e.loadCounty()
		stamps := func() map[string]model.Job {
			out := map[string]model.Job{}
			var jobs []model.Job
			db.Find(&jobs)
			for _, j := range jobs {
				out[*j.ExternalNo] = j
			}
			return out
		}
		before := stamps()
		v0, err := model.JobsVersion(t.Context(), db)
		if err != nil || v0 == 0 {
			t.Fatalf("version after the first import %d, %v", v0, err)
		}
		for no, j := range before {
			if j.ChangeSeq == 0 || j.ChangeSeq > v0 {
				t.Errorf("%s: stamp %d, version %d", no, j.ChangeSeq, v0)
			}
		}
		db.Model(&model.Job{}).Where("external_no = ?", "RS2024090001").Update("tag_key", "包装|叉车") // as the job service writes it

		res := e.run(importer.KindJobs, writeCSV(t, "jobs.csv", [][]string{
			{"岗位编号", "岗位类别", "招聘岗位", "招聘单位", "工作地点代码", "薪资待遇", "招聘人数", "技能要求", "有效期"},
			{"RS2024090001", "县城周边园区", "包装工", "测试食品有限公司", "410122000000", "3000-4500元/月", "25", "包装、电工", "2024-09-01至2024-12-31"},
			{"RS2024090002", "外出务工", "电子装配工", "测试电子（东莞）有限公司", "441900000000", "5000-7000元/月", "100", "", "2024-09-01至2025-02-28"},
		}))
		if res.Updated != 1 || res.Unchanged != 1 {
			t.Fatalf("%+v", res)
		}
		v1, _ := model.JobsVersion(t.Context(), db)
		after := stamps()
		changed, same := after["RS2024090001"], after["RS2024090002"]
		if v1 <= v0 || changed.ChangeSeq != v1 || changed.Headcount != 25 || changed.TagKey != nil {
			t.Fatalf("changed posting: stamp %d (version %d → %d), headcount %d, tag_key %v", changed.ChangeSeq, v0, v1,
				changed.Headcount, changed.TagKey)
		}
		if same.ChangeSeq != before["RS2024090002"].ChangeSeq {
			t.Fatalf("an unchanged posting was stamped again: %d → %d", before["RS2024090002"].ChangeSeq, same.ChangeSeq)
		}
	})
}
