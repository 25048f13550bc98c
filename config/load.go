package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Load builds the configuration from defaults, the YAML file at path (when
// path is not empty) and the environment given by getenv (os.Getenv in the
// program, a map in tests), then validates it.
func Load(path string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	var errs []error
	eachField(c, func(f field) {
		if err := f.set(f.def); err != nil {
			panic(fmt.Sprintf("config: bad default for %s: %v", f.env, err)) // a programming error
		}
	})
	if path != "" {
		if err := c.loadYAML(path); err != nil {
			return nil, err
		}
	}
	eachField(c, func(f field) {
		if v := getenv(f.env); v != "" {
			if err := f.set(v); err != nil {
				errs = append(errs, &Error{Key: f.env, Reason: err.Error()})
			}
		}
	})
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Default returns the configuration with no file and no environment: what a
// fresh clone runs with.
func Default() *Config {
	c, err := Load("", func(string) string { return "" })
	if err != nil {
		panic(err)
	}
	return c
}

func (c *Config) loadYAML(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return &Error{Key: "--config", Reason: err.Error()}
	}
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return &Error{Key: "--config", Reason: "not valid YAML: " + err.Error()}
	}
	known := map[string]field{}
	eachField(c, func(f field) { known[f.yaml] = f })
	var errs []error
	for key, node := range doc {
		f, ok := known[key]
		if !ok {
			errs = append(errs, &Error{Key: key, Reason: "unknown key in " + path})
			continue
		}
		value := node.Value
		if node.Kind == yaml.SequenceNode {
			var items []string
			for _, n := range node.Content {
				items = append(items, n.Value)
			}
			value = strings.Join(items, ",")
		}
		if err := f.set(value); err != nil {
			errs = append(errs, &Error{Key: key, Reason: err.Error()})
		}
	}
	return errors.Join(errs...)
}

// field is one settable configuration value with its tags.
type field struct {
	env, yaml, def, help string
	secret               bool
	v                    reflect.Value
}

func eachField(c *Config, fn func(field)) {
	rv := reflect.ValueOf(c).Elem()
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		sf := rt.Field(i)
		fn(field{
			env: sf.Tag.Get("env"), yaml: sf.Tag.Get("yaml"), def: sf.Tag.Get("default"),
			help: sf.Tag.Get("help"), secret: sf.Tag.Get("secret") == "true", v: rv.Field(i),
		})
	}
}

var (
	durationType = reflect.TypeOf(time.Duration(0))
	bytesType    = reflect.TypeOf(Bytes(0))
)

func (f field) set(s string) error {
	s = strings.TrimSpace(s)
	switch {
	case f.v.Type() == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration (examples: 30s, 5m, 12h)", s)
		}
		f.v.SetInt(int64(d))
	case f.v.Type() == bytesType:
		b, err := ParseBytes(s)
		if err != nil {
			return err
		}
		f.v.SetInt(int64(b))
	case f.v.Kind() == reflect.String:
		f.v.SetString(s)
	case f.v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		f.v.SetBool(b)
	case f.v.Kind() == reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		f.v.SetInt(int64(n))
	case f.v.Kind() == reflect.Slice:
		var items []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				items = append(items, p)
			}
		}
		f.v.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("unsupported type %s", f.v.Type())
	}
	return nil
}

// String prints the field's current value the way it would be written.
func (f field) String() string {
	switch x := f.v.Interface().(type) {
	case []string:
		return strings.Join(x, ",")
	default:
		return fmt.Sprint(x)
	}
}

// Keys describes every key for the README's table and `xiangbang config`.
type Key struct {
	Env, YAML, Default, Help string
	Secret                   bool
}

// Keys lists every configuration key in declaration order.
func Keys() []Key {
	var keys []Key
	eachField(&Config{}, func(f field) {
		keys = append(keys, Key{Env: f.env, YAML: f.yaml, Default: f.def, Help: f.help, Secret: f.secret})
	})
	return keys
}
