package importer

import (
	"errors"
	"testing"
	"time"

	"github.com/xiangbang/xiangbang/config"
	"io"
	"strings"
	"testing/iotest"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// iotestOneByte reads s one byte at a time, to split every token.
func iotestOneByte(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) }

func testItems(t testing.TB) *ItemCatalogue {
	t.Helper()
	c, err := NewItemCatalogue(config.DefaultSubsidyItems())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var errTest = errors.New("database gone")

func timeMonth(m int) time.Month { return time.Month(m) }
