package config

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

//go:embed subsidy_items.yaml
var defaultSubsidyItems []byte

// SubsidyItem is one entry of the subsidy item catalogue: the row the
// subsidy_items table holds, plus the other names import files use for it.
type SubsidyItem struct {
	Code       string   `yaml:"code"`
	Name       string   `yaml:"name"`
	Aliases    []string `yaml:"aliases"`
	Department string   `yaml:"department"`
	ViaCard    *bool    `yaml:"via_card"`
	Payee      string   `yaml:"payee"`
	Schedule   string   `yaml:"schedule"`
	// DueBy is "MM-DD", the day of the year a yearly or one-off item's
	// money must have arrived by (policy/004 第13条: 应在9月底前发放的必须按时
	// 足额发放到户到人). A payment of the item for a whole year with no
	// 应发日期 of its own is due then rather than on 31 December, so it is
	// overdue from October. Empty: the period's end.
	DueBy string `yaml:"due_by"`
}

// DueByDay is the month and day of due_by; ok is false when the item has none.
func (s SubsidyItem) DueByDay() (month time.Month, day int, ok bool) {
	if s.DueBy == "" {
		return 0, 0, false
	}
	t, err := time.Parse("01-02", s.DueBy)
	if err != nil {
		return 0, 0, false // checked on load
	}
	return t.Month(), t.Day(), true
}

// PaidViaCard reports whether the item is paid through the 一卡通; an entry
// that does not say is, as the schema's default.
func (s SubsidyItem) PaidViaCard() bool { return s.ViaCard == nil || *s.ViaCard }

// itemCodePattern keeps codes short ASCII identifiers, safe in URLs, file
// names and the VARCHAR(32) primary key.
var itemCodePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

// LoadSubsidyItems reads the catalogue at path, or the shipped one when path
// is empty, and checks it. The order of the file is the display order.
func LoadSubsidyItems(path string) ([]SubsidyItem, error) {
	raw := defaultSubsidyItems
	key := "XB_SUBSIDY_ITEMS_FILE"
	if path != "" {
		var err error
		if raw, err = os.ReadFile(path); err != nil {
			return nil, &Error{Key: key, Reason: err.Error()}
		}
	}
	var doc struct {
		Items []SubsidyItem `yaml:"items"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, &Error{Key: key, Reason: "not a valid subsidy item file: " + err.Error()}
	}
	if err := checkSubsidyItems(doc.Items); err != nil {
		return nil, &Error{Key: key, Reason: err.Error()}
	}
	return doc.Items, nil
}

// DefaultSubsidyItems returns the shipped catalogue.
func DefaultSubsidyItems() []SubsidyItem {
	items, err := LoadSubsidyItems("")
	if err != nil {
		panic(err)
	}
	return items
}

func checkSubsidyItems(items []SubsidyItem) error {
	var errs []error
	if len(items) == 0 {
		errs = append(errs, errors.New("items: at least one item is required"))
	}
	codes := map[string]bool{}
	names := map[string]string{} // name or alias → code, so one name never means two items
	for i, it := range items {
		if !itemCodePattern.MatchString(it.Code) {
			errs = append(errs, fmt.Errorf("items[%d].code %q: want 2-32 of a-z, 0-9 and _, starting with a letter", i, it.Code))
		}
		if codes[it.Code] {
			errs = append(errs, fmt.Errorf("items[%d].code %q appears twice", i, it.Code))
		}
		codes[it.Code] = true
		if it.Name == "" || utf8.RuneCountInString(it.Name) > 64 {
			errs = append(errs, fmt.Errorf("items[%d].name: 1-64 characters", i))
		}
		if it.Department == "" || utf8.RuneCountInString(it.Department) > 64 {
			errs = append(errs, fmt.Errorf("items[%d].department: 1-64 characters", i))
		}
		if it.Payee != "household" && it.Payee != "member" {
			errs = append(errs, fmt.Errorf("items[%d].payee %q: want household or member", i, it.Payee))
		}
		switch it.Schedule {
		case "monthly", "quarterly", "yearly", "once":
		default:
			errs = append(errs, fmt.Errorf("items[%d].schedule %q: want monthly, quarterly, yearly or once", i, it.Schedule))
		}
		if err := checkDueBy(it); err != nil {
			errs = append(errs, fmt.Errorf("items[%d].due_by %q: %w", i, it.DueBy, err))
		}
		for _, n := range append([]string{it.Name}, it.Aliases...) {
			if strings.TrimSpace(n) == "" {
				errs = append(errs, fmt.Errorf("items[%d]: empty alias", i))
				continue
			}
			if other, ok := names[n]; ok && other != it.Code {
				errs = append(errs, fmt.Errorf("items[%d]: name %q also names %s", i, n, other))
			}
			names[n] = it.Code
		}
	}
	return errors.Join(errs...)
}

// checkDueBy: a month-day every year has (so not 02-29), and only on items
// paid for a whole year at a time; a monthly or quarterly payment is due
// within its own period.
func checkDueBy(it SubsidyItem) error {
	if it.DueBy == "" {
		return nil
	}
	if it.Schedule != "yearly" && it.Schedule != "once" {
		return errors.New("only yearly and once items may have one")
	}
	if _, err := time.Parse("01-02", it.DueBy); err != nil || len(it.DueBy) != 5 || it.DueBy == "02-29" {
		return errors.New(`want a month and day as "MM-DD", e.g. "09-30"`)
	}
	return nil
}
