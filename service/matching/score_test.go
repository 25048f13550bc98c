package matching

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"github.com/xiangbang/xiangbang/model"
)

const (
	home    = "419901100201" // a village of town 419901100, county 419901, province 41
	sameTwn = "419901100203"
	otherTn = "419901200201"
	county  = "419901000000"
	zz      = "410100000000" // 郑州: in the province, outside the county
	sz      = "440306000000" // 深圳宝安: outside the province
)

var (
	now   = time.Date(2026, 5, 10, 2, 0, 0, 0, time.UTC)
	today = model.Date{Year: 2026, Month: 5, Day: 10}
	prm   = ParamsFrom(config.Default())
)

// job builds a posting published a day ago with room for five.
func job(id int64, kind, region string, lo, hi int64, unit string, tags ...string) Posting {
	return Posting{ID: id, Kind: kind, RegionCode: region, WageMinFen: lo * 100, WageMaxFen: hi * 100, WageUnit: unit,
		Headcount: 5, Tags: tags, Demand: model.DemandMedium, PublishedAt: now.Add(-24 * time.Hour),
		ValidUntil: today.AddDays(30)}
}

// rank scores postings for a profile the way RecommendFor does and returns
// the ids best first, with each one's result.
func rank(p Profile, posts []Posting) ([]int64, map[int64]Result) {
	type sc struct {
		p Posting
		r Result
	}
	var all []sc
	for _, c := range posts {
		pf, ok := MatchPlace(p.Places, p.Home, c.RegionCode)
		if !ok {
			continue
		}
		kf, ok := KindFitOf(p.Kinds, p.Capacity, c.Kind)
		if !ok || !Eligible(prm, p.Worker(), c, today) {
			continue
		}
		pf.Name = map[string]string{"440300000000": "深圳市"}[pf.Place]
		all = append(all, sc{c, Score(prm, p.Worker(), c, Fit{Place: pf, Kind: kf}, now)})
	}
	sort.Slice(all, func(i, j int) bool { return Better(all[i].r, all[i].p, all[j].r, all[j].p) })
	ids := []int64{}
	res := map[int64]Result{}
	for _, s := range all {
		ids = append(ids, s.p.ID)
		res[s.p.ID] = s.r
	}
	return ids, res
}

func TestRanking(t *testing.T) {
	light := func(p Posting) Posting { p.Demand = model.DemandLight; return p }
	heavy := func(p Posting) Posting { p.Demand = model.DemandHeavy; return p }
	tests := []struct {
		name        string
		profile     Profile
		posts       []Posting
		want        []int64
		wantReasons map[int64][]string // every listed reason must be present
		noReasons   map[int64][]string // and these absent
	}{
		{
			name: "a seamstress near home: the local workshop that needs her skill first",
			profile: Profile{Home: home, Places: []string{PlaceLocal, PlaceCounty}, Kinds: []string{"workshop", "park"},
				Skills: []string{"缝纫"}, MinWageFen: 300000, WageUnit: "month", Capacity: "full"},
			posts: []Posting{
				job(1, "park", county, 4000, 5000, "month", "叉车"),
				job(2, "workshop", sameTwn, 3200, 4000, "month", "缝纫"),
				job(3, "gig", sameTwn, 150, 200, "day"),            // a kind she did not ask for
				job(4, "migrant", sz, 6000, 8000, "month", "缝纫"),   // a place she will not go
				job(5, "park", otherTn, 2500, 2800, "month", "包装"), // pays less than she will take
				job(6, "park", otherTn, 2500, 3200, "month", "包装"),
			},
			want: []int64{2, 1, 6},
			wantReasons: map[int64][]string{
				2: {"就在本乡镇，离家近", "是您想找的“就近就业/帮扶车间”", "用得上您的技能：缝纫", "工资高于您的期望"},
				1: {"在您愿意去的县城周边", "工资高于您的期望"},
				6: {"在您愿意去的县城周边", "工资最高可达到您的期望"},
			},
			noReasons: map[int64][]string{1: {"用得上您的技能：叉车"}},
		},
		{
			name: "weak labour: 公益性岗位 first even unasked, heavy work never",
			profile: Profile{Home: home, Places: []string{PlaceLocal, PlaceCounty}, Kinds: []string{"park"},
				Skills: []string{"保洁"}, MinWageFen: 60000, WageUnit: "month", Capacity: "weak"},
			posts: []Posting{
				heavy(job(1, "park", county, 3000, 4000, "month", "搬运")),
				light(job(2, "park", county, 2800, 3200, "month", "包装")),
				light(job(3, "public_welfare", sameTwn, 600, 800, "month", "保洁")),
				job(4, "migrant", sameTwn, 5000, 6000, "month"),
			},
			want: []int64{3, 2},
			wantReasons: map[int64][]string{
				3: {"乡村公益性岗位优先安置弱劳动力、半劳动力", "用得上您的技能：保洁", "就在本乡镇，离家近"},
				2: {"体力要求轻，适合您", "是您想找的“县城周边园区”"},
			},
		},
		{
			name:    "full labour: 公益性岗位 are kept for weak and half labour, so they come last",
			profile: Profile{Home: home, Places: []string{PlaceLocal}, Capacity: "full"},
			posts: []Posting{
				job(1, "public_welfare", sameTwn, 600, 800, "month"),
				job(2, "gig", sameTwn, 150, 200, "day"),
			},
			want: []int64{2, 1},
		},
		{
			name: "going out: 县外 takes other provinces too, and day wages are compared by the month",
			profile: Profile{Home: home, Places: []string{PlaceOutsideCounty}, Kinds: []string{"migrant"},
				Skills: []string{"钢筋工", "建筑"}, MinWageFen: 500000, WageUnit: "month", Capacity: "full"},
			posts: []Posting{
				job(1, "migrant", sz, 280, 380, "day", "钢筋工", "建筑"), // 280 × 22 = 6160 a month
				job(2, "migrant", zz, 4000, 5200, "month", "建筑"),
				job(3, "migrant", county, 9000, 9000, "month", "钢筋工"), // inside the county: not 县外
				job(4, "migrant", zz, 4000, 4800, "month", "建筑"),      // pays less than the wish
				job(5, "migrant", sz, 200, 220, "day", "建筑"),          // 220 × 22 = 4840 a month: less than the wish
			},
			want: []int64{1, 2},
			wantReasons: map[int64][]string{
				1: {"在县外，符合您外出务工的意愿", "用得上您的技能：钢筋工、建筑", "工资高于您的期望"},
				2: {"工资最高可达到您的期望"},
			},
		},
		{
			name: "a named city: the posting in it first, with the city's name",
			profile: Profile{Home: home, Places: []string{"440300000000", PlaceOutsideProvince}, Kinds: []string{"migrant"},
				Capacity: "full"},
			posts: []Posting{
				job(1, "migrant", "330100000000", 5000, 6000, "month"),
				job(2, "migrant", sz, 5000, 6000, "month"),
				job(3, "migrant", zz, 5000, 6000, "month"), // in the home province: not 省外
			},
			want: []int64{2, 1},
			wantReasons: map[int64][]string{
				2: {"在您愿意去的深圳市"},
				1: {"在省外，符合您去省外务工的意愿"},
			},
		},
		{
			name: "hard rules: no place left, too old, free too late",
			profile: Profile{Home: home, Places: []string{PlaceCounty}, Capacity: "full", BirthYear: 1960,
				AvailableFrom: today.AddDays(40)},
			posts: func() []Posting {
				full := job(1, "gig", county, 100, 150, "day")
				full.Filled = 5
				young := job(2, "gig", county, 100, 150, "day")
				young.AgeMax = 55
				soon := job(3, "gig", county, 100, 150, "day") // ends in 30 days, before the worker is free
				later := job(4, "gig", county, 100, 150, "day")
				later.ValidUntil = today.AddDays(60)
				return []Posting{full, young, soon, later}
			}(),
			want: []int64{4},
		},
		{
			name:    "piece rates cannot be compared with a monthly wish and say so",
			profile: Profile{Home: home, Places: []string{PlaceLocal}, MinWageFen: 200000, WageUnit: "month", Capacity: "half"},
			posts:   []Posting{light(job(1, "workshop", sameTwn, 8, 15, "piece", "编织"))},
			want:    []int64{1},
			wantReasons: map[int64][]string{
				1: {"计件工资，多劳多得", "帮扶车间优先安置弱劳动力、半劳动力"},
			},
		},
		{
			name:    "equal fits: the newer posting first, then the higher id",
			profile: Profile{Home: home, Places: []string{PlaceLocal}, Capacity: "full"},
			posts: func() []Posting {
				a, b, c := job(1, "gig", sameTwn, 150, 200, "day"), job(2, "gig", sameTwn, 150, 200, "day"), job(3, "gig", sameTwn, 150, 200, "day")
				a.PublishedAt = now.Add(-2 * time.Hour)
				b.PublishedAt, c.PublishedAt = now.Add(-3*time.Hour), now.Add(-3*time.Hour)
				return []Posting{b, c, a}
			}(),
			want: []int64{1, 3, 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.profile.Active = true
			got, res := rank(tt.profile, tt.posts)
			if !slices.Equal(got, tt.want) {
				for _, id := range got {
					t.Logf("%d: %d %v", id, res[id].Score, res[id].Reasons)
				}
				t.Fatalf("order %v, want %v", got, tt.want)
			}
			for id, reasons := range tt.wantReasons {
				for _, r := range reasons {
					if !slices.Contains(res[id].Reasons, r) {
						t.Errorf("posting %d: reasons %q lack %q", id, res[id].Reasons, r)
					}
				}
			}
			for id, reasons := range tt.noReasons {
				for _, r := range reasons {
					if slices.Contains(res[id].Reasons, r) {
						t.Errorf("posting %d: reasons %q should not have %q", id, res[id].Reasons, r)
					}
				}
			}
		})
	}
}

func TestScoreIsBoundedAndWeighted(t *testing.T) {
	w := Worker{Skills: []string{"电工"}, MinWageFen: 300000, WageUnit: "month", Capacity: "full"}
	perfect := job(1, "park", county, 9000, 9000, "month", "电工")
	perfect.PublishedAt, perfect.Headcount = now, 50
	fit := Fit{Place: PlaceFit{Place: PlaceLocal}, Kind: model.KindWanted}
	if r := Score(prm, w, perfect, fit, now); r.Score != 100 {
		t.Fatalf("a perfect fit scores %d, want 100 (%v)", r.Score, r.Reasons)
	}
	nothing := Fit{}
	poor := job(2, "public_welfare", county, 100, 100, "month", "护林")
	poor.PublishedAt = now.AddDate(0, -3, 0)
	if r := Score(prm, w, poor, nothing, now); r.Score < 0 || r.Score > 30 {
		t.Fatalf("a poor fit scores %d", r.Score)
	}
	// With only the wage weighted, the score is the wage fit alone.
	only := prm
	only.Weights = config.MatchWeights{Wage: 1}
	if r := Score(only, w, perfect, fit, now); r.Score != 100 || !reflect.DeepEqual(r.Reasons, []string{"工资高于您的期望"}) {
		t.Fatalf("wage only: %d %v", r.Score, r.Reasons)
	}
}

func TestPlaces(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"local", PlaceLocal, true}, {"本地", PlaceLocal, true}, {"县城周边", PlaceCounty, true},
		{"县外", PlaceOutsideCounty, true}, {"省外", PlaceOutsideProvince, true}, {" 440300000000 ", "440300000000", true},
		{"4403", "", false}, {"abroad", "", false}, {"44030000000x", "", false}, {"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParsePlace(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ParsePlace(%q) = %q, %v", tt.in, got, ok)
			}
		})
	}
	for p, want := range map[string]string{"419901": "419902", "4199": "42", "41": "42", "99": "", "1099": "11"} {
		if got := nextPrefix(p); got != want {
			t.Errorf("nextPrefix(%q) = %q, want %q", p, got, want)
		}
	}
	if _, ok := MatchPlace([]string{PlaceLocal}, "", sameTwn); ok {
		t.Error("a token place without a home matched")
	}
}

func TestTargets(t *testing.T) {
	p := Profile{ID: 7, UserID: 9, Home: home, Places: []string{PlaceLocal, "419901100000", PlaceOutsideProvince},
		Kinds: []string{"park"}, Skills: []string{"电工", "叉车"}, Capacity: "half", Active: true}
	got := Targets(p)
	var keys []string
	for _, r := range got {
		keys = append(keys, r.Kind+"/"+r.PlaceKey+"/"+r.KindFit)
		if r.Skills != "电工|叉车" || r.UserID != 9 || r.ProfileID != 7 {
			t.Fatalf("row %+v", r)
		}
	}
	// The town named explicitly is the same key as 本地; half labour also takes the priority kinds.
	want := []string{"park/!41/wanted", "park/419901100/wanted", "public_welfare/!41/priority",
		"public_welfare/419901100/priority", "workshop/!41/priority", "workshop/419901100/priority"}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %v\nwant %v", keys, want)
	}
	p.Active = false
	if len(Targets(p)) != 0 {
		t.Fatal("an inactive profile has index rows")
	}
	p.Active, p.Kinds, p.Capacity, p.Places = true, nil, "full", []string{PlaceCounty}
	if n := len(Targets(p)); n != len(model.JobKinds) {
		t.Fatalf("no kinds named: %d rows, want one per kind", n)
	}
}

func TestSpans(t *testing.T) {
	var list []*entry
	for i, r := range []string{"330100000000", "410100000000", "419901100201", "419901100203", "419901200201", "419902100201",
		"440306000000", "440306000000"} {
		list = append(list, &entry{Posting: Posting{ID: int64(i), RegionCode: r}})
	}
	tests := []struct {
		name   string
		places []string
		local  bool
		want   []span
	}{
		{"本地 is the township's stretch", []string{PlaceLocal}, false, []span{{2, 4}}},
		{"县外 is either side of the county", []string{PlaceOutsideCounty}, false, []span{{0, 2}, {5, 8}}},
		{"省外 is either side of the province", []string{PlaceOutsideProvince}, false, []span{{0, 1}, {6, 8}}},
		{"overlapping places are walked once", []string{PlaceLocal, PlaceCounty, PlaceOutsideCounty}, false, []span{{0, 8}}},
		{"a named city", []string{"440300000000"}, false, []span{{6, 8}}},
		{"a local kind only in the county", []string{PlaceOutsideCounty, PlaceLocal}, true, []span{{2, 4}}},
		{"no places", nil, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := spans(list, tt.places, home, tt.local); !slices.Equal(got, tt.want) {
				t.Fatalf("spans %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseTags(t *testing.T) {
	for in, want := range map[string][]string{
		`["电工","叉车"]`: {"电工", "叉车"}, `[]`: nil, ``: nil, `["a\"b"]`: {`a"b`}, `[ "x" ]`: {"x"},
	} {
		got, err := parseTags(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("parseTags(%s) = %q, %v", in, got, err)
		}
	}
	if _, err := parseTags(`{"no":1}`); err == nil {
		t.Error("an object parsed as tags")
	}
}

func TestTagNormalize(t *testing.T) {
	groups, err := config.LoadJobTags("")
	if err != nil {
		t.Fatal(err)
	}
	tags, err := NewTags(groups)
	if err != nil {
		t.Fatal(err)
	}
	huge := make([]string, 10000)
	for i := range huge {
		huge[i] = "电工"
	}
	tests := []struct {
		name string
		in   []string
		want []string
		err  error
	}{
		{"synonyms become the tag", []string{"焊工", " 电焊 ", "叉车司机"}, []string{"电焊", "叉车"}, nil},
		{"free tags are kept, folded", []string{"ＣＡＤ 制图", "  无人机  "}, []string{"cad 制图", "无人机"}, nil},
		{"empty", []string{" "}, nil, ErrBadTag},
		{"too long", []string{"一二三四五六七八九十一二三四五六七"}, nil, ErrBadTag},
		{"separator", []string{"a|b"}, nil, ErrBadTag},
		{"control", []string{"a\x00b"}, nil, ErrBadTag},
		{"10,000 tags", huge, nil, ErrTooManyTags},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := tags.Normalize(tt.in)
			if err != tt.err || !slices.Equal(got, tt.want) {
				t.Fatalf("Normalize = %q, %v; want %q, %v", got, err, tt.want, tt.err)
			}
		})
	}
	if !tags.Known("焊工") || tags.Known("无人机") {
		t.Error("Known")
	}
}

func TestLocalKindsStayInTheCounty(t *testing.T) {
	w := Worker{Home: home, Capacity: "full"}
	tests := []struct {
		kind, region string
		want         bool
	}{
		{"workshop", sameTwn, true}, {"workshop", otherTn, true}, {"workshop", "419902100201", false},
		{"public_welfare", "419902100201", false}, {"work_relief", county, true}, {"work_relief", zz, false},
		{"park", "419902000000", true}, {"gig", "419902100201", true}, {"migrant", sz, true},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.region, func(t *testing.T) {
			if got := Eligible(prm, w, job(1, tt.kind, tt.region, 1, 1, "month"), today); got != tt.want {
				t.Fatalf("Eligible = %v", got)
			}
		})
	}
	if Eligible(prm, Worker{Capacity: "full"}, job(1, "workshop", sameTwn, 1, 1, "month"), today) {
		t.Error("a worker of unknown home got a local posting")
	}
}

func TestJoinedSkills(t *testing.T) {
	for _, tt := range []struct {
		joined, tag string
		want        bool
	}{
		{"电工|叉车", "电工", true}, {"电工|叉车", "叉车", true}, {"电工|叉车", "电", false}, {"电工电工", "电工", false},
		{"a|xab|ab", "ab", true}, {"abab|x", "ab", false}, {"", "ab", false}, {"ab", "ab", true},
	} {
		if got := (&Worker{joined: tt.joined}).hasSkill(tt.tag); got != tt.want {
			t.Errorf("hasSkill(%q in %q) = %v", tt.tag, tt.joined, got)
		}
	}
}

// TestRateIsScore: ranking without reasons gives the score's own number.
func TestRateIsScore(t *testing.T) {
	for _, w := range []Worker{
		{Home: home, Skills: []string{"电工"}, MinWageFen: 300000, WageUnit: "month", Capacity: "half"},
		{Home: home, Capacity: "full"},
	} {
		for _, p := range []Posting{job(1, "park", county, 3000, 4000, "month", "电工", "叉车"), job(2, "gig", sameTwn, 100, 200, "day"),
			job(3, "workshop", sameTwn, 5, 9, "piece", "编织")} {
			f := Fit{Place: PlaceFit{Place: PlaceCounty}, Kind: model.KindAny}
			if r, s := rate(&prm, &w, &p, f, now), Score(prm, w, p, f, now).raw; r != s {
				t.Errorf("posting %d: rate %v, score %v", p.ID, r, s)
			}
		}
	}
}

func TestTopWorkers(t *testing.T) {
	top := newTopWorkers(3)
	offer := func(raw float64, profile int64, place string) {
		buf := []byte(place) // a view of a row that is then overwritten
		c := workerCandidate{profileID: profile, userID: profile * 10, place: view(buf)}
		top.offer(raw, &c)
		copy(buf, strings.Repeat("x", len(buf)))
	}
	offer(0.5, 1, "county")
	offer(0.7, 2, "local")
	offer(0.6, 1, "4403") // profile 1 again, better: replaces its row
	offer(0.4, 3, "county")
	offer(0.9, 4, "county") // evicts profile 3
	offer(0.3, 3, "local")  // worse than what was dropped: stays out
	offer(0.6, 5, "local")  // ties profile 1 at 0.6: the lower id stays
	var got []string
	for _, k := range top.best() {
		got = append(got, fmt.Sprintf("%d:%.1f:%s", k.c.profileID, k.raw, k.c.place))
	}
	if want := []string{"4:0.9:county", "2:0.7:local", "1:0.6:4403"}; !slices.Equal(got, want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
}

// TestWithinAgreesWithTheIndex: the place rule scoring applies and the
// index keys retrieval reads say the same.
func TestWithinAgreesWithTheIndex(t *testing.T) {
	places := []string{PlaceLocal, PlaceCounty, PlaceOutsideCounty, PlaceOutsideProvince, "440300000000", "419901100000", sameTwn}
	regions := []string{home, sameTwn, otherTn, county, zz, sz, "440000000000", "419902100201", "419901100000"}
	for _, pl := range places {
		for _, r := range regions {
			key := placeKey(pl, home)
			byKey := strings.HasPrefix(r, key)
			if strings.HasPrefix(key, "!") {
				byKey = !strings.HasPrefix(r, key[1:])
			}
			if slices.Contains(keysCovering(r), key) != (byKey && !strings.HasPrefix(key, "!")) {
				t.Errorf("%s in %s: keysCovering disagrees with the key %s", r, pl, key)
			}
			if got := within(pl, home, r); got != byKey {
				t.Errorf("within(%s, %s) = %v, the key %s says %v", pl, r, got, key, byKey)
			}
		}
	}
}
