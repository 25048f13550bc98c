package importer

import (
	"fmt"
	"strings"
)

// maxHeaderScan is how many non-blank rows may precede the data: a title,
// a date line, a two-row header.
const maxHeaderScan = 10

// Header is where one file keeps the columns of a spec.
type Header struct {
	Spec *Spec
	// LastRow is the number of the header's last row; data follows it.
	LastRow int
	cols    map[string]headerCol
	// Ignored lists header cells that matched no column (序号, 备注...).
	Ignored []string
}

type headerCol struct {
	index int
	text  string // the header as the file writes it, for rejection reports
	shift int    // power of ten from the header's money unit to yuan
	rank  int    // 0 for the canonical header, then by alias order
}

// Has reports whether the file has the column.
func (h *Header) Has(key string) bool {
	_, ok := h.cols[key]
	return ok
}

// Name is the column's header as the file writes it, or the canonical
// header when the file lacks the column.
func (h *Header) Name(key string) string {
	if c, ok := h.cols[key]; ok {
		return c.text
	}
	if c := h.Spec.column(key); c != nil {
		return c.Header
	}
	return key
}

// Cell is a row's cell of the column, trimmed as decoders read it; "" when
// the file lacks the column. The writing half uses it to look ahead at rows
// (which households and people a batch will ask about) before decoding.
func (h *Header) Cell(row Row, key string) string {
	col, ok := h.cols[key]
	if !ok || col.index >= len(row.Cells) {
		return ""
	}
	return cleanCell(row.Cells[col.index])
}

// HeaderError is a file whose header cannot be used: no recognisable header
// in the first rows, or required columns missing. Its message is for the
// person who made the file.
type HeaderError struct {
	Kind    Kind
	Found   bool     // a header row was found, but columns are missing
	Row     int      // that row
	Missing []string // missing columns in Chinese: 户编号, 户编号或身份证号
	Expect  []string // the columns a file of this kind needs, when none was found
}

func (e *HeaderError) Error() string {
	if !e.Found {
		return fmt.Sprintf("前%d行中没有找到表头，请确认文件第一行（或标题下一行）是列名，需要的列有：%s",
			maxHeaderScan, strings.Join(e.Expect, "、"))
	}
	return fmt.Sprintf("第%d行的表头缺少必需的列：%s", e.Row, strings.Join(e.Missing, "、"))
}

// headerMatcher finds spec columns by header text.
type headerMatcher struct {
	spec  *Spec
	byKey map[string]aliasRef // textKey of a header or alias → column
}

type aliasRef struct {
	key  string
	rank int
}

func newHeaderMatcher(spec *Spec) *headerMatcher {
	m := &headerMatcher{spec: spec, byKey: map[string]aliasRef{}}
	for _, c := range spec.Columns {
		for rank, name := range append([]string{c.Header}, c.Aliases...) {
			k := textKey(name)
			if _, dup := m.byKey[k]; !dup {
				m.byKey[k] = aliasRef{c.Key, rank}
			}
		}
	}
	return m
}

// lookup matches one header text: whole, then without a bracketed remark
// or unit ("发放金额（元）"), then the part before a slash ("所属村/社区").
func (m *headerMatcher) lookup(text string) (aliasRef, bool) {
	whole := textKey(text)
	if whole == "" {
		return aliasRef{}, false
	}
	outside, _ := splitBrackets(text)
	for _, k := range []string{whole, outside, strings.SplitN(outside, "/", 2)[0]} {
		if r, ok := m.byKey[k]; ok && k != "" {
			return r, true
		}
	}
	return aliasRef{}, false
}

// unitOnly reports whether a header cell carries only a unit or remark,
// as the second row of "发放金额" over "(元)" does.
func unitOnly(text string) bool {
	outside, inside := splitBrackets(text)
	switch outside {
	case "":
		return inside != ""
	case "元", "万元", "分", "人", "岁", "个", "%", "元/月", "元/人", "元/天":
		return true
	}
	return false
}

// moneyShift reads a money unit from a header: 万元 → 4, 分 → -2.
func moneyShift(text string) int {
	outside, inside := splitBrackets(text)
	switch {
	case strings.Contains(inside, "万元"), strings.HasSuffix(outside, "/万元"):
		return 4
	case inside == "分", strings.HasSuffix(outside, "/分"):
		return -2
	}
	return 0
}

// match maps the cells of a header row; upper is the row above it or nil.
// A cell left blank under a merged cell takes the value above (vertical
// merge); a cell of the upper row left blank takes its left neighbour's
// (horizontal merge); an upper text joined with the lower one is tried
// too ("户主" over "姓名").
func (m *headerMatcher) match(lower, upper []string) map[string]headerCol {
	cols := map[string]headerCol{}
	filled := fillMerged(upper)
	n := max(len(lower), len(filled))
	for i := 0; i < n; i++ {
		lo, up := cellAt(lower, i), cellAt(filled, i)
		var cands []string
		if cleanCell(lo) != "" && !unitOnly(lo) {
			if up != "" { // "户主" over "身份证号" is more specific than "身份证号"
				cands = append(cands, up+lo)
			}
			cands = append(cands, lo)
		} else if up != "" {
			cands = append(cands, up+lo)
			cands = append(cands, up)
		}
		for _, text := range cands {
			ref, ok := m.lookup(text)
			if !ok {
				continue
			}
			shown := strings.TrimSpace(cleanCell(text))
			if prev, taken := cols[ref.key]; !taken || ref.rank < prev.rank {
				cols[ref.key] = headerCol{index: i, text: shown, shift: moneyShift(text), rank: ref.rank}
			}
			break
		}
	}
	return cols
}

func cellAt(cells []string, i int) string {
	if i < len(cells) {
		return cleanCell(cells[i])
	}
	return ""
}

// fillMerged copies each non-blank cell of a header row into the blank
// cells to its right, as a merged cell spanning them reads.
func fillMerged(row []string) []string {
	if row == nil {
		return nil
	}
	out := make([]string, len(row))
	last := ""
	for i, c := range row {
		if c = cleanCell(c); c != "" {
			last = c
		}
		out[i] = last
	}
	return out
}

// isSubHeader reports whether a row only continues the header above it:
// every non-blank cell is a unit or a known header.
func (m *headerMatcher) isSubHeader(row []string) bool {
	seen := false
	for _, c := range row {
		if c = cleanCell(c); c == "" {
			continue
		}
		seen = true
		if _, ok := m.lookup(c); !ok && !unitOnly(c) {
			return false
		}
	}
	return seen
}

// findHeader reads up to maxHeaderScan rows and picks the header: the row
// matching the most columns (with the row above as its merged upper part),
// extended by a following unit-only row. Rows read after the header are
// returned for the decoder to hand out first.
func findHeader(src Source, spec *Spec) (*Header, []Row, error) {
	m := newHeaderMatcher(spec)
	var rows []Row
	for len(rows) < maxHeaderScan && src.Next() {
		r := src.Row()
		rows = append(rows, Row{Num: r.Num, Cells: append([]string(nil), r.Cells...)})
	}
	if err := src.Err(); err != nil {
		return nil, nil, err
	}
	upperOf := func(i int) []string {
		if i > 0 && rows[i-1].Num == rows[i].Num-1 {
			return rows[i-1].Cells
		}
		return nil
	}
	best, bestCols := -1, map[string]headerCol(nil)
	for i := range rows {
		cols := m.match(rows[i].Cells, upperOf(i))
		if len(cols) > len(bestCols) {
			best, bestCols = i, cols
		}
	}
	if best < 0 || len(bestCols) < min(2, len(spec.Columns)) {
		return nil, nil, &HeaderError{Kind: spec.Kind, Expect: requiredNames(spec)}
	}
	last := best
	if next := best + 1; next < len(rows) && rows[next].Num == rows[best].Num+1 && m.isSubHeader(rows[next].Cells) {
		if cols := m.match(rows[next].Cells, rows[best].Cells); len(cols) >= len(bestCols) {
			last, bestCols = next, cols
		}
	}
	h := &Header{Spec: spec, LastRow: rows[last].Num, cols: bestCols}
	used := map[int]bool{}
	for _, c := range bestCols {
		used[c.index] = true
	}
	for i, c := range rows[last].Cells {
		if c = cleanCell(c); c != "" && !used[i] {
			h.Ignored = append(h.Ignored, c)
		}
	}
	if missing := missingColumns(spec, h); len(missing) > 0 {
		return nil, nil, &HeaderError{Kind: spec.Kind, Found: true, Row: h.LastRow, Missing: missing}
	}
	return h, rows[last+1:], nil
}

// requiredNames lists the columns a file of the spec needs, in Chinese.
func requiredNames(spec *Spec) []string {
	var names []string
	groups := map[string]bool{}
	for _, c := range spec.Columns {
		switch {
		case c.Required:
			names = append(names, c.Header)
		case c.OneOf != "" && !groups[c.OneOf]:
			groups[c.OneOf] = true
			names = append(names, strings.Join(groupHeaders(spec, c.OneOf), "或"))
		}
	}
	return names
}

func groupHeaders(spec *Spec, group string) []string {
	var hs []string
	for _, c := range spec.Columns {
		if c.OneOf == group {
			hs = append(hs, c.Header)
		}
	}
	return hs
}

// missingColumns lists required columns and column groups the header lacks.
func missingColumns(spec *Spec, h *Header) []string {
	var missing []string
	groups := map[string]bool{}
	for _, c := range spec.Columns {
		if c.OneOf != "" && h.Has(c.Key) {
			groups[c.OneOf] = true
		}
	}
	reported := map[string]bool{}
	for _, c := range spec.Columns {
		switch {
		case c.Required && !h.Has(c.Key):
			missing = append(missing, c.Header)
		case c.OneOf != "" && !groups[c.OneOf] && !reported[c.OneOf]:
			reported[c.OneOf] = true
			missing = append(missing, strings.Join(groupHeaders(spec, c.OneOf), "或"))
		}
	}
	return missing
}
