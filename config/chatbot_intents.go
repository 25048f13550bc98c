package config

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed chatbot_intents.yaml
var defaultChatbotIntents []byte

// ChatbotIntents is the official account bot's data file: what people
// type, which intent it means, and the fixed answers. Counties extend it
// without a code change (XB_CHATBOT_INTENTS_FILE).
type ChatbotIntents struct {
	Texts   ChatbotTexts    `yaml:"texts"`
	Intents []ChatbotIntent `yaml:"intents"`
}

// ChatbotTexts are the bot's fixed sentences outside any one intent.
type ChatbotTexts struct {
	Welcome       string `yaml:"welcome"`        // on subscribe, before the binding hint
	Busy          string `yaml:"busy"`           // the deadline passed
	NotUnderstood string `yaml:"not_understood"` // before the help text, for anything unmatched
	Unsupported   string `yaml:"unsupported"`    // before the help text, for images, locations, links, videos
	VoiceUnclear  string `yaml:"voice_unclear"`  // a voice message WeChat could not transcribe
	NeedBinding   string `yaml:"need_binding"`   // before the binding text, for personal questions of unbound users
	NotHousehold  string `yaml:"not_household"`  // subsidy questions from a cadre
	NotCadre      string `yaml:"not_cadre"`      // visit questions from a household or guest
	LinkText      string `yaml:"link_text"`      // the words of a link to the mini-program
}

// ChatbotIntent is one thing people ask for.
type ChatbotIntent struct {
	Name     string     `yaml:"name"`
	Action   string     `yaml:"action"`   // reply (the fixed Reply) | subsidy | jobs | visits
	Priority int        `yaml:"priority"` // the highest wins when several intents match
	Click    string     `yaml:"click"`    // the menu CLICK key that asks for it
	Page     string     `yaml:"page"`     // mini-program page linked under the answer
	Keywords []string   `yaml:"keywords"` // any one found in the message
	Exact    []string   `yaml:"exact"`    // the whole message, after normalising
	Combos   [][]string `yaml:"combos"`   // every word of one group found, in any order
	Reply    string     `yaml:"reply"`    // the answer of action reply
}

// maxReplyBytes leaves room under WeChat's 2048-byte text reply for the
// mini-program link and the texts put before a reply.
const maxReplyBytes = 1500

// Chatbot intent actions.
var chatbotActions = map[string]bool{"reply": true, "subsidy": true, "jobs": true, "visits": true}

// LoadChatbotIntents reads the bot's data file at path, or the shipped one.
func LoadChatbotIntents(path string) (*ChatbotIntents, error) {
	const key = "XB_CHATBOT_INTENTS_FILE"
	raw := defaultChatbotIntents
	if path != "" {
		var err error
		if raw, err = os.ReadFile(path); err != nil {
			return nil, &Error{Key: key, Reason: err.Error()}
		}
	}
	var doc ChatbotIntents
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, &Error{Key: key, Reason: "not a valid intents file: " + err.Error()}
	}
	if err := doc.check(); err != nil {
		return nil, &Error{Key: key, Reason: err.Error()}
	}
	return &doc, nil
}

func (d *ChatbotIntents) check() error {
	var errs []error
	t := d.Texts
	for name, v := range map[string]string{"welcome": t.Welcome, "busy": t.Busy, "not_understood": t.NotUnderstood, "unsupported": t.Unsupported,
		"voice_unclear": t.VoiceUnclear, "need_binding": t.NeedBinding, "not_household": t.NotHousehold,
		"not_cadre": t.NotCadre, "link_text": t.LinkText} {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Errorf("texts.%s is required", name))
		}
	}
	names, clicks := map[string]bool{}, map[string]bool{}
	for i, in := range d.Intents {
		where := fmt.Sprintf("intents[%d] %s", i, in.Name)
		if in.Name == "" || names[in.Name] {
			errs = append(errs, fmt.Errorf("%s: a unique name is required", where))
		}
		names[in.Name] = true
		if in.Action == "" {
			d.Intents[i].Action = "reply"
		} else if !chatbotActions[in.Action] {
			errs = append(errs, fmt.Errorf("%s: action %q: want reply, subsidy, jobs or visits", where, in.Action))
		}
		if d.Intents[i].Action == "reply" && strings.TrimSpace(in.Reply) == "" {
			errs = append(errs, fmt.Errorf("%s: action reply needs a reply", where))
		}
		if len(in.Reply) > maxReplyBytes {
			errs = append(errs, fmt.Errorf("%s: the reply is %d bytes; WeChat cuts text replies at 2048, so keep it under %d",
				where, len(in.Reply), maxReplyBytes))
		}
		if in.Click != "" {
			if clicks[in.Click] || len(in.Click) > 128 {
				errs = append(errs, fmt.Errorf("%s: click key %q is used twice or longer than 128 bytes", where, in.Click))
			}
			clicks[in.Click] = true
		}
		if len(in.Keywords)+len(in.Exact)+len(in.Combos) == 0 && in.Click == "" {
			errs = append(errs, fmt.Errorf("%s: nothing asks for it (no keywords, exact, combos or click)", where))
		}
		for _, w := range append(append([]string(nil), in.Keywords...), in.Exact...) {
			if strings.TrimSpace(w) == "" {
				errs = append(errs, fmt.Errorf("%s: an empty keyword", where))
			}
		}
		for _, c := range in.Combos {
			if len(c) < 2 {
				errs = append(errs, fmt.Errorf("%s: a combo needs at least two words", where))
			}
		}
	}
	for _, need := range []string{"help", "bind"} {
		if !names[need] {
			errs = append(errs, fmt.Errorf("an intent named %q is required (the bot falls back on it)", need))
		}
	}
	if len(errs) == 0 && len(d.Intents) == 0 {
		errs = append(errs, errors.New("no intents"))
	}
	return errors.Join(errs...)
}
