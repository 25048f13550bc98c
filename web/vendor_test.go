package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"strings"
	"testing"
)

// TestVendoredFilesMatchTheirNotes keeps each vendored library's file equal
// to the checksum its VERSION note records, and its licences beside it.
func TestVendoredFilesMatchTheirNotes(t *testing.T) {
	tests := []struct {
		name     string
		dir      string
		file     string
		licences []string
	}{
		{"echarts", "vendor/echarts", "echarts.common.min.js", []string{"LICENSE", "NOTICE", "LICENSE-d3", "LICENSE-zrender", "LICENSE-tslib"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			note, err := fs.ReadFile(FS(), tc.dir+"/VERSION")
			if err != nil {
				t.Fatal(err)
			}
			body, err := fs.ReadFile(FS(), tc.dir+"/"+tc.file)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(body)
			if want := hex.EncodeToString(sum[:]) + "  " + tc.file; !strings.Contains(string(note), want) {
				t.Errorf("%s/VERSION does not record %q: the vendored file changed without its note", tc.dir, want)
			}
			for _, l := range tc.licences {
				if b, err := fs.ReadFile(FS(), tc.dir+"/"+l); err != nil || len(b) < 100 {
					t.Errorf("licence %s/%s missing or empty (%v)", tc.dir, l, err)
				}
			}
		})
	}
}

// TestConsoleModulesAreSelfContained checks every console module imports
// only relative paths or the vendored libraries, never a CDN: the console
// must work on a county's intranet.
func TestConsoleModulesAreSelfContained(t *testing.T) {
	err := fs.WalkDir(FS(), "console", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(FS(), path)
		if err != nil {
			return err
		}
		for _, bad := range []string{"http://", "https://", "//cdn", "eval(", "new Function("} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s contains %q", path, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
