// Copyright ©2026 The rgflow Authors. All rights reserved.

package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// EnvPrefix is the prefix of configuration environment variables.
const EnvPrefix = "RGFLOW"

// Run holds the settings every run has. Embed it in an experiment's
// configuration with `mapstructure:",squash"`.
type Run struct {
	Out  string `mapstructure:"out" help:"HDF5 file to write; the .xmf sidecar and PNG plots go beside it"`
	Seed uint64 `mapstructure:"seed" help:"run seed; 0 draws one at random at start and records it in the file"`
}

// RunSettings returns r; through embedding, it gives generic code access to
// the Run of any experiment configuration.
func (r *Run) RunSettings() *Run { return r }

// Validator is implemented by configurations that can check themselves.
// Validate returns nil or the error of Problems.Err, listing every problem.
type Validator interface {
	Validate() error
}

// Sources are the layers above the defaults, lowest first.
type Sources struct {
	Base  []byte   // stored YAML (a run file's config attribute), or nil
	Files []string // configuration files, YAML (.yaml, .yml) or TOML (.toml)
	Sets  []string // key=value settings, applied in order
	// Environ is the environment to scan for unknown RGFLOW_ variables
	// (os.Environ() when nil). The values themselves are read by viper
	// from the process environment.
	Environ []string
	// Sections are top-level sections of the configuration files that
	// belong to another reader, not to T (the command line's "sweep"): Load
	// neither checks nor decodes them. Read one with Section.
	Sections []string
}

// Result is a resolved configuration and what was noticed on the way.
type Result[T any] struct {
	Config   T
	Warnings []string // e.g. RGFLOW_ variables that name no key
}

// Load resolves the configuration of type T from defaults and src (see the
// package documentation for the precedence) and validates it. Errors name
// the key, the value and the source; a validation failure is an *Invalid.
func Load[T any](defaults T, src Sources) (Result[T], error) {
	var res Result[T]
	keys := Keys(defaults)
	known := map[string]Key{}
	for _, k := range keys {
		known[k.Name] = k
	}
	v := viper.New()
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	for _, k := range keys {
		v.SetDefault(k.Name, k.Default)
		if err := v.BindEnv(k.Name); err != nil {
			return res, fmt.Errorf("config: bind %s: %w", k.Name, err)
		}
	}
	origin := origins{}
	if src.Base != nil {
		if err := origin.note(src.Base, "yaml", "the stored configuration"); err != nil {
			return res, err
		}
		if err := checkKeys(src.Base, "yaml", "the stored configuration", known); err != nil {
			return res, err
		}
		v.SetConfigType("yaml")
		if err := v.MergeConfig(bytes.NewReader(src.Base)); err != nil {
			return res, fmt.Errorf("config: the stored configuration: %w", err)
		}
	}
	for _, file := range src.Files {
		typ, err := fileType(file)
		if err != nil {
			return res, err
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return res, fmt.Errorf("config: %w", err)
		}
		if err := checkKeys(data, typ, file, known, src.Sections...); err != nil {
			return res, err
		}
		if err := origin.note(data, typ, "file "+file); err != nil {
			return res, err
		}
		if err := mergeFile(v, data, typ, file, src.Sections); err != nil {
			return res, err
		}
	}
	environ := src.Environ
	if environ == nil {
		environ = os.Environ()
	}
	res.Warnings = unknownEnv(environ, keys)
	for _, k := range keys {
		if val, ok := os.LookupEnv(EnvName(k.Name)); ok && val != "" {
			origin[k.Name] = "environment variable " + EnvName(k.Name)
		}
	}
	for _, s := range src.Sets {
		name, val, ok := strings.Cut(s, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || name == "" {
			return res, fmt.Errorf("config: --set %q: want key=value", s)
		}
		if _, ok := known[name]; !ok && !underMap(name, keys) {
			return res, fmt.Errorf("config: --set %s: unknown key%s", name, suggest(name, keys))
		}
		v.Set(name, parseValue(val))
		origin[name] = "--set " + s
	}
	var cfg T
	if err := v.UnmarshalExact(&cfg, strict); err != nil {
		return res, decodeError(err, v, origin)
	}
	res.Config = cfg
	if err := validate(&res.Config); err != nil {
		return res, err
	}
	return res, nil
}

var quotedKey = regexp.MustCompile(`'([a-z0-9_.]+)(\[[0-9]+\])?'`)

// strict decodes values without mapstructure's weak typing: a bool is not
// a number, a single value is not a list, and a string (from the
// environment, or an element of "64,64") must parse as the key's type.
func strict(c *mapstructure.DecoderConfig) {
	c.WeaklyTypedInput = false
	c.DecodeHook = mapstructure.ComposeDecodeHookFunc(
		mapstructure.StringToTimeDurationHookFunc(),
		stringToList,
		stringToScalar,
		scalarToString,
		singleToList,
		integralHook,
	)
}

// origins records which layer gave each key its value: "file x.yaml",
// "environment variable RGFLOW_X", "--set x=1", "the stored configuration".
type origins map[string]string

// note records the keys of one configuration layer as coming from where.
func (o origins) note(data []byte, typ, where string) error {
	fv := viper.New()
	fv.SetConfigType(typ)
	if err := fv.ReadConfig(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("config: %s: %w", where, err)
	}
	for _, k := range fv.AllKeys() {
		o[k] = where
	}
	return nil
}

// of returns where key got its value, or "the defaults".
func (o origins) of(key string) string {
	for k := key; k != ""; {
		if w, ok := o[k]; ok {
			return w
		}
		i := strings.LastIndex(k, ".")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return "the defaults"
}

// decodeError rewrites mapstructure's message to name the key, the value
// given and where it came from.
func decodeError(err error, v *viper.Viper, origin origins) error {
	msg := strings.TrimSpace(strings.ReplaceAll(err.Error(), "decoding failed due to the following error(s):\n\n", ""))
	var parts []string
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if m := quotedKey.FindStringSubmatch(line); m != nil && v.IsSet(m[1]) {
			line += fmt.Sprintf(" (value given: %s, from %s)", show(v.Get(m[1])), origin.of(m[1]))
		}
		parts = append(parts, line)
	}
	return fmt.Errorf("config: bad value: %s", strings.Join(parts, "; "))
}

func validate(cfg any) error {
	if val, ok := cfg.(Validator); ok {
		return val.Validate()
	}
	if val, ok := reflect.ValueOf(cfg).Elem().Interface().(Validator); ok {
		return val.Validate()
	}
	return nil
}

func fileType(file string) (string, error) {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".yaml", ".yml":
		return "yaml", nil
	case ".toml":
		return "toml", nil
	}
	return "", fmt.Errorf("config: %s: unknown configuration format %q (allowed: .yaml, .yml, .toml)", file, filepath.Ext(file))
}

// parseValue reads a --set value as a YAML scalar or flow sequence; text
// that is not valid YAML stays a string.
func parseValue(s string) any {
	var v any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil || v == nil {
		return s
	}
	switch v.(type) {
	case map[string]any:
		return s
	}
	return v
}

// mergeFile merges one configuration file into v, leaving out the top-level
// sections that belong to another reader.
func mergeFile(v *viper.Viper, data []byte, typ, file string, sections []string) error {
	fv := viper.New()
	fv.SetConfigType(typ)
	if err := fv.ReadConfig(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("config: %s: %w", file, err)
	}
	skip := false
	for _, s := range sections {
		skip = skip || fv.InConfig(s)
	}
	if !skip {
		v.SetConfigType(typ)
		if err := v.MergeConfig(bytes.NewReader(data)); err != nil {
			return fmt.Errorf("config: %s: %w", file, err)
		}
		return nil
	}
	m := fv.AllSettings()
	for _, s := range sections {
		delete(m, s)
	}
	if err := v.MergeConfigMap(m); err != nil {
		return fmt.Errorf("config: %s: %w", file, err)
	}
	return nil
}

// Section decodes the top-level section name of the configuration files
// (later files override earlier ones, as in Load) into dst, a pointer to a
// struct with mapstructure tags, and reports whether any file has the
// section. A key that dst lacks is an error naming it. The environment and
// --set do not reach sections.
func Section(files []string, name string, dst any) (found bool, err error) {
	v := viper.New()
	for _, file := range files {
		typ, err := fileType(file)
		if err != nil {
			return false, err
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return false, fmt.Errorf("config: %w", err)
		}
		v.SetConfigType(typ)
		if err := v.MergeConfig(bytes.NewReader(data)); err != nil {
			return false, fmt.Errorf("config: %s: %w", file, err)
		}
		found = found || v.InConfig(name)
	}
	if !found {
		return false, nil
	}
	sub := v.Get(name)
	if _, ok := sub.(map[string]any); !ok {
		return true, fmt.Errorf("config: %s: want a section of keys, got %s", name, show(sub))
	}
	err = v.UnmarshalKey(name, dst, strict, func(c *mapstructure.DecoderConfig) { c.ErrorUnused = true })
	if err != nil {
		msg := strings.TrimSpace(strings.ReplaceAll(err.Error(), "decoding failed due to the following error(s):\n\n", ""))
		msg = strings.ReplaceAll(msg, "\n", "; ")
		return true, fmt.Errorf("config: section %s of %s: %s", name, strings.Join(files, ", "), msg)
	}
	return true, nil
}

// checkKeys parses one layer on its own and reports keys the struct lacks,
// leaving out the keys under sections.
func checkKeys(data []byte, typ, where string, known map[string]Key, sections ...string) error {
	fv := viper.New()
	fv.SetConfigType(typ)
	if err := fv.ReadConfig(bytes.NewReader(data)); err != nil {
		return fmt.Errorf("config: %s: %w", where, err)
	}
	keys := make([]Key, 0, len(known))
	for _, k := range known {
		keys = append(keys, k)
	}
	var bad []string
	for _, k := range fv.AllKeys() {
		if inSection(k, sections) {
			continue
		}
		if _, ok := known[k]; !ok && !underMap(k, keys) {
			bad = append(bad, fmt.Sprintf("unknown key %q%s", k, suggest(k, keys)))
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("config: %s: %s", where, strings.Join(bad, "; "))
	}
	return nil
}

func inSection(k string, sections []string) bool {
	for _, s := range sections {
		if k == s || strings.HasPrefix(k, s+".") {
			return true
		}
	}
	return false
}

// underMap reports whether name lies inside a key whose value is a map.
func underMap(name string, keys []Key) bool {
	for _, k := range keys {
		if k.isMap && strings.HasPrefix(name, k.Name+".") {
			return true
		}
	}
	return false
}

// EnvName returns the environment variable of a key.
func EnvName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

func unknownEnv(environ []string, keys []Key) []string {
	names := map[string]bool{}
	for _, k := range keys {
		names[EnvName(k.Name)] = true
	}
	var w []string
	for _, e := range environ {
		name, _, _ := strings.Cut(e, "=")
		if strings.HasPrefix(name, EnvPrefix+"_") && !names[name] {
			w = append(w, fmt.Sprintf("environment variable %s names no configuration key; ignored%s", name, suggestEnv(name, keys)))
		}
	}
	sort.Strings(w)
	return w
}

// suggest returns ` (did you mean "x"?)` for the nearest known key within
// a small edit distance, or a list of the keys when none is near.
func suggest(name string, keys []Key) string {
	best, bd := "", 1<<30
	for _, k := range keys {
		d := editDistance(name, k.Name)
		if strings.HasPrefix(k.Name, name) {
			d = 0 // a truncated key
		}
		if d < bd {
			best, bd = k.Name, d
		}
	}
	if best != "" && bd <= 2+len(name)/4 || strings.HasPrefix(best, name) && len(name) >= 3 {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	all := make([]string, len(keys))
	for i, k := range keys {
		all[i] = k.Name
	}
	return " (known keys: " + strings.Join(all, ", ") + ")"
}

// suggestEnv returns ` (did you mean X?)` for the variable of the nearest
// key, or "" when none is near.
func suggestEnv(name string, keys []Key) string {
	best, bd := "", 1<<30
	for _, k := range keys {
		if d := editDistance(name, EnvName(k.Name)); d < bd {
			best, bd = EnvName(k.Name), d
		}
	}
	if best != "" && bd <= 2+(len(name)-len(EnvPrefix)-1)/4 {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// integralHook refuses to truncate a non-integral number into an integer.
func integralHook(f, t reflect.Type, data any) (any, error) {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	default:
		return data, nil
	}
	switch x := data.(type) {
	case float64:
		if x != float64(int64(x)) {
			return nil, fmt.Errorf("%v is not an integer", x)
		}
	case float32:
		if x != float32(int64(x)) {
			return nil, fmt.Errorf("%v is not an integer", x)
		}
	}
	if t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64 {
		switch x := data.(type) {
		case int:
			if x < 0 {
				return nil, fmt.Errorf("%d is negative; allowed ≥ 0", x)
			}
		case int64:
			if x < 0 {
				return nil, fmt.Errorf("%d is negative; allowed ≥ 0", x)
			}
		}
	}
	return data, nil
}

// stringToList splits "16,16" into a list for slice-typed keys.
func stringToList(f, t reflect.Type, data any) (any, error) {
	if f.Kind() != reflect.String || t.Kind() != reflect.Slice {
		return data, nil
	}
	s := strings.TrimSpace(data.(string))
	if s == "" {
		return []string{}, nil
	}
	if strings.HasPrefix(s, "[") {
		var v []any
		if err := yaml.Unmarshal([]byte(s), &v); err != nil {
			return nil, fmt.Errorf("%q is not a list: %v", s, err)
		}
		return v, nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts, nil
}

// stringToScalar parses a string (an environment variable, an element of
// "64,64") as the number or bool the key takes.
func stringToScalar(f, t reflect.Type, data any) (any, error) {
	if f.Kind() != reflect.String {
		return data, nil
	}
	s := strings.TrimSpace(data.(string))
	switch t.Kind() {
	case reflect.Bool:
		switch strings.ToLower(s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a bool (allowed: true, false)", s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		if u, err := strconv.ParseUint(s, 10, 64); err == nil {
			return u, nil
		}
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			return x, nil // integralHook refuses a fraction
		}
		return nil, fmt.Errorf("%q is not an integer", s)
	case reflect.Float32, reflect.Float64:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return x, nil
	}
	return data, nil
}

// scalarToString keeps a number or bool given for a string key as its text
// (--set name=2024 parses as a number).
func scalarToString(f, t reflect.Type, data any) (any, error) {
	if t.Kind() != reflect.String {
		return data, nil
	}
	switch f.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return fmt.Sprint(data), nil
	}
	return data, nil
}

// singleToList refuses a single value for a list key, showing the list form.
func singleToList(f, t reflect.Type, data any) (any, error) {
	if t.Kind() != reflect.Slice || data == nil {
		return data, nil
	}
	switch f.Kind() {
	case reflect.Slice, reflect.Array, reflect.String:
		return data, nil
	}
	return nil, fmt.Errorf("a single value (%s) where a list is expected: write it as a list, e.g. [%s] (YAML, --set) or %s (environment)", show(data), show(data), show(data))
}

// Problem is one thing wrong with a configuration.
type Problem struct {
	Key     string // e.g. "lattice.dims"
	Value   any    // the value given
	Allowed string // what is allowed, e.g. "every extent ≥ 1"
}

func (p Problem) String() string {
	return fmt.Sprintf("%s = %s: %s", p.Key, show(p.Value), p.Allowed)
}

func show(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case nil:
		return "(unset)"
	}
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	flow(&n)
	b, err := yaml.Marshal(&n)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := strings.TrimSpace(string(b))
	if strings.Contains(s, "\n") {
		return fmt.Sprint(v)
	}
	return s
}

func flow(n *yaml.Node) {
	if n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode {
		n.Style = yaml.FlowStyle
	}
	for _, c := range n.Content {
		flow(c)
	}
}

// Problems collects validation problems; the zero value is ready to use.
type Problems struct {
	list []Problem
}

// Add records a problem.
func (p *Problems) Add(key string, value any, allowed string) {
	p.list = append(p.list, Problem{Key: key, Value: value, Allowed: allowed})
}

// Check records a problem when ok is false.
func (p *Problems) Check(ok bool, key string, value any, allowed string) {
	if !ok {
		p.Add(key, value, allowed)
	}
}

// Err returns nil when no problem was recorded, else an *Invalid.
func (p *Problems) Err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &Invalid{Problems: append([]Problem(nil), p.list...)}
}

// Invalid is the error of a configuration that failed validation.
type Invalid struct {
	Problems []Problem
}

func (e *Invalid) Error() string {
	var b strings.Builder
	if len(e.Problems) == 1 {
		b.WriteString("config: invalid setting: ")
		b.WriteString(e.Problems[0].String())
		return b.String()
	}
	fmt.Fprintf(&b, "config: %d invalid settings:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// IsInvalid reports whether err is (or wraps) an *Invalid.
func IsInvalid(err error) bool {
	var inv *Invalid
	return errors.As(err, &inv)
}
