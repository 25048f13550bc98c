package chatbot

import (
	"strings"
	"unicode"

	"github.com/xiangbang/xiangbang/config"
)

// Intent is one compiled entry of the intents file.
type Intent struct {
	config.ChatbotIntent
	keywords []string
	exact    map[string]bool
	combos   [][]string
}

// Intents matches what people type to an intent. It is read-only after
// NewIntents, so one value serves every request.
type Intents struct {
	texts   config.ChatbotTexts
	list    []*Intent
	byName  map[string]*Intent
	byClick map[string]*Intent
}

// NewIntents compiles the intents file: every word normalised the way
// messages are, so "？" in the file matches "?" typed.
func NewIntents(d *config.ChatbotIntents) *Intents {
	in := &Intents{texts: d.Texts, byName: map[string]*Intent{}, byClick: map[string]*Intent{}}
	for _, ci := range d.Intents {
		it := &Intent{ChatbotIntent: ci, exact: map[string]bool{}}
		for _, k := range ci.Keywords {
			if n := normalize(k); n != "" {
				it.keywords = append(it.keywords, n)
			}
		}
		for _, e := range ci.Exact {
			it.exact[normalize(e)] = true
		}
		for _, c := range ci.Combos {
			var words []string
			for _, w := range c {
				if n := normalize(w); n != "" {
					words = append(words, n)
				}
			}
			it.combos = append(it.combos, words)
		}
		in.list = append(in.list, it)
		in.byName[ci.Name] = it
		if ci.Click != "" {
			in.byClick[ci.Click] = it
		}
	}
	return in
}

// Named returns the intent called name, or nil.
func (in *Intents) Named(name string) *Intent { return in.byName[name] }

// Clicked returns the intent a menu CLICK key asks for, or nil.
func (in *Intents) Clicked(key string) *Intent { return in.byClick[key] }

// Match returns the intent text asks for, or nil. Of several, the highest
// priority wins, then the longest matched text, then the first in the file.
func (in *Intents) Match(text string) *Intent {
	n := normalize(text)
	if n == "" {
		return nil
	}
	var best *Intent
	bestPri, bestLen := 0, 0
	for _, it := range in.list {
		l := it.matchLen(n)
		if l == 0 {
			continue
		}
		if best == nil || it.Priority > bestPri || (it.Priority == bestPri && l > bestLen) {
			best, bestPri, bestLen = it, it.Priority, l
		}
	}
	return best
}

// matchLen is how much of n the intent recognised (0: no match).
func (it *Intent) matchLen(n string) int {
	best := 0
	if it.exact[n] {
		best = len(n)
	}
	for _, k := range it.keywords {
		if len(k) > best && strings.Contains(n, k) {
			best = len(k)
		}
	}
	for _, c := range it.combos {
		total := 0
		for _, w := range c {
			if !strings.Contains(n, w) {
				total = 0
				break
			}
			total += len(w)
		}
		best = max(best, total)
	}
	return best
}

// normalize makes what people type comparable: full-width forms
// half-width, lower case, "？" as "?", and spaces, punctuation and symbols
// dropped (people type "补贴。。", "找 工作", "钱到了没～").
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '？' || r == '?':
			b.WriteByte('?')
			continue
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFF01 - 0x21
		}
		switch {
		case unicode.IsSpace(r), unicode.IsPunct(r), unicode.IsSymbol(r), unicode.IsControl(r):
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
