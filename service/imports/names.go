package imports

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// sameName compares people's names as files write them: full-width and
// half-width alike, spaces ignored, and the dot in names such as
// 阿依古丽·买买提 in any of its usual forms.
func sameName(a, b string) bool { return nameKey(a) == nameKey(b) }

func nameKey(s string) string {
	s = width.Fold.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r == '\u200b':
			return -1
		case r == '·' || r == '•' || r == '‧' || r == '∙' || r == '.' || r == '・' || r == '﹒':
			return '·'
		}
		return r
	}, s)
}
