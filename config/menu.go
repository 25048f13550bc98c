package config

import (
	_ "embed"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed menu.yaml
var defaultMenu []byte

// MenuFile is the official account's custom menu as written in
// config/menu.yaml; service/chatbot checks it against the intents and
// WeChat's limits.
type MenuFile struct {
	Buttons []MenuButton `yaml:"buttons"`
}

// MenuButton is one button of MenuFile.
type MenuButton struct {
	Type       string       `yaml:"type"` // click | miniprogram | view; empty with sub_buttons
	Name       string       `yaml:"name"`
	Key        string       `yaml:"key"`
	URL        string       `yaml:"url"`
	AppID      string       `yaml:"appid"`
	Page       string       `yaml:"page"`
	SubButtons []MenuButton `yaml:"sub_buttons"`
}

// LoadMenu reads the menu file at path, or the shipped one.
func LoadMenu(path string) (*MenuFile, error) {
	raw := defaultMenu
	if path != "" {
		var err error
		if raw, err = os.ReadFile(path); err != nil {
			return nil, &Error{Key: "--file", Reason: err.Error()}
		}
	}
	var m MenuFile
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, &Error{Key: "--file", Reason: "not a valid menu file: " + err.Error()}
	}
	return &m, nil
}
