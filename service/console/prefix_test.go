package console

import "testing"

func TestNextPrefix(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"419901", "419902", true},
		{"41990", "41991", true},
		{"419909", "41991", true},
		{"4199", "42", true},
		{"0", "1", true},
		{"999", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := nextPrefix(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("nextPrefix(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}
