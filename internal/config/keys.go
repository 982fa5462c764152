// Copyright ©2026 The rgflow Authors. All rights reserved.

package config

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Key is one configuration key of a struct.
type Key struct {
	Name    string // dotted key, e.g. "lattice.dims"
	Help    string // the field's help tag
	Default any    // the value in the defaults
	Env     string // its environment variable
	isMap   bool
}

// Keys lists the keys of defaults' struct type in declaration order, with
// the values of defaults. It panics on a struct that viper cannot map
// faithfully (an upper-case or duplicate key): a programmer error.
func Keys[T any](defaults T) []Key {
	v := reflect.ValueOf(defaults)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		panic(fmt.Sprintf("config: configuration type %T is not a struct", defaults))
	}
	var keys []Key
	seen := map[string]bool{}
	walk(v, "", func(k Key) {
		if seen[k.Name] {
			panic(fmt.Sprintf("config: duplicate key %q in %T", k.Name, defaults))
		}
		seen[k.Name] = true
		keys = append(keys, k)
	})
	return keys
}

type field struct {
	name   string
	squash bool
	help   string
	v      reflect.Value
}

func fields(v reflect.Value) []field {
	t := v.Type()
	var out []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("mapstructure")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		squash := strings.Contains(opts, "squash")
		if name == "" && !squash {
			name = strings.ToLower(sf.Name)
		}
		if name != strings.ToLower(name) {
			panic(fmt.Sprintf("config: key %q of %v: keys must be lower case (viper folds case)", name, t))
		}
		out = append(out, field{name: name, squash: squash, help: sf.Tag.Get("help"), v: v.Field(i)})
	}
	return out
}

func walk(v reflect.Value, prefix string, emit func(Key)) {
	for _, f := range fields(v) {
		if f.squash {
			walk(f.v, prefix, emit)
			continue
		}
		name := prefix + f.name
		if f.v.Kind() == reflect.Struct {
			walk(f.v, name+".", emit)
			continue
		}
		emit(Key{Name: name, Help: f.help, Default: f.v.Interface(), Env: EnvName(name), isMap: f.v.Kind() == reflect.Map})
	}
}

// YAML renders cfg in struct order, each key preceded by its help as a
// comment. Load reads it back (Sources.Base) to the same value.
func YAML[T any](cfg T) (string, error) {
	v := reflect.ValueOf(cfg)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	n, err := node(v)
	if err != nil {
		return "", err
	}
	b, err := yaml.Marshal(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}})
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func node(v reflect.Value) (*yaml.Node, error) {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, f := range fields(v) {
		if f.squash {
			sub, err := node(f.v)
			if err != nil {
				return nil, err
			}
			m.Content = append(m.Content, sub.Content...)
			continue
		}
		k := &yaml.Node{Kind: yaml.ScalarNode, Value: f.name, HeadComment: f.help}
		var val *yaml.Node
		if f.v.Kind() == reflect.Struct {
			var err error
			if val, err = node(f.v); err != nil {
				return nil, err
			}
		} else {
			val = &yaml.Node{}
			if err := val.Encode(f.v.Interface()); err != nil {
				return nil, fmt.Errorf("config: render %s: %w", f.name, err)
			}
			if val.Kind == yaml.SequenceNode {
				val.Style = yaml.FlowStyle
			}
		}
		m.Content = append(m.Content, k, val)
	}
	return m, nil
}
