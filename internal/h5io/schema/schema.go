// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package schema checks an HDF5 file against the layout that
// docs/hdf5-schema.md documents. The page's fenced blocks marked `schema`
// are the machine-readable part of it: one rule per line, read here, so the
// page and the check cannot drift apart. A line is a path pattern:
//
//	/lattice/              a group (trailing /)
//	/lattice/khat2         a dataset
//	/lattice@dims          an attribute of the object /lattice
//	/@schema_version       an attribute of the root group
//	/ensemble/<name>/fields, /flow/<scheme>/w2_{analytic,estimate}
//	/**@units              ** is any number of path components
//
// <word> matches one path component (for an attribute, any name), {a,b}
// either alternative, ** any depth. A line ending in " ?" is optional;
// every other line is required: whenever the object a rule belongs to is
// in the file (its parent group, or for an attribute its object), the rule
// must find a match there. Rules with ** are always optional. Text after
// "#" is a comment.
//
// Beside the rules, the page's convention for the netCDF view is built in:
// a dataset that is a dimension scale named after an axis label used in its
// own group (a coordinate copy, attribute copy_of, or a netCDF dimension
// without a variable) is described wherever it appears.
package schema

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

// Rule is one line of a schema block.
type Rule struct {
	Text     string // the line as written
	Line     int    // its line number in the page
	Attr     string // the attribute pattern, "" for a group or dataset rule
	Group    bool   // a group rule, or an attribute rule on groups only
	Required bool

	obj    *regexp.Regexp // the object's path ("" for the root)
	parent *regexp.Regexp // a group or dataset rule's parent group
	last   *regexp.Regexp // its last component
	attr   *regexp.Regexp
	deep   bool // the pattern has **

	comps    []string         // the path's component patterns
	prefixes []*regexp.Regexp // the groups above the object: its proper prefixes, root excluded
}

// Schema is the set of rules of a page and the names its prose mentions.
type Schema struct {
	Rules []Rule
	Units []string        // the values a units attribute may hold (the page's units block)
	prose map[string]bool // every backticked word outside the schema blocks
}

// Load reads the page at path.
func Load(path string) (*Schema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

var ticked = regexp.MustCompile("`([^`]+)`")

// Parse reads the rules of the schema blocks of a Markdown page.
func Parse(md []byte) (*Schema, error) {
	s := &Schema{prose: map[string]bool{}}
	sc := bufio.NewScanner(bytes.NewReader(md))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	in, units, n := false, false, 0
	for sc.Scan() {
		n++
		line := sc.Text()
		t := strings.TrimSpace(line)
		switch {
		case t == "```schema":
			in = true
			continue
		case t == "```units":
			units = true
			continue
		case (in || units) && t == "```":
			in, units = false, false
			continue
		case units:
			if t != "" {
				s.Units = append(s.Units, t)
			}
			continue
		case !in:
			for _, m := range ticked.FindAllStringSubmatch(line, -1) {
				for _, w := range strings.FieldsFunc(m[1], func(r rune) bool { return strings.ContainsRune("/@, ()", r) }) {
					s.prose[w] = true
				}
			}
			continue
		}
		if i := strings.Index(t, "#"); i >= 0 {
			t = strings.TrimSpace(t[:i])
		}
		if t == "" {
			continue
		}
		// Each alternative of a line is a rule: a required line requires
		// every one.
		for _, alt := range expand(t) {
			r, err := parseRule(alt, n)
			if err != nil {
				return nil, err
			}
			s.Rules = append(s.Rules, r)
		}
	}
	if in || units {
		return nil, fmt.Errorf("a schema or units block is not closed")
	}
	if len(s.Rules) == 0 {
		return nil, fmt.Errorf("no schema block")
	}
	return s, nil
}

func parseRule(t string, line int) (Rule, error) {
	r := Rule{Text: t, Line: line, Required: true}
	if p, ok := strings.CutSuffix(t, " ?"); ok {
		t, r.Required = strings.TrimSpace(p), false
	}
	if !strings.HasPrefix(t, "/") || strings.ContainsAny(t, " \t") {
		return r, fmt.Errorf("line %d: %q: a rule is one absolute path pattern, optionally followed by \" ?\"", line, r.Text)
	}
	path, attr, isAttr := strings.Cut(t, "@")
	if isAttr {
		if attr == "" {
			return r, fmt.Errorf("line %d: %q: empty attribute name", line, r.Text)
		}
		re, err := compile(attr, ".+")
		if err != nil {
			return r, fmt.Errorf("line %d: %w", line, err)
		}
		r.Attr, r.attr = attr, re
	}
	if strings.HasSuffix(path, "/") {
		r.Group = true
		path = strings.TrimSuffix(path, "/")
	} else if !isAttr && path == "" {
		return r, fmt.Errorf("line %d: %q: the root is a group (write /@name for its attributes)", line, r.Text)
	}
	comps := []string{}
	if path != "" {
		comps = strings.Split(path[1:], "/")
	}
	r.deep = slices.Contains(comps, "**")
	if r.deep {
		r.Required = false
	}
	var err error
	if r.obj, err = compilePath(comps); err != nil {
		return r, fmt.Errorf("line %d: %w", line, err)
	}
	r.comps = comps
	end := len(comps)
	if isAttr {
		end++ // an attribute's object is itself a group above what it describes
	}
	for k := 1; k < end && k <= len(comps); k++ {
		re, err := compilePath(comps[:k])
		if err != nil {
			return r, fmt.Errorf("line %d: %w", line, err)
		}
		r.prefixes = append(r.prefixes, re)
	}
	if !isAttr {
		if len(comps) == 0 {
			return r, fmt.Errorf("line %d: %q: no path", line, r.Text)
		}
		if r.parent, err = compilePath(comps[:len(comps)-1]); err != nil {
			return r, fmt.Errorf("line %d: %w", line, err)
		}
		if r.last, err = compile(comps[len(comps)-1], "[^/]+"); err != nil {
			return r, fmt.Errorf("line %d: %w", line, err)
		}
	}
	return r, nil
}

// compilePath turns path components into a regular expression over
// absolute paths, the root being "".
func compilePath(comps []string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for _, c := range comps {
		if c == "**" {
			b.WriteString("(?:/[^/]+)*")
			continue
		}
		if c == "" {
			return nil, fmt.Errorf("empty path component")
		}
		re, err := compile(c, "[^/]+")
		if err != nil {
			return nil, err
		}
		b.WriteString("/" + strings.TrimSuffix(strings.TrimPrefix(re.String(), "^"), "$"))
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// compile turns one component (or attribute name) pattern into a regular
// expression: <word> is wild, {a,b} alternatives, the rest literal.
func compile(c, wild string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for c != "" {
		switch c[0] {
		case '<':
			i := strings.IndexByte(c, '>')
			if i < 2 {
				return nil, fmt.Errorf("unclosed or empty <> in %q", c)
			}
			b.WriteString(wild)
			c = c[i+1:]
		case '{':
			i := strings.IndexByte(c, '}')
			if i < 0 {
				return nil, fmt.Errorf("unclosed {} in %q", c)
			}
			alts := strings.Split(c[1:i], ",")
			for k, a := range alts {
				alts[k] = regexp.QuoteMeta(a)
			}
			b.WriteString("(?:" + strings.Join(alts, "|") + ")")
			c = c[i+1:]
		default:
			i := strings.IndexAny(c, "<{")
			if i < 0 {
				i = len(c)
			}
			b.WriteString(regexp.QuoteMeta(c[:i]))
			c = c[i:]
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// Names returns the literal names a rule's last component (or attribute
// name) stands for, brace alternatives expanded; nil where it has a <word>.
func (r Rule) Names() []string {
	last := r.Attr
	if last == "" {
		c := strings.Split(strings.TrimSuffix(strings.SplitN(r.Text, " ", 2)[0], "/"), "/")
		last = c[len(c)-1]
	}
	if strings.Contains(last, "<") || last == "**" {
		return nil
	}
	return expand(last)
}

func expand(s string) []string {
	i := strings.IndexByte(s, '{')
	j := strings.IndexByte(s, '}')
	if i < 0 || j < i {
		return []string{s}
	}
	var out []string
	for _, a := range strings.Split(s[i+1:j], ",") {
		for _, rest := range expand(s[j+1:]) {
			out = append(out, s[:i]+a+rest)
		}
	}
	return out
}

// mentioned reports whether the prose shows the name n in backticks: as
// it is, matched by a backticked pattern with a <word> (`<term>_z`), or
// as a backticked name followed by a backticked suffix (`chi` … `_error`).
func (s *Schema) mentioned(n string) bool {
	if s.prose[n] {
		return true
	}
	for w := range s.prose {
		if strings.HasPrefix(w, "_") && strings.HasSuffix(n, w) && s.prose[strings.TrimSuffix(n, w)] {
			return true
		}
		if strings.Contains(w, "<") {
			if re, err := compile(w, "[^/]+"); err == nil && re.MatchString(n) {
				return true
			}
		}
	}
	return false
}

// Unmentioned lists the names of rules that the page's prose (its text
// outside the schema blocks) never shows in backticks: a rule the tables
// and their text do not explain.
func (s *Schema) Unmentioned() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range s.Rules {
		for _, n := range r.Names() {
			if !s.mentioned(n) && !seen[n] {
				seen[n] = true
				out = append(out, fmt.Sprintf("%s (line %d)", n, r.Line))
			}
		}
	}
	return out
}
