// Copyright ©2026 The rgflow Authors. All rights reserved.

package schema

import (
	"fmt"
	"path"
	"slices"
	"sort"

	"rgflow/internal/h5io"
)

// object is a group or dataset of the file being checked, with what the
// rules need of it.
type object struct {
	h5io.Object
	key   string   // the path as the rules match it: the root is ""
	attrs []string // attribute names
}

// Check walks every group, dataset and attribute of f and returns one
// error per problem, each naming the path: an object or attribute that no
// rule describes, and a required rule that an object of the file lacks.
func (s *Schema) Check(f *h5io.File) ([]error, error) {
	objs, err := f.Objects()
	if err != nil {
		return nil, err
	}
	all := make([]object, len(objs))
	labels := map[string]map[string]bool{} // group → the axis labels of its datasets
	for i, o := range objs {
		all[i] = object{Object: o, key: o.Path}
		if o.Path == "/" {
			all[i].key = ""
		}
		if all[i].attrs, err = f.AttrNames(o.Path); err != nil {
			return nil, err
		}
		if o.Group {
			continue
		}
		d, err := f.OpenDataset(o.Path)
		if err != nil {
			return nil, err
		}
		g := path.Dir(o.Path)
		for axis := range d.Shape() {
			if l, err := d.Label(axis); err == nil && l != "" {
				if labels[g] == nil {
					labels[g] = map[string]bool{}
				}
				labels[g][l] = true
			}
		}
	}
	var probs []error
	for _, o := range all {
		if !s.described(o, labels) {
			kind := "dataset"
			if o.Group {
				kind = "group"
			}
			probs = append(probs, fmt.Errorf("%s %s: not in the schema", kind, o.Path))
		}
		for _, a := range o.attrs {
			if !s.attrDescribed(o, a) {
				probs = append(probs, fmt.Errorf("attribute %s@%s: not in the schema", o.key, a))
			}
		}
		if hasAttr(o, "units") && !o.Group {
			var u string
			if err := f.Attr(o.Path, "units", &u); err != nil || !slices.Contains(s.Units, u) {
				probs = append(probs, fmt.Errorf("attribute %s@units = %q (%v): not one of the page's units %q", o.key, u, err, s.Units))
			}
		}
	}
	probs = append(probs, s.missing(all)...)
	sort.Slice(probs, func(i, j int) bool { return probs[i].Error() < probs[j].Error() })
	return probs, nil
}

// described reports whether a rule names o, a rule names something inside
// the group o, or o is a dimension of its group's labelled axes.
func (s *Schema) described(o object, labels map[string]map[string]bool) bool {
	if o.key == "" {
		return true
	}
	for _, r := range s.Rules {
		if r.deep {
			continue
		}
		if r.Attr == "" && r.Group == o.Group && r.obj.MatchString(o.key) {
			return true
		}
		if o.Group && r.within(o.key) {
			return true
		}
	}
	return !o.Group && labels[path.Dir(o.Path)][path.Base(o.Path)] && (o.DimOnly || hasAttr(o, "copy_of"))
}

// within reports whether the rule describes something strictly below the
// group g (so that g itself is part of the layout).
func (r Rule) within(g string) bool {
	for _, re := range r.prefixes {
		if re.MatchString(g) {
			return true
		}
	}
	return false
}

func hasAttr(o object, name string) bool {
	for _, a := range o.attrs {
		if a == name {
			return true
		}
	}
	return false
}

func (s *Schema) attrDescribed(o object, a string) bool {
	for _, r := range s.Rules {
		if r.Attr == "" || (r.Group && !o.Group) {
			continue
		}
		if r.obj.MatchString(o.key) && r.attr.MatchString(a) {
			return true
		}
	}
	return false
}

// missing returns the required rules that an object of the file lacks.
func (s *Schema) missing(all []object) []error {
	var probs []error
	for _, r := range s.Rules {
		if !r.Required {
			continue
		}
		for _, o := range all {
			if r.Attr != "" {
				if (r.Group && !o.Group) || !r.obj.MatchString(o.key) {
					continue
				}
				found := false
				for _, a := range o.attrs {
					found = found || r.attr.MatchString(a)
				}
				if !found {
					probs = append(probs, fmt.Errorf("attribute %s@%s: required by the schema (line %d), missing", o.key, r.Attr, r.Line))
				}
				continue
			}
			if !o.Group || !r.parent.MatchString(o.key) {
				continue
			}
			found := false
			for _, c := range all {
				found = found || (c.Group == r.Group && path.Dir(c.Path) == o.Path && c.Path != o.Path && r.last.MatchString(path.Base(c.Path)))
			}
			if !found {
				probs = append(probs, fmt.Errorf("%s/%s: required by the schema (line %d), missing", o.key, r.comps[len(r.comps)-1], r.Line))
			}
		}
	}
	return probs
}
