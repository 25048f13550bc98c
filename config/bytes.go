package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Bytes is a size in bytes, written in configuration as 1048576, 512KiB,
// 8MiB or 1GiB.
type Bytes int64

var byteUnits = []struct {
	suffix string
	factor int64
}{
	{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
	{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1},
}

// ParseBytes reads a size with an optional unit.
func ParseBytes(s string) (Bytes, error) {
	s = strings.TrimSpace(s)
	factor := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, factor = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size (examples: 1048576, 512KiB, 8MiB)", s)
	}
	return Bytes(n * factor), nil
}

func (b Bytes) String() string {
	for _, u := range byteUnits[:3] {
		if b >= Bytes(u.factor) && int64(b)%u.factor == 0 {
			return fmt.Sprintf("%d%s", int64(b)/u.factor, u.suffix)
		}
	}
	return strconv.FormatInt(int64(b), 10)
}
