// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"fmt"
	"strings"
)

// The enumerations of the package (Basis, Coupling, Variables, ZeroMode,
// Coarsening, SDEMethod) number their values from 0 and name them by a
// list: enumName and parseEnum are their String and Parse methods.

// enumName returns names[v], or "typ(v)" for a value without a name.
func enumName(typ string, v int, names ...string) string {
	if v >= 0 && v < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, v)
}

// parseEnum returns the value named s: its index in names, or the value
// aliases gives it. The error names what is parsed and the allowed names.
func parseEnum(what, s string, names []string, aliases map[string]int) (int, error) {
	for v, n := range names {
		if s == n {
			return v, nil
		}
	}
	if v, ok := aliases[s]; ok {
		return v, nil
	}
	return 0, fmt.Errorf("erg: %s %q: allowed %s", what, s, strings.Join(names, ", "))
}
