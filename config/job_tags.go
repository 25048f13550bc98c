package config

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

//go:embed job_tags.yaml
var defaultJobTags []byte

// JobTagGroup is one group of the skill-tag list (制造加工, 建筑施工, ...).
type JobTagGroup struct {
	Name string   `yaml:"name"`
	Tags []JobTag `yaml:"tags"`
}

// JobTag is one skill tag and the words that mean the same.
type JobTag struct {
	Name    string   `yaml:"name"`
	Aliases []string `yaml:"aliases"`
}

// MaxTagRunes is the longest tag, in characters (job_tags.tag is VARCHAR(32)).
const MaxTagRunes = 16

// LoadJobTags reads the skill-tag list at path, or the shipped one.
func LoadJobTags(path string) ([]JobTagGroup, error) {
	raw := defaultJobTags
	const key = "XB_JOB_TAGS_FILE"
	if path != "" {
		var err error
		if raw, err = os.ReadFile(path); err != nil {
			return nil, &Error{Key: key, Reason: err.Error()}
		}
	}
	var doc struct {
		Groups []JobTagGroup `yaml:"groups"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, &Error{Key: key, Reason: "not a valid tag list: " + err.Error()}
	}
	if err := checkJobTags(doc.Groups); err != nil {
		return nil, &Error{Key: key, Reason: err.Error()}
	}
	return doc.Groups, nil
}

func checkJobTags(groups []JobTagGroup) error {
	var errs []error
	owner := map[string]string{}
	if len(groups) == 0 {
		errs = append(errs, errors.New("no groups"))
	}
	for _, g := range groups {
		if g.Name == "" || len(g.Tags) == 0 {
			errs = append(errs, fmt.Errorf("group %q: a name and at least one tag are required", g.Name))
		}
		for _, t := range g.Tags {
			for _, n := range append([]string{t.Name}, t.Aliases...) {
				if n == "" || utf8.RuneCountInString(n) > MaxTagRunes || strings.ContainsAny(n, "|\",\\") {
					errs = append(errs, fmt.Errorf("group %s: tag %q must be 1 to %d characters without | \" , or \\", g.Name, n, MaxTagRunes))
				}
				if other, dup := owner[n]; dup && other != t.Name {
					errs = append(errs, fmt.Errorf("%q belongs to both %s and %s", n, other, t.Name))
				}
				owner[n] = t.Name
			}
		}
	}
	return errors.Join(errs...)
}
