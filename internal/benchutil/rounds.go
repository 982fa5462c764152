// Copyright ©2026 The rgflow Authors. All rights reserved.

package benchutil

// Order returns the order in which n sides run in the given round: side
// round mod n first, then the others cyclically. Over n consecutive rounds
// every side runs once in every position.
func Order(round, n int) []int {
	o := make([]int, n)
	for k := range o {
		o[k] = (k + round) % n
	}
	return o
}

// Run runs rounds rounds of n sides, calling side(r, i) for every side i of
// round r in the order Order(r, n), and stops at the first error.
func Run(rounds, n int, side func(round, i int) error) error {
	for r := 0; r < rounds; r++ {
		for _, i := range Order(r, n) {
			if err := side(r, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// Round runs the sides of one round in the order Order(round, len(sides))
// and stops at the first error.
func Round(round int, sides ...func() error) error {
	for _, i := range Order(round, len(sides)) {
		if err := sides[i](); err != nil {
			return err
		}
	}
	return nil
}
