package config

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

//go:embed push_templates.yaml
var defaultPushTemplates []byte

// PushTemplates is the push template file: the WeChat templates of each
// channel and, per kind of notice, the page it opens and how each channel's
// fields are filled.
type PushTemplates struct {
	Official      map[string]PushTemplate `yaml:"official"`
	Miniapp       map[string]PushTemplate `yaml:"miniapp"`
	Kinds         map[string]PushKind     `yaml:"kinds"`
	FailureAdvice []FailureAdvice         `yaml:"payment_failure_advice"`
	DefaultAdvice string                  `yaml:"default_failure_advice"`
}

// PushTemplate is one WeChat template: its id and field names.
type PushTemplate struct {
	ID     string   `yaml:"id"`
	Fields []string `yaml:"fields"`
}

// PushKind is how one kind of notice is sent.
type PushKind struct {
	Page     string       `yaml:"page"`
	Official *PushMapping `yaml:"official"`
	Miniapp  *PushMapping `yaml:"miniapp"`
}

// PushMapping fills a template's fields from a notice's data.
type PushMapping struct {
	Template string            `yaml:"template"`
	Data     map[string]string `yaml:"data"`
}

// FailureAdvice tells a household what to do when the bank's reason
// contains one of the words.
type FailureAdvice struct {
	Match  []string `yaml:"match"`
	Advice string   `yaml:"advice"`
}

// DefaultPushKind is the kind used for notices of a kind not listed.
const DefaultPushKind = "default"

var (
	fieldPattern = regexp.MustCompile(`^[a-z_]+[0-9]*$`)
)

// LoadPushTemplates reads the file at path, or the shipped one, and checks it.
func LoadPushTemplates(path string) (*PushTemplates, error) {
	raw := defaultPushTemplates
	const key = "XB_PUSH_TEMPLATES_FILE"
	if path != "" {
		var err error
		if raw, err = os.ReadFile(path); err != nil {
			return nil, &Error{Key: key, Reason: err.Error()}
		}
	}
	var t PushTemplates
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, &Error{Key: key, Reason: "not a valid push template file: " + err.Error()}
	}
	if err := t.check(); err != nil {
		return nil, &Error{Key: key, Reason: err.Error()}
	}
	return &t, nil
}

// DefaultPushTemplates returns the shipped templates.
func DefaultPushTemplates() *PushTemplates {
	t, err := LoadPushTemplates("")
	if err != nil {
		panic(err)
	}
	return t
}

func (t *PushTemplates) check() error {
	var errs []error
	for channel, set := range map[string]map[string]PushTemplate{"official": t.Official, "miniapp": t.Miniapp} {
		ids := map[string]string{}
		for key, tpl := range set {
			if tpl.ID == "" || len(tpl.ID) > 128 {
				errs = append(errs, fmt.Errorf("%s.%s: id is required (up to 128 characters)", channel, key))
			}
			if other, dup := ids[tpl.ID]; dup {
				errs = append(errs, fmt.Errorf("%s: templates %s and %s share the id %q", channel, other, key, tpl.ID))
			}
			ids[tpl.ID] = key
			if len(key) > 32 {
				errs = append(errs, fmt.Errorf("%s.%s: a template key has at most 32 characters", channel, key))
			}
			if len(tpl.Fields) == 0 {
				errs = append(errs, fmt.Errorf("%s.%s: fields are required", channel, key))
			}
			for _, f := range tpl.Fields {
				if !fieldPattern.MatchString(f) {
					errs = append(errs, fmt.Errorf("%s.%s: %q is not a field name like thing1", channel, key, f))
				}
			}
		}
	}
	if _, ok := t.Kinds[DefaultPushKind]; !ok {
		errs = append(errs, errors.New(`kinds: a "default" kind is required (used for kinds not listed)`))
	}
	for name, k := range t.Kinds {
		if k.Official == nil && k.Miniapp == nil {
			errs = append(errs, fmt.Errorf("kinds.%s: neither official nor miniapp is set", name))
		}
		if strings.HasPrefix(k.Page, "/") || strings.Contains(k.Page, "://") || len(k.Page) > 255 {
			errs = append(errs, fmt.Errorf("kinds.%s: page %q must be a mini-program path like pages/index/index", name, k.Page))
		}
		errs = append(errs, checkMapping(name, "official", k.Official, t.Official), checkMapping(name, "miniapp", k.Miniapp, t.Miniapp))
	}
	for i, a := range t.FailureAdvice {
		if len(a.Match) == 0 || a.Advice == "" || utf8.RuneCountInString(a.Advice) > 20 {
			errs = append(errs, fmt.Errorf("payment_failure_advice[%d]: match and advice (up to 20 characters, it fills a thing field) are required", i))
		}
	}
	if t.DefaultAdvice == "" || utf8.RuneCountInString(t.DefaultAdvice) > 20 {
		errs = append(errs, errors.New("default_failure_advice is required, up to 20 characters"))
	}
	return errors.Join(errs...)
}

func checkMapping(kind, channel string, m *PushMapping, set map[string]PushTemplate) error {
	if m == nil {
		return nil
	}
	tpl, ok := set[m.Template]
	if !ok {
		return fmt.Errorf("kinds.%s.%s: no %s template %q", kind, channel, channel, m.Template)
	}
	var errs []error
	for _, f := range tpl.Fields {
		if _, ok := m.Data[f]; !ok {
			errs = append(errs, fmt.Errorf("kinds.%s.%s: field %s of template %s is not filled", kind, channel, f, m.Template))
		}
	}
	extra := []string{}
	for f := range m.Data {
		if !contains(tpl.Fields, f) {
			extra = append(extra, f)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		errs = append(errs, fmt.Errorf("kinds.%s.%s: template %s has no fields %s", kind, channel, m.Template, strings.Join(extra, ", ")))
	}
	return errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Kind returns the mapping of a kind, or of "default" when it is not listed.
func (t *PushTemplates) Kind(kind string) PushKind {
	if k, ok := t.Kinds[kind]; ok {
		return k
	}
	return t.Kinds[DefaultPushKind]
}

// Advice is what a household should do about a payment the bank returned
// for reason.
func (t *PushTemplates) Advice(reason string) string {
	for _, a := range t.FailureAdvice {
		for _, w := range a.Match {
			if w != "" && strings.Contains(reason, w) {
				return a.Advice
			}
		}
	}
	return t.DefaultAdvice
}

// MockTemplates lists every template id with the fields a subscribe
// message must fill (none for template messages), in the form wxmock takes:
// the demo's stand-in of WeChat then refuses ids it does not know, as
// WeChat would.
func (t *PushTemplates) MockTemplates() map[string][]string {
	out := map[string][]string{}
	for _, tpl := range t.Official {
		out[tpl.ID] = nil
	}
	for _, tpl := range t.Miniapp {
		out[tpl.ID] = append([]string(nil), tpl.Fields...)
	}
	return out
}
