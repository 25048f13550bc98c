package importer

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// workbook is what workbook.xml and its relationships say about sheets.
type workbook struct {
	sheets        []sheetRef
	sharedStrings string
	date1904      bool
}

type sheetRef struct {
	name, path string
	hidden     bool
}

func readWorkbook(files map[string]*zip.File) (*workbook, error) {
	wbPath := "xl/workbook.xml"
	var rootRels relationships
	if err := decodePart(files, "_rels/.rels", &rootRels); err == nil {
		for _, r := range rootRels.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = resolvePart("", r.Target)
			}
		}
	}
	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			ID    string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
			IDAny string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(files, wbPath, &doc); err != nil {
		return nil, &FileError{Reason: "XLSX 文件已损坏（缺少 workbook.xml），请用 Excel 或 WPS 另存后再导入", Err: err}
	}
	var rels relationships
	relsPath := path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels")
	if err := decodePart(files, relsPath, &rels); err != nil {
		return nil, &FileError{Reason: "XLSX 文件已损坏（缺少工作表关系），请用 Excel 或 WPS 另存后再导入", Err: err}
	}
	targets := map[string]string{}
	wb := &workbook{date1904: doc.Pr.Date1904 == "1" || doc.Pr.Date1904 == "true"}
	for _, r := range rels.Rels {
		target := resolvePart(path.Dir(wbPath), r.Target)
		targets[r.ID] = target
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			wb.sharedStrings = target
		}
	}
	if wb.sharedStrings == "" {
		wb.sharedStrings = path.Join(path.Dir(wbPath), "sharedStrings.xml")
	}
	for _, sh := range doc.Sheets {
		id := sh.ID
		if id == "" {
			id = sh.IDAny
		}
		if p, ok := targets[id]; ok {
			wb.sheets = append(wb.sheets, sheetRef{name: sh.Name, path: p, hidden: sh.State == "hidden" || sh.State == "veryHidden"})
		}
	}
	return wb, nil
}

// pick chooses the named sheet, or the first visible one: exports keep the
// data on the first sheet, and a hidden sheet is not what anyone looked at.
func (wb *workbook) pick(name string) (sheetRef, error) {
	for _, s := range wb.sheets {
		if name != "" && s.name == name || name == "" && !s.hidden {
			return s, nil
		}
	}
	if name != "" {
		return sheetRef{}, &FileError{Reason: "工作簿中没有名为“" + name + "”的工作表"}
	}
	return sheetRef{}, &FileError{Reason: "工作簿中没有可见的工作表"}
}

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// resolvePart turns a relationship target into a zip entry name: targets
// are relative to the part's folder, or absolute from the package root.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join(dir, target)), "/")
}

// decodePart unmarshals a small part (workbook, relationships); the big
// ones are streamed with xmlScanner.
func decodePart(files map[string]*zip.File, name string, v any) error {
	f := files[strings.ToLower(name)]
	if f == nil {
		return fmt.Errorf("missing part %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 64<<20)).Decode(v)
}

// sharedStrings holds the workbook's string table as one string and the
// offsets of its items, so that looking an item up allocates nothing.
type sharedStrings struct {
	text string
	offs []uint32
}

func (s *sharedStrings) get(i int) (string, bool) {
	if i < 0 || i+1 >= len(s.offs) {
		return "", false
	}
	return s.text[s.offs[i]:s.offs[i+1]], true
}

// readSharedStrings reads <si> items: plain <t>, or rich-text runs <r><t>
// joined; phonetic guides (<rPh>) are not part of the value.
func readSharedStrings(f *zip.File) (*sharedStrings, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, &FileError{Reason: "XLSX 文件已损坏，无法读取共享字符串", Err: err}
	}
	defer rc.Close()
	x := newXMLScanner(rc)
	var buf, item []byte
	offs := []uint32{0}
	inItem, inT, inPhonetic := false, false, 0
	for {
		ok, err := x.next()
		if err != nil {
			return nil, &FileError{Reason: "XLSX 文件已损坏，无法读取共享字符串", Err: err}
		}
		if !ok {
			break
		}
		switch x.kind {
		case tokStart:
			switch {
			case x.isName("si"):
				inItem, item = true, item[:0]
			case x.isName("rPh"):
				inPhonetic++
			case x.isName("t"):
				inT = true
			}
		case tokEnd:
			switch {
			case x.isName("si"):
				inItem = false
				buf = append(buf, unescapeOOXML(string(item))...)
				if len(buf) > maxSharedStrings {
					return nil, &FileError{Reason: "XLSX 文件的文字内容过大，请拆分成几个文件导入"}
				}
				offs = append(offs, uint32(len(buf)))
			case x.isName("rPh"):
				inPhonetic--
			case x.isName("t"):
				inT = false
			}
		case tokSelfClosing:
			if x.isName("si") {
				offs = append(offs, uint32(len(buf)))
			}
		case tokText:
			if inItem && inT && inPhonetic == 0 {
				item = x.appendText(item)
			}
		}
	}
	return &sharedStrings{text: string(buf), offs: offs}, nil
}
