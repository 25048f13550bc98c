package wechat

import (
	"regexp"
	"strings"
)

// The SDK puts the AppSecret, access tokens and login codes in URLs and
// then puts whole URLs into its errors; net/http does the same. Every
// error and log line of this package goes through redact.
var (
	secretParam = regexp.MustCompile(`([?&](?:secret|appsecret|access_token|js_code|code|refresh_token)=)[^&\s"'\x60]*`)
	secretJSON  = regexp.MustCompile(`("(?:secret|appsecret|access_token|refresh_token|session_key)"\s*:\s*")[^"]*`)
)

const redacted = "REDACTED"

// redact hides secrets in s: URL parameters and JSON fields by name, and
// the literal values in known (the configured secrets).
func redact(s string, known *strings.Replacer) string {
	s = secretParam.ReplaceAllString(s, "${1}"+redacted)
	s = secretJSON.ReplaceAllString(s, "${1}"+redacted)
	if known != nil {
		s = known.Replace(s)
	}
	return s
}

// secretReplacer replaces each non-empty secret with REDACTED.
func secretReplacer(secrets ...string) *strings.Replacer {
	var pairs []string
	for _, s := range secrets {
		if len(s) >= 6 { // shorter values would redact ordinary words
			pairs = append(pairs, s, redacted)
		}
	}
	return strings.NewReplacer(pairs...)
}
