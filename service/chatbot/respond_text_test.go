package chatbot

import (
	"strings"
	"testing"
)

func TestStoredTextIsCut(t *testing.T) {
	long := strings.Repeat("钱", 800)
	if got := []rune(storedText(long)); len(got) != maxStoredRunes {
		t.Fatalf("stored %d runes, want %d", len(got), maxStoredRunes)
	}
}
