package config

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed subsidy_items.yaml
var defaultSubsidyItems []byte

// SubsidyItem is one entry of the catalogue file.
type SubsidyItem struct {
	Code       string   `yaml:"code"`
	Name       string   `yaml:"name"`
	Aliases    []string `yaml:"aliases"`
	Department string   `yaml:"department"`
	ViaCard    bool     `yaml:"via_card"`
	Payee      string   `yaml:"payee"`
	Schedule   string   `yaml:"schedule"`
}

// LoadSubsidyItems reads the catalogue at path, or the shipped one.
func LoadSubsidyItems(path string) ([]SubsidyItem, error) {
	raw := defaultSubsidyItems
	if path != "" {
		var err error
		if raw, err = os.ReadFile(path); err != nil {
			return nil, &Error{Key: "XB_SUBSIDY_ITEMS_FILE", Reason: err.Error()}
		}
	}
	var doc struct {
		Items []SubsidyItem `yaml:"items"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, &Error{Key: "XB_SUBSIDY_ITEMS_FILE", Reason: "not a valid catalogue: " + err.Error()}
	}
	if err := checkSubsidyItems(doc.Items); err != nil {
		return nil, &Error{Key: "XB_SUBSIDY_ITEMS_FILE", Reason: err.Error()}
	}
	return doc.Items, nil
}

func checkSubsidyItems(items []SubsidyItem) error {
	var errs []error
	names := map[string]string{}
	if len(items) == 0 {
		errs = append(errs, errors.New("no items"))
	}
	for i, it := range items {
		if it.Code == "" || len(it.Code) > 32 || strings.ToLower(it.Code) != it.Code {
			errs = append(errs, fmt.Errorf("items[%d]: code %q must be lower-case, 1 to 32 characters", i, it.Code))
		}
		if it.Name == "" || it.Department == "" {
			errs = append(errs, fmt.Errorf("items[%d] %s: name and department are required", i, it.Code))
		}
		if it.Payee != "household" && it.Payee != "member" {
			errs = append(errs, fmt.Errorf("items[%d] %s: payee %q: want household or member", i, it.Code, it.Payee))
		}
		switch it.Schedule {
		case "monthly", "quarterly", "yearly", "once":
		default:
			errs = append(errs, fmt.Errorf("items[%d] %s: schedule %q: want monthly, quarterly, yearly or once", i, it.Code, it.Schedule))
		}
		for _, n := range append([]string{it.Code, it.Name}, it.Aliases...) {
			if other, dup := names[n]; dup && other != it.Code {
				errs = append(errs, fmt.Errorf("name %q belongs to both %s and %s", n, other, it.Code))
			}
			names[n] = it.Code
		}
	}
	return errors.Join(errs...)
}
