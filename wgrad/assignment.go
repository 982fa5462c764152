// Copyright ©2026 The rgflow Authors. All rights reserved.

package wgrad

import (
	"fmt"
	"math"
)

// Assignment is the solution of a linear assignment problem
// min_σ Σ_i C_{i,σ(i)} over permutations σ of n elements.
type Assignment struct {
	// Row[i] is the column assigned to row i; Col[j] the row assigned to
	// column j.
	Row, Col []int
	// Cost is Σ_i C_{i,Row[i]}.
	Cost float64
	// U and V are optimal dual variables: U_i + V_j ≤ C_ij for all i, j,
	// with equality on the assignment, and Σ U + Σ V = Cost. They certify
	// optimality independently of how the solution was found.
	U, V []float64
}

// SolveAssignment solves the dense n×n linear assignment problem with the
// row-major cost matrix c by the shortest augmenting path algorithm of
// Jonker and Volgenant (Computing 38, 325–340, 1987): column reduction,
// reduction transfer and two rounds of augmenting row reduction build a
// partial assignment and feasible prices, then every free row is assigned
// along a shortest alternating path found by a Dijkstra search over
// reduced costs. O(n³) in the worst case, far less on typical costs.
//
// It returns an error if an entry of c is not finite.
func SolveAssignment(c []float64, n int) (Assignment, error) {
	if n <= 0 || len(c) != n*n {
		panic("wgrad: assignment cost matrix must be n×n with n > 0")
	}
	for k, v := range c {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Assignment{}, fmt.Errorf("wgrad: assignment cost entry (%d, %d) is %v: must be finite", k/n, k%n, v)
		}
	}
	rowsol := make([]int, n)
	colsol := make([]int, n)
	v := make([]float64, n)
	lapjv(c, n, rowsol, colsol, v)
	u := make([]float64, n)
	tot := 0.0
	for i, j := range rowsol {
		cij := c[i*n+j]
		u[i] = cij - v[j]
		tot += cij
	}
	return Assignment{Row: rowsol, Col: colsol, Cost: tot, U: u, V: v}, nil
}

// lapjv fills rowsol, colsol and the column prices v with the solution of
// the assignment problem of the n×n cost matrix c (Jonker–Volgenant: the
// three reduction phases, then augmentation from every remaining free row).
func lapjv(c []float64, n int, rowsol, colsol []int, v []float64) {
	for i := range rowsol {
		rowsol[i] = -1
		colsol[i] = -1
	}
	if n == 1 {
		rowsol[0], colsol[0], v[0] = 0, 0, c[0]
		return
	}
	s := &lapState{c: c, n: n, rowsol: rowsol, colsol: colsol, v: v, free: make([]int, n)}
	matches := s.columnReduction()
	numfree := s.reductionTransfer(matches)
	for round := 0; round < 2; round++ {
		numfree = s.augmentingRowReduction(numfree)
	}
	s.d, s.pred, s.collist = make([]float64, n), make([]int, n), make([]int, n)
	for f := 0; f < numfree; f++ {
		s.augment(s.free[f])
	}
}

// lapState is the working state of lapjv: the costs, the partial
// assignment, the column prices, the free rows and the scratch of the
// shortest-path search.
type lapState struct {
	c              []float64
	n              int
	rowsol, colsol []int
	v              []float64
	free           []int

	d       []float64 // path lengths to the columns
	pred    []int     // the row before each column on its path
	collist []int     // columns ordered scanned, to scan, unreached
}

// columnReduction assigns each column to its cheapest row, scanning
// columns in reverse so that, among rows wanted by several columns, ties
// favour low column indices, and returns how many columns wanted each row.
func (s *lapState) columnReduction() []int {
	c, n, rowsol, colsol, v := s.c, s.n, s.rowsol, s.colsol, s.v
	matches := make([]int, n)
	for j := n - 1; j >= 0; j-- {
		imin, cmin := 0, c[j]
		for i := 1; i < n; i++ {
			if x := c[i*n+j]; x < cmin {
				cmin, imin = x, i
			}
		}
		v[j] = cmin
		matches[imin]++
		if matches[imin] == 1 {
			rowsol[imin] = j
			colsol[j] = imin
		} else if v[j] < v[rowsol[imin]] {
			j1 := rowsol[imin]
			rowsol[imin] = j
			colsol[j] = imin
			colsol[j1] = -1
		} else {
			colsol[j] = -1
		}
	}
	return matches
}

// reductionTransfer lets rows assigned once pass their slack to the price
// of their column, lists the unassigned rows as free and returns their
// number.
func (s *lapState) reductionTransfer(matches []int) int {
	c, n, v := s.c, s.n, s.v
	numfree := 0
	for i := 0; i < n; i++ {
		switch matches[i] {
		case 0:
			s.free[numfree] = i
			numfree++
		case 1:
			j1 := s.rowsol[i]
			row := c[i*n : (i+1)*n]
			m := math.Inf(1)
			for j, x := range row {
				if j != j1 {
					m = math.Min(m, x-v[j])
				}
			}
			v[j1] -= m
		}
	}
	return numfree
}

// augmentingRowReduction is one round of augmenting row reduction over the
// first numfree free rows; it returns the number of rows still free. On
// degenerate costs (points on a line, say) a displaced row can be handed
// back and forth with ever smaller price decrements; the reduction is only
// a heuristic start, so after arrBudget row visits the remaining free rows
// are left to the augmentation, which is exact. Every step keeps each
// assigned row at its minimal reduced cost, the invariant it needs.
func (s *lapState) augmentingRowReduction(prev int) int {
	rowsol, colsol, v, free := s.rowsol, s.colsol, s.v, s.free
	arrBudget := 4 * s.n
	k, numfree, visits := 0, 0, 0
	for k < prev {
		if visits >= arrBudget {
			for ; k < prev; k++ {
				free[numfree] = free[k]
				numfree++
			}
			break
		}
		visits++
		i := free[k]
		k++
		umin, usub, j1, j2 := s.twoSmallest(i)
		i0 := colsol[j1]
		if umin < usub {
			// Lower the price of j1 so that i keeps it at a reduced cost
			// equal to its second-best alternative.
			v[j1] -= usub - umin
		} else if i0 >= 0 {
			// Tie: take the second-best column instead.
			j1 = j2
			i0 = colsol[j2]
		}
		rowsol[i] = j1
		colsol[j1] = i
		if i0 >= 0 {
			rowsol[i0] = -1
			if umin < usub {
				// Reassign the displaced row at once.
				k--
				free[k] = i0
			} else {
				free[numfree] = i0
				numfree++
			}
		}
	}
	return numfree
}

// twoSmallest returns the smallest and second smallest reduced cost of row
// i and their columns.
func (s *lapState) twoSmallest(i int) (umin, usub float64, j1, j2 int) {
	row, v := s.c[i*s.n:(i+1)*s.n], s.v
	umin = row[0] - v[0]
	j1, j2 = 0, -1
	usub = math.Inf(1)
	for j := 1; j < s.n; j++ {
		h := row[j] - v[j]
		if h < usub {
			if h >= umin {
				usub, j2 = h, j
			} else {
				usub, umin = umin, h
				j2, j1 = j1, j
			}
		}
	}
	return umin, usub, j1, j2
}

// augment assigns the free row freerow along a shortest alternating path
// (a Dijkstra search over reduced costs), updating the prices of the
// scanned columns so that the reduced costs stay non-negative.
func (s *lapState) augment(freerow int) {
	c, n, v, d, collist := s.c, s.n, s.v, s.d, s.collist
	row := c[freerow*n : (freerow+1)*n]
	for j := 0; j < n; j++ {
		d[j] = row[j] - v[j]
		s.pred[j] = freerow
		collist[j] = j
	}
	endofpath, last, dmin := s.shortestPath()
	// Update the prices of the scanned columns.
	for k := 0; k <= last; k++ {
		j1 := collist[k]
		v[j1] += d[j1] - dmin
	}
	// Flip the alternating path.
	for {
		i := s.pred[endofpath]
		s.colsol[endofpath] = i
		j1 := endofpath
		endofpath = s.rowsol[i]
		s.rowsol[i] = j1
		if i == freerow {
			break
		}
	}
}

// shortestPath runs the search from the distances in d to the first
// unassigned column reached, and returns that column, the index in collist
// of the last column scanned before the final distance and that distance.
// collist[:low] are scanned, collist[low:up] have distance dmin and await
// scanning, collist[up:] are unreached.
func (s *lapState) shortestPath() (endofpath, last int, dmin float64) {
	n, d, collist, colsol := s.n, s.d, s.collist, s.colsol
	low, up := 0, 0
	endofpath = -1
	for endofpath < 0 {
		if up == low {
			last = low - 1
			dmin = d[collist[up]]
			up++
			for k := up; k < n; k++ {
				j := collist[k]
				h := d[j]
				if h <= dmin {
					if h < dmin {
						up = low
						dmin = h
					}
					collist[k] = collist[up]
					collist[up] = j
					up++
				}
			}
			for k := low; k < up; k++ {
				if colsol[collist[k]] < 0 {
					endofpath = collist[k]
					break
				}
			}
			if endofpath >= 0 {
				break
			}
		}
		j1 := collist[low]
		low++
		endofpath, up = s.scan(j1, dmin, up)
	}
	return endofpath, last, dmin
}

// scan relaxes the unreached columns through the row assigned to the
// scanned column j1 at distance dmin; columns reaching dmin join the ones
// awaiting scanning, collist[low:up]. It returns an unassigned column
// reached at dmin (or −1) and the new up.
func (s *lapState) scan(j1 int, dmin float64, up int) (endofpath, newUp int) {
	n, v, d, collist, colsol := s.n, s.v, s.d, s.collist, s.colsol
	i := colsol[j1]
	ri := s.c[i*n : (i+1)*n]
	h := ri[j1] - v[j1] - dmin
	for k := up; k < n; k++ {
		j := collist[k]
		v2 := ri[j] - v[j] - h
		if v2 < d[j] {
			s.pred[j] = i
			if v2 == dmin {
				if colsol[j] < 0 {
					return j, up
				}
				collist[k] = collist[up]
				collist[up] = j
				up++
			}
			d[j] = v2
		}
	}
	return -1, up
}

// ExactW2 returns the squared 2-Wasserstein distance between two uniform
// empirical measures of the same size, W₂² = min_σ (1/n) Σ_i |x_i − y_σ(i)|²,
// and the optimal assignment. It materialises the n×n cost matrix and is
// meant for n up to a few thousand; weighted or unequal-size measures need
// Sinkhorn at small ε (or Wasserstein1D on the line).
func ExactW2(x, y Cloud) (float64, Assignment, error) {
	if x.Dim != y.Dim {
		panic("wgrad: cloud dimensions differ")
	}
	n := x.Len()
	if y.Len() != n {
		return 0, Assignment{}, fmt.Errorf("wgrad: exact OT needs equal sizes, got %d and %d points", n, y.Len())
	}
	if x.W != nil || y.W != nil {
		return 0, Assignment{}, fmt.Errorf("wgrad: exact OT handles uniform weights only")
	}
	if n == 0 {
		return 0, Assignment{}, fmt.Errorf("wgrad: exact OT of empty clouds")
	}
	c := make([]float64, n*n)
	for i := 0; i < n; i++ {
		xi := x.Point(i)
		for j := 0; j < n; j++ {
			c[i*n+j] = sqDist(xi, y.Point(j))
		}
	}
	a, err := SolveAssignment(c, n)
	if err != nil {
		return 0, a, err
	}
	return a.Cost / float64(n), a, nil
}
