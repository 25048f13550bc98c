// Package importer reads the files counties export from the 防返贫监测 system,
// the 一卡通 platform and the 人社 job system (CSV in UTF-8, GBK or GB18030,
// and XLSX) and turns each row into a checked record or a list of reasons,
// in Chinese, why the row cannot be taken.
//
// It is the file-reading half of an import: it never touches the database.
// Checks that need stored data (is this region code known, does this
// household exist) go through the Lookups interface, which the writing half
// implements. Everything streams: a source hands out one row at a time and a
// decoder keeps no more than the current row, the header and, for the
// duplicate check, one small hash per row.
//
// The layers, bottom up:
//
//	Source        rows of cells from a file (Open, OpenReader), blank rows skipped
//	Spec, Header  the columns a kind expects and where they are in this file
//	Decoder[T]    typed rows (RegionRow, PaymentRow, ...) or Rejections
//	ReportWriter  the rejected rows as CSV or XLSX for the person who sent the file
package importer
