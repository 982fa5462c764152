// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

import (
	"strings"
	"unicode/utf8"
)

// The attribute conventions of the tools people open these files with
// (xarray, ncview, Panoply: the CF conventions' units and long_name). Every
// dataset with a description also gets a long_name, the short label those
// tools put on an axis or a colour bar, and its units are a string UDUNITS
// parses. rgflow computes in lattice units (spacing a = 1), where lengths,
// momenta and fields are pure numbers, and measures information in nats,
// which UDUNITS does not know: such datasets have units "1" and keep the
// unit in words in the attribute units_text ("lattice units^-2", "nats").
//
// The root attribute Conventions names these rules. The files are not
// CF-conformant as a whole (attribute names with spaces in /checks and
// /timing, compound complex and enum bool types, per-group coordinate
// copies), so the value is rgflow's own, documented in docs/hdf5-schema.md.

// Conventions is the value of the root attribute Conventions.
const Conventions = "rgflow-1"

// UnitsText is the attribute that keeps a unit UDUNITS does not parse, in
// words, beside units = "1".
const UnitsText = "units_text"

// LongNameMax bounds the runes of a long_name taken from a description.
const LongNameMax = 72

// CFUnits returns the UDUNITS form of a unit as rgflow's writers name it,
// and the words to keep in units_text ("" when units says it all): the
// lattice units and their powers and nats become "1".
func CFUnits(u string) (units, text string) {
	switch {
	case u == "nats", u == "nat":
		return "1", "nats"
	case u == "lattice units", strings.HasPrefix(u, "lattice units^"):
		return "1", u
	}
	return u, ""
}

// LongName returns a short label for a dataset named name from its
// description: the description up to its first explanation (": ", "; ",
// ", " or " (" outside brackets, once the label has a few words, and not
// where a formula or phrase goes on), at most LongNameMax runes; "its
// standard error" and the like name the dataset they belong to.
func LongName(name, desc string) string {
	desc = strings.TrimSpace(desc)
	rest, its := strings.CutPrefix(desc, "its ")
	if its {
		desc = rest
	}
	s := desc[:explanation(desc)]
	if its {
		base := name
		for _, suf := range []string{"_error", "_z", "_difference"} {
			base = strings.TrimSuffix(base, suf)
		}
		s += " of " + base
	}
	if utf8.RuneCountInString(s) > LongNameMax {
		r := []rune(s)[:LongNameMax-1]
		s = string(r)
		if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
			s = s[:i]
		}
		s += "…"
	}
	return s
}

// explanation returns the byte offset where the name part of a
// description ends (len(desc) if nowhere).
func explanation(desc string) int {
	depth := 0
	for i, r := range desc {
		switch r {
		case '(', '[', '{', '⟨':
			if depth == 0 && i >= 12 && strings.HasPrefix(desc[i-1:], " (") && !continues(desc[:i-1]) {
				return i - 1
			}
			depth++
		case ')', ']', '}', '⟩':
			depth--
		case ':', ';', ',':
			if depth == 0 && i >= 12 && strings.HasPrefix(desc[i+1:], " ") && !continues(desc[:i]) {
				return i
			}
		}
	}
	return len(desc)
}

// continues reports whether text ends where a label cannot: in the middle
// of a formula (an operator) or of a phrase (a preposition).
func continues(text string) bool {
	f := strings.Fields(text)
	if len(f) == 0 {
		return true
	}
	switch f[len(f)-1] {
	case "=", "+", "−", "-", "×", "of", "over", "to", "in", "at", "by", "with", "and", "the", "a":
		return true
	}
	return strings.Count(text, "=") > 0 && strings.HasSuffix(strings.TrimSpace(text), "=")
}
