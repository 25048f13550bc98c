package chatbot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xiangbang/xiangbang/config"
)

func shippedIntents(t testing.TB) *Intents {
	t.Helper()
	d, err := config.LoadChatbotIntents("")
	if err != nil {
		t.Fatal(err)
	}
	return NewIntents(d)
}

// TestPhrasings is what people really type into an official account —
// dialect, typos, traditional characters, voice transcripts, full-width
// punctuation — against the shipped intents file. "" means no intent: the
// message gets help and is kept for officials.
func TestPhrasings(t *testing.T) {
	in := shippedIntents(t)
	cases := []struct{ text, want string }{
		// 补贴 / 一卡通 / 钱到了吗
		{"我的钱到了没", "subsidy"},
		{"钱到了吗？", "subsidy"},
		{"补贴到账了吗", "subsidy"},
		{"一卡通有钱没", "subsidy"},
		{"俺的补贴啥时候发", "subsidy"},
		{"低保发了没有", "subsidy"},
		{"这个月低保咋还没到", "subsidy"},
		{"我嘞钱到冇", "subsidy"},
		{"补帖到了没有", "subsidy"},
		{"一咔通里有多少钱", "subsidy"},
		{"养老钱打了没", "subsidy"},
		{"查补贴", "subsidy"},
		{"补助金发放了吗", "subsidy"},
		{"耕地地力补贴啥时候给", "subsidy"},
		{"残疾人护理补贴到了没", "subsidy"},
		{"今年的補貼", "subsidy"},
		{"钱打过来了没有啊", "subsidy"},
		{"卡里钱到没到", "subsidy"},
		{"在外面打工，家里的补贴到了吗", "subsidy"},
		{"ｙｋｔ 补贴", "subsidy"},
		// 岗位 / 找工作 / 招聘 / 打工
		{"找工作", "jobs"},
		{"有没有工作", "jobs"},
		{"招聘", "jobs"},
		{"我想去打工", "jobs"},
		{"有啥活干", "jobs"},
		{"有冇活干", "jobs"},
		{"附近有没有零工", "jobs"},
		{"岗位", "jobs"},
		{"找个活儿", "jobs"},
		{"揾工", "jobs"},
		{"有没有厂招人", "jobs"},
		{"想找个班上", "jobs"},
		{"求职", "jobs"},
		{"找工做", "jobs"},
		{"有没有公益岗", "jobs"},
		{"去哪里挣钱", "jobs"},
		{"崗位", "jobs"},
		// 走访
		{"走访", "visits"},
		{"今天要走访哪些户", "visits"},
		{"我的联系户", "visits"},
		{"入户任务", "visits"},
		{"哪些户该走访了", "visits"},
		{"逾期户有几个", "visits"},
		{"走坊", "visits"},
		// 反映 / 投诉
		{"我要投诉", "report"},
		{"反映问题", "report"},
		{"怎么反映", "report"},
		{"举报村干部截留补贴", "report"},
		{"补贴少发了", "report"},
		{"家里有困难怎么申报", "report"},
		{"我要告状", "report"},
		// 绑定
		{"绑定", "bind"},
		{"怎么绑定", "bind"},
		{"如何认证身份", "bind"},
		{"绑不上", "bind"},
		{"綁定", "bind"},
		{"绑定了还是查不到补贴", "bind"},
		// 帮助 / 菜单 / ?
		{"帮助", "help"},
		{"菜单", "help"},
		{"?", "help"},
		{"？", "help"},
		{"？？", "help"},
		{"HELP", "help"},
		{"这个怎么用", "help"},
		{"你能干啥", "help"},
		// greetings and thanks
		{"你好", "greeting"},
		{"在吗", "greeting"},
		{"谢谢", "thanks"},
		{"辛苦了 谢谢", "thanks"},
		// nothing we know
		{"今天天气怎么样", ""},
		{"村里什么时候修路", ""},
		{"。。。", ""},
		{"", ""},
		{"1234", ""},
	}
	if len(cases) < 60 {
		t.Fatalf("the table needs at least 60 phrasings, has %d", len(cases))
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			got := ""
			if it := in.Match(c.text); it != nil {
				got = it.Name
			}
			if got != c.want {
				t.Errorf("Match(%q) = %q, want %q (normalised %q)", c.text, got, c.want, normalize(c.text))
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"找 工作！", "找工作"},
		{"ＨＥＬＰ", "help"},
		{"补贴。。～", "补贴"},
		{"？", "?"},
		{"钱\t到了\n没", "钱到了没"},
	} {
		t.Run(c.in, func(t *testing.T) {
			if got := normalize(c.in); got != c.want {
				t.Errorf("normalize(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestClickKeys(t *testing.T) {
	in := shippedIntents(t)
	for key, want := range map[string]string{"SUBSIDY": "subsidy", "JOBS": "jobs", "VISITS": "visits", "REPORT": "report",
		"BIND": "bind", "HELP": "help"} {
		t.Run(key, func(t *testing.T) {
			if it := in.Clicked(key); it == nil || it.Name != want {
				t.Errorf("Clicked(%q) = %v, want %s", key, it, want)
			}
		})
	}
	if in.Clicked("NOPE") != nil {
		t.Error("an unknown key asked for an intent")
	}
}

// TestIntentsFileExtends shows a county adding an intent without code: a
// fixed answer about 医保, matched by its own words.
func TestIntentsFileExtends(t *testing.T) {
	raw, err := os.ReadFile("../../config/chatbot_intents.yaml")
	if err != nil {
		t.Fatal(err)
	}
	extra := "\n  - name: medical\n    priority: 60\n    keywords: [医保, 看病报销]\n    reply: 医保报销请带身份证到村卫生室办理。\n"
	path := filepath.Join(t.TempDir(), "intents.yaml")
	if err := os.WriteFile(path, append(raw, extra...), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := config.LoadChatbotIntents(path)
	if err != nil {
		t.Fatal(err)
	}
	it := NewIntents(d).Match("看病报销咋弄")
	if it == nil || it.Name != "medical" || !strings.Contains(it.Reply, "村卫生室") {
		t.Fatalf("got %+v", it)
	}
}

func TestIntentsFileRejected(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"not yaml", "intents: [", "not a valid intents file"},
		{"unknown field", "texts: {}\nintents: []\nfoo: 1\n", "not a valid intents file"},
		{"no texts", "intents:\n  - {name: help, reply: x, keywords: [a]}\n  - {name: bind, reply: y, keywords: [b]}\n", "texts.busy is required"},
		{"bad action", "intents:\n  - {name: help, action: dance, keywords: [a]}\n", `action "dance"`},
		{"no help", "intents:\n  - {name: bind, reply: y, keywords: [b]}\n", `"help" is required`},
		{"reply missing", "intents:\n  - {name: help, keywords: [a]}\n", "needs a reply"},
		{"duplicate click", "intents:\n  - {name: help, reply: x, click: K}\n  - {name: bind, reply: y, click: K}\n", "used twice"},
		{"short combo", "intents:\n  - {name: help, reply: x, combos: [[a]]}\n", "at least two words"},
		{"long reply", "intents:\n  - {name: help, keywords: [a], reply: " + strings.Repeat("长", 600) + "}\n", "WeChat cuts text replies"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "intents.yaml")
			if err := os.WriteFile(path, []byte(c.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := config.LoadChatbotIntents(path)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "XB_CHATBOT_INTENTS_FILE") {
				t.Fatalf("err = %v, want one naming XB_CHATBOT_INTENTS_FILE and %q", err, c.want)
			}
		})
	}
}
