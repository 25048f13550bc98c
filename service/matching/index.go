package matching

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/xiangbang/xiangbang/model"
)

// Profile is a worker's job profile with its JSON columns read.
type Profile struct {
	ID            int64
	UserID        int64
	Home          string // home village code
	Skills        []string
	Places        []string
	Kinds         []string
	MinWageFen    int64
	WageUnit      string
	AvailableFrom model.Date
	Capacity      string
	BirthYear     int
	Active        bool
}

// ProfileFrom reads a stored profile; birthYear comes from the member (0
// when unknown).
func ProfileFrom(m model.JobProfile, birthYear int) (Profile, error) {
	p := Profile{
		ID: m.ID, UserID: m.UserID, Home: m.RegionCode, MinWageFen: m.MinWageFen, WageUnit: m.WageUnit,
		AvailableFrom: m.AvailableFrom, Capacity: m.Capacity, BirthYear: birthYear, Active: m.Active,
	}
	for col, dst := range map[string]*[]string{m.Skills: &p.Skills, m.Places: &p.Places, m.Kinds: &p.Kinds} {
		if col == "" {
			continue
		}
		if err := json.Unmarshal([]byte(col), dst); err != nil {
			return p, fmt.Errorf("matching: profile %d: %w", m.ID, err)
		}
	}
	return p, nil
}

// Worker is the profile as scoring sees it.
func (p Profile) Worker() Worker {
	return Worker{Home: p.Home, Skills: p.Skills, MinWageFen: p.MinWageFen, WageUnit: p.WageUnit, AvailableFrom: p.AvailableFrom,
		Capacity: p.Capacity, BirthYear: p.BirthYear}
}

// kindsTaken are the kinds a profile takes, with why.
func (p Profile) kindsTaken() map[string]string {
	out := map[string]string{}
	for kind := range model.JobKinds {
		if fit, ok := KindFitOf(p.Kinds, p.Capacity, kind); ok {
			out[kind] = fit
		}
	}
	return out
}

// Targets are the profile's rows in the matching index: one per kind it
// takes and place key it goes to. An inactive profile (the worker is in
// work) has none.
func Targets(p Profile) []model.JobProfileTarget {
	if !p.Active {
		return nil
	}
	keys := map[string]bool{}
	for _, pl := range p.Places {
		if k := placeKey(pl, p.Home); k != "" {
			keys[k] = true
		}
	}
	skills := strings.Join(p.Skills, "|")
	var out []model.JobProfileTarget
	for kind, fit := range p.kindsTaken() {
		for key := range keys {
			out = append(out, model.JobProfileTarget{
				Kind: kind, PlaceKey: key, ProfileID: p.ID, UserID: p.UserID, HomeRegion: p.Home,
				Capacity: p.Capacity, KindFit: fit, MinWageFen: p.MinWageFen, WageUnit: p.WageUnit,
				AvailableFrom: p.AvailableFrom, BirthYear: p.BirthYear, Skills: skills,
			})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].PlaceKey < out[j].PlaceKey
	})
	return out
}

// Reindex rewrites a profile's rows in the matching index inside tx, so
// the index never disagrees with the profile it was built from.
func Reindex(ctx context.Context, tx *model.DB, p Profile) error {
	if err := tx.WithContext(ctx).Where("profile_id = ?", p.ID).Delete(&model.JobProfileTarget{}).Error; err != nil {
		return err
	}
	rows := Targets(p)
	if len(rows) == 0 {
		return nil
	}
	return tx.WithContext(ctx).CreateInBatches(rows, 200).Error
}
