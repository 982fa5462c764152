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

// lapjv fills rowsol, colsol and the column prices v.
func lapjv(c []float64, n int, rowsol, colsol []int, v []float64) {
	free := make([]int, n)
	matches := make([]int, n)
	for i := range rowsol {
		rowsol[i] = -1
		colsol[i] = -1
	}
	if n == 1 {
		rowsol[0], colsol[0], v[0] = 0, 0, c[0]
		return
	}

	// Column reduction: assign each column to its cheapest row, scanning
	// columns in reverse so that, among rows wanted by several columns,
	// ties favour low column indices.
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

	// Reduction transfer: rows assigned once pass their slack to the
	// price of their column; unassigned rows are free.
	numfree := 0
	for i := 0; i < n; i++ {
		switch matches[i] {
		case 0:
			free[numfree] = i
			numfree++
		case 1:
			j1 := rowsol[i]
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

	// Augmenting row reduction, two rounds. On degenerate costs (points on
	// a line, say) a displaced row can be handed back and forth with ever
	// smaller price decrements; the reduction is only a heuristic start, so
	// after arrBudget row visits per round the remaining free rows are left
	// to the augmentation phase, which is exact. Every step keeps each
	// assigned row at its minimal reduced cost, the invariant it needs.
	arrBudget := 4 * n
	for round := 0; round < 2; round++ {
		k := 0
		prev := numfree
		numfree = 0
		visits := 0
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
			row := c[i*n : (i+1)*n]
			// Smallest and second smallest reduced cost in row i.
			umin := row[0] - v[0]
			j1, j2 := 0, -1
			usub := math.Inf(1)
			for j := 1; j < n; j++ {
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
			i0 := colsol[j1]
			if umin < usub {
				// Lower the price of j1 so that i keeps it at a
				// reduced cost equal to its second-best alternative.
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
	}

	// Augmentation: a shortest alternating path from every free row.
	d := make([]float64, n)
	pred := make([]int, n)
	collist := make([]int, n)
	for f := 0; f < numfree; f++ {
		freerow := free[f]
		row := c[freerow*n : (freerow+1)*n]
		for j := 0; j < n; j++ {
			d[j] = row[j] - v[j]
			pred[j] = freerow
			collist[j] = j
		}
		// collist[:low] are scanned, collist[low:up] have distance min and
		// await scanning, collist[up:] are unreached.
		low, up, last := 0, 0, 0
		endofpath := -1
		var dmin float64
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
			i := colsol[j1]
			ri := c[i*n : (i+1)*n]
			h := ri[j1] - v[j1] - dmin
			for k := up; k < n; k++ {
				j := collist[k]
				v2 := ri[j] - v[j] - h
				if v2 < d[j] {
					pred[j] = i
					if v2 == dmin {
						if colsol[j] < 0 {
							endofpath = j
							break
						}
						collist[k] = collist[up]
						collist[up] = j
						up++
					}
					d[j] = v2
				}
			}
		}
		// Update the prices of the scanned columns.
		for k := 0; k <= last; k++ {
			j1 := collist[k]
			v[j1] += d[j1] - dmin
		}
		// Flip the alternating path.
		for {
			i := pred[endofpath]
			colsol[endofpath] = i
			j1 := endofpath
			endofpath = rowsol[i]
			rowsol[i] = j1
			if i == freerow {
				break
			}
		}
	}
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
