package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// cleanCell trims the blanks spreadsheets and exporting systems leave around
// values (full-width and no-break spaces, zero-width marks) and unwraps the
// ="…" form some systems write so Excel keeps long numbers as text.
func cleanCell(s string) string {
	if s == "" || s[0] > ' ' && s[0] < utf8.RuneSelf && s[0] != '=' && s[len(s)-1] > ' ' && s[len(s)-1] < utf8.RuneSelf {
		return s // the common case: nothing to trim or unwrap
	}
	s = strings.TrimFunc(s, isBlankRune)
	if len(s) >= 3 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimFunc(s[2:len(s)-1], isBlankRune)
	}
	return s
}

func isBlankRune(r rune) bool {
	return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\u200b' || r == '\ufeff'
}

// narrow maps full-width letters, digits and punctuation (１２３４．５０,
// （元）) to ASCII so one rule reads both. Plain ASCII, the common case, is
// returned without work.
func narrow(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return width.Fold.String(s)
		}
	}
	return s
}

// textKey is the form names are compared in: narrowed, upper-case ASCII,
// without blanks, required-field stars, trailing colons or bracket
// characters (their content stays).
func textKey(s string) string {
	s = narrow(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case isBlankRune(r), r == '*', r == '※', r == ':', r == '_', r == '(', r == ')', r == '[', r == ']',
			r == '【', r == '】', r == '〔', r == '〕', r == '<', r == '>', r == '《', r == '》', r == '"', r == '\'',
			r == '“', r == '”':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// splitBrackets returns the text outside brackets and the text inside them,
// both as textKey forms: "发放金额（元）" → "发放金额", "元".
func splitBrackets(s string) (outside, inside string) {
	s = narrow(s)
	var out, in strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[', '【', '〔':
			depth++
			continue
		case ')', ']', '】', '〕':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth > 0 {
			in.WriteRune(r)
		} else {
			out.WriteRune(r)
		}
	}
	return textKey(out.String()), textKey(in.String())
}

// matchKeys lists the forms a name is looked up by, most specific first:
// the whole text, then the text outside brackets, then inside them. So
// "监测户（脱贫不稳定）" finds 脱贫不稳定 and "发放金额（元）" finds 发放金额.
func matchKeys(s string) []string {
	whole := textKey(s)
	outside, inside := splitBrackets(s)
	keys := []string{whole}
	if outside != "" && outside != whole {
		keys = append(keys, outside)
	}
	if inside != "" && inside != whole && inside != outside {
		keys = append(keys, inside)
	}
	return keys
}
