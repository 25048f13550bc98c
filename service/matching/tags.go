package matching

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xiangbang/xiangbang/config"
)

// MaxTags is how many skill tags a profile or a posting may carry.
const MaxTags = 20

// Tags is the shipped skill-tag list with its synonyms. Workers pick from
// it or write their own; either way a tag is normalised (full-width folded,
// spaces collapsed, ASCII lower-cased) and a synonym becomes its tag's name,
// so "焊工" on a profile meets "电焊" on a posting.
type Tags struct {
	groups []config.JobTagGroup
	canon  map[string]string // normalised name or alias → tag name
}

// NewTags builds the list from the configured groups.
func NewTags(groups []config.JobTagGroup) (*Tags, error) {
	if len(groups) == 0 {
		return nil, errors.New("matching: NewTags needs the tag list")
	}
	t := &Tags{groups: groups, canon: map[string]string{}}
	for _, g := range groups {
		for _, tag := range g.Tags {
			for _, n := range append([]string{tag.Name}, tag.Aliases...) {
				t.canon[foldTag(n)] = tag.Name
			}
		}
	}
	return t, nil
}

// Groups returns the list as shipped, for the mini-program's picker.
func (t *Tags) Groups() []config.JobTagGroup { return t.groups }

// Known reports whether a tag name is in the shipped list.
func (t *Tags) Known(name string) bool {
	_, ok := t.canon[foldTag(name)]
	return ok
}

// Tag errors; the caller turns them into 400s.
var (
	ErrTooManyTags = errors.New("too many tags")
	ErrBadTag      = errors.New("bad tag")
)

// Normalize returns the tags in canonical form, deduplicated, in the order
// given. It fails on more than MaxTags tags (before looking at any of them,
// so a list of 10,000 costs nothing) and on an empty, over-long or
// ill-formed tag, which it returns as bad.
func (t *Tags) Normalize(in []string) (out []string, bad string, err error) {
	if len(in) > MaxTags {
		return nil, "", ErrTooManyTags
	}
	seen := map[string]bool{}
	for _, raw := range in {
		n := foldTag(raw)
		if n == "" || utf8.RuneCountInString(n) > config.MaxTagRunes || strings.ContainsAny(n, "|\",\\") || !printable(n) {
			return nil, raw, ErrBadTag
		}
		if c, ok := t.canon[n]; ok {
			n = c
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, "", nil
}

// foldTag folds full-width ASCII to half-width, collapses white space and
// lower-cases ASCII letters.
func foldTag(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == '\u3000' || unicode.IsSpace(r):
			space = true
			continue
		case r >= '\uFF01' && r <= '\uFF5E':
			r -= 0xFEE0
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
