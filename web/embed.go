// Package web holds the admin console's assets, embedded in the binary so
// building it needs no Node: console/ is the console itself (plain HTML,
// CSS and ES modules, no build step) and vendor/ the third-party libraries
// copied from npm, each with its licence and a VERSION note.
package web

import (
	"embed"
	"io/fs"
)

//go:embed console vendor
var files embed.FS

// FS returns the console's files, rooted above console/ and vendor/.
func FS() fs.FS { return files }
