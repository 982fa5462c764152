// Copyright ©2026 The rgflow Authors. All rights reserved.

// Package stencil holds the hot kernels of the φ⁴ force on two- and
// three-dimensional periodic lattices (row-major, last axis fastest):
//
//	F_x = Σ_μ (φ_{x+μ̂} + φ_{x−μ̂}) + diag·φ_x − g·φ_x³,  diag = −(2d + m²).
//
// Each row along the last axis is handled at once: its neighbours along the
// other axes are whole rows, those along the last axis are adjacent in
// memory, so the interior of the row is a bounds-check-free streaming loop.
// In 2-d, on amd64 with AVX2 and FMA, that loop is hand-written assembly
// (one call covers every row); the pure-Go loop is the fallback (and the
// only code under the noasm build tag), and the tests check the two against
// each other. In 3-d the rows are short and one Go pass per row does all.
package stencil

// useASM selects the assembly row kernel; it is true when the CPU supports
// it and the noasm tag is absent.
var useASM = hasASM

// SetASM turns the assembly kernel on or off (it stays off where
// unavailable) and returns the previous setting. It exists for benchmarks
// and tests that compare the two paths; it is not safe to call while
// kernels run.
func SetASM(on bool) (prev bool) {
	prev = useASM
	useASM = on && hasASM
	return prev
}

// HasASM reports whether the assembly kernel is available.
func HasASM() bool { return hasASM }

// Force2D writes the force on the lx×ly field phi into dst. lx, ly ≥ 3.
func Force2D(dst, phi []float64, lx, ly int, diag, g float64) {
	if lx < 3 || ly < 3 || len(phi) != lx*ly || len(dst) != lx*ly {
		panic("stencil: bad 2-d shape")
	}
	if useASM && ly >= 6 {
		// One assembly call covers the bulk of every row; the row ends and
		// the ≤ 3 interior sites after the last block of four are done here.
		force2DASM(dst, phi, lx, ly, diag, g)
		done := 1 + (ly-2)&^3
		for r := 0; r < lx; r++ {
			ru, rd := r-1, r+1
			if ru < 0 {
				ru = lx - 1
			}
			if rd == lx {
				rd = 0
			}
			c := phi[r*ly : (r+1)*ly]
			a := phi[ru*ly : (ru+1)*ly]
			b := phi[rd*ly : (rd+1)*ly]
			o := dst[r*ly : (r+1)*ly]
			for i := done; i < ly-1; i++ {
				v := c[i]
				o[i] = diag*v - g*v*v*v + c[i-1] + c[i+1] + a[i] + b[i]
			}
			v := c[0]
			o[0] = diag*v - g*v*v*v + c[ly-1] + c[1] + a[0] + b[0]
			v = c[ly-1]
			o[ly-1] = diag*v - g*v*v*v + c[ly-2] + c[0] + a[ly-1] + b[ly-1]
		}
		return
	}
	for r := 0; r < lx; r++ {
		ru, rd := r-1, r+1
		if ru < 0 {
			ru = lx - 1
		}
		if rd == lx {
			rd = 0
		}
		row(dst[r*ly:(r+1)*ly], phi[r*ly:(r+1)*ly], phi[ru*ly:(ru+1)*ly], phi[rd*ly:(rd+1)*ly], diag, g)
	}
}

// Force3D writes the force on the lx×ly×lz field phi into dst. All
// extents ≥ 3. Rows along z are short in typical 3-d lattices, so the
// whole row, periodic ends included, is one pure-Go pass over six
// neighbour streams.
func Force3D(dst, phi []float64, lx, ly, lz int, diag, g float64) {
	if lx < 3 || ly < 3 || lz < 3 || len(phi) != lx*ly*lz || len(dst) != lx*ly*lz {
		panic("stencil: bad 3-d shape")
	}
	plane := ly * lz
	for x := 0; x < lx; x++ {
		xu, xd := x-1, x+1
		if xu < 0 {
			xu = lx - 1
		}
		if xd == lx {
			xd = 0
		}
		for y := 0; y < ly; y++ {
			yu, yd := y-1, y+1
			if yu < 0 {
				yu = ly - 1
			}
			if yd == ly {
				yd = 0
			}
			o := x*plane + y*lz
			ou, od := xu*plane+y*lz, xd*plane+y*lz
			ol, or := x*plane+yu*lz, x*plane+yd*lz
			row3(dst[o:o+lz], phi[o:o+lz], phi[ou:ou+lz], phi[od:od+lz], phi[ol:ol+lz], phi[or:or+lz], diag, g)
		}
	}
}

// row3 writes the force on one z-row c with neighbour rows a, b, e, h.
func row3(o, c, a, b, e, h []float64, diag, g float64) {
	n := len(c)
	o, a, b, e, h = o[:n], a[:n], b[:n], e[:n], h[:n]
	v := c[0]
	o[0] = diag*v - g*v*v*v + c[n-1] + c[1] + a[0] + b[0] + e[0] + h[0]
	left, mid, right := c[0:n-2], c[1:n-1], c[2:n]
	oi, ai, bi, ei, hi := o[1:n-1], a[1:n-1], b[1:n-1], e[1:n-1], h[1:n-1]
	oi, ai, bi, ei, hi = oi[:len(mid)], ai[:len(mid)], bi[:len(mid)], ei[:len(mid)], hi[:len(mid)]
	left, right = left[:len(mid)], right[:len(mid)]
	for i, v := range mid {
		oi[i] = diag*v - g*v*v*v + left[i] + right[i] + ai[i] + bi[i] + ei[i] + hi[i]
	}
	v = c[n-1]
	o[n-1] = diag*v - g*v*v*v + c[n-2] + c[0] + a[n-1] + b[n-1] + e[n-1] + h[n-1]
}

// row writes the force on one row c (periodic along itself) given its
// neighbour rows a and b. All rows have the same length n ≥ 3.
func row(o, c, a, b []float64, diag, g float64) {
	n := len(c)
	o, a, b = o[:n], a[:n], b[:n]
	v := c[0]
	f0 := diag*v - g*v*v*v + c[n-1] + c[1] + a[0] + b[0]
	v = c[n-1]
	f1 := diag*v - g*v*v*v + c[n-2] + c[0] + a[n-1] + b[n-1]
	Interior(o[1:n-1], c, a[1:n-1], b[1:n-1], diag, g, false)
	o[0], o[n-1] = f0, f1
}

// Interior writes (add: accumulates) o[i] = diag·c[i+1] − g·c[i+1]³ + c[i] +
// c[i+2] + a[i] + b[i] for i < len(o); len(c) ≥ len(o)+2, len(a), len(b) ≥
// len(o).
func Interior(o, c, a, b []float64, diag, g float64, add bool) {
	n := len(o)
	if len(c) < n+2 || len(a) < n || len(b) < n {
		panic("stencil: row length mismatch")
	}
	done := 0
	if useASM && n >= 4 {
		done = n &^ 3
		interiorASM(o[:done], c, a, b, diag, g, add)
	}
	InteriorGo(o[done:], c[done:], a[done:], b[done:], diag, g, add)
}

// InteriorGo is the pure-Go Interior.
func InteriorGo(o, c, a, b []float64, diag, g float64, add bool) {
	n := len(o)
	left, mid, right := c[0:n], c[1:n+1], c[2:n+2]
	a, b = a[:n], b[:n]
	if add {
		for i := range o {
			v := mid[i]
			o[i] += diag*v - g*v*v*v + left[i] + right[i] + a[i] + b[i]
		}
		return
	}
	for i := range o {
		v := mid[i]
		o[i] = diag*v - g*v*v*v + left[i] + right[i] + a[i] + b[i]
	}
}
