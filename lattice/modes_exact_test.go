// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"math"
	"strings"
	"testing"
)

// TestFoldModeExhaustive checks FoldMode against its definition, the unique
// m ≡ n (mod L) with −L/2 < m ≤ L/2, found by search, for every n in
// [−3L, 3L] and L = 1…9 (both parities, so the edge n ≡ L/2 of even L,
// which stays +L/2, is reached).
func TestFoldModeExhaustive(t *testing.T) {
	for L := 1; L <= 9; L++ {
		for n := -3 * L; n <= 3*L; n++ {
			want, found := 0, 0
			for m := -L; m <= L; m++ {
				if (n-m)%L == 0 && -L < 2*m && 2*m <= L {
					want = m
					found++
				}
			}
			if found != 1 {
				t.Fatalf("L = %d, n = %d: %d representatives in (−L/2, L/2]", L, n, found)
			}
			if got := FoldMode(n, L); got != want {
				t.Errorf("FoldMode(%d, %d) = %d, want %d", n, L, got, want)
			}
		}
	}
}

// TestHalfDimsCount checks HalfDims and HalfLen against a count, over the
// full spectrum, of the modes with 0 ≤ n_d ≤ L_d/2 (the stored half).
func TestHalfDimsCount(t *testing.T) {
	for _, dims := range testShapes {
		l := MustNew(dims...)
		d := len(dims)
		h := l.HalfDims()
		for mu := range dims {
			want := dims[mu]
			if mu == d-1 {
				want = 0
				for n := 0; n < dims[mu]; n++ {
					if 2*n <= dims[mu] {
						want++
					}
				}
			}
			if h[mu] != want {
				t.Errorf("%v: HalfDims()[%d] = %d, want %d", dims, mu, h[mu], want)
			}
		}
		count := 0
		n := make([]int, d)
		for i := 0; i < l.Volume(); i++ {
			l.Coords(n, i)
			if 2*n[d-1] <= dims[d-1] {
				count++
			}
		}
		if l.HalfLen() != count {
			t.Errorf("%v: HalfLen() = %d, want %d", dims, l.HalfLen(), count)
		}
		if l.Dims()[d-1] != dims[d-1] {
			t.Errorf("%v: HalfDims changed the lattice's own shape", dims)
		}
	}
}

// TestHalfModeBounds checks that HalfMode accepts exactly the indices
// 0…HalfLen()−1.
func TestHalfModeBounds(t *testing.T) {
	for _, dims := range testShapes {
		l := MustNew(dims...)
		for _, j := range []int{-1, 0, l.HalfLen() - 1, l.HalfLen()} {
			want := j < 0 || j >= l.HalfLen()
			if got := panics(func() { l.HalfMode(nil, j) }); got != want {
				t.Errorf("%v: HalfMode(%d) panics = %v, want %v", dims, j, got, want)
			}
		}
	}
}

func panics(f func()) (p bool) {
	defer func() { p = recover() != nil }()
	f()
	return false
}

// TestDispersionsClosedForm checks FullKHat2 and DCTKHat2 against
// k̂² = Σ_μ (2 − 2 cos k_μ), with k_μ = 2πn_μ/L_μ and πn_μ/L_μ, and
// DCTMomentum against πn_μ/L_μ. The comparisons reject NaN.
func TestDispersionsClosedForm(t *testing.T) {
	for _, dims := range testShapes {
		l := MustNew(dims...)
		full, dct := l.FullKHat2(), l.DCTKHat2()
		n := make([]int, len(dims))
		for i := 0; i < l.Volume(); i++ {
			l.Coords(n, i)
			wantFull, wantDCT := 0.0, 0.0
			k := l.DCTMomentum(nil, n)
			for mu, L := range dims {
				wantFull += 2 - 2*math.Cos(2*math.Pi*float64(n[mu])/float64(L))
				wantDCT += 2 - 2*math.Cos(math.Pi*float64(n[mu])/float64(L))
				if !(math.Abs(k[mu]-math.Pi*float64(n[mu])/float64(L)) <= 1e-15) {
					t.Errorf("%v mode %v: DCTMomentum = %v", dims, n, k)
				}
			}
			if !(math.Abs(full[i]-wantFull) <= 1e-12) {
				t.Errorf("%v mode %v: FullKHat2 = %v, want %v", dims, n, full[i], wantFull)
			}
			if !(math.Abs(dct[i]-wantDCT) <= 1e-12) {
				t.Errorf("%v mode %v: DCTKHat2 = %v, want %v", dims, n, dct[i], wantDCT)
			}
		}
	}
}

// TestEqualAndString: lattices are equal exactly when their extents are,
// and print as "L₁xL₂x…".
func TestEqualAndString(t *testing.T) {
	a, b := MustNew(4, 6), MustNew(4, 6)
	var null *Lattice
	for _, c := range []struct {
		l, m *Lattice
		want bool
	}{{a, a, true}, {a, b, true}, {a, MustNew(6, 4), false}, {a, MustNew(4, 6, 1), false}, {a, MustNew(4), false}, {a, null, false}, {null, a, false}, {null, null, true}} {
		if got := c.l.Equal(c.m); got != c.want {
			t.Errorf("%v.Equal(%v) = %v, want %v", c.l, c.m, got, c.want)
		}
	}
	if s := MustNew(32, 16, 1).String(); s != "32x16x1" {
		t.Errorf("String() = %q, want 32x16x1", s)
	}
}

// TestNewNamesTheExtent: the error for a bad extent names it (L1, L2, …).
func TestNewNamesTheExtent(t *testing.T) {
	for _, c := range []struct {
		dims []int
		name string
	}{{[]int{0}, "L1 = 0"}, {[]int{4, -1}, "L2 = -1"}, {[]int{3, 3, 0}, "L3 = 0"}} {
		_, err := New(c.dims...)
		if err == nil || !strings.Contains(err.Error(), c.name) {
			t.Errorf("New(%v): error %v, want one naming %s", c.dims, err, c.name)
		}
	}
}

// TestCoordsBounds checks that Coords accepts exactly the sites 0…V−1.
func TestCoordsBounds(t *testing.T) {
	for _, dims := range testShapes {
		l := MustNew(dims...)
		for _, i := range []int{-1, 0, l.Volume() - 1, l.Volume()} {
			want := i < 0 || i >= l.Volume()
			if got := panics(func() { l.Coords(nil, i) }); got != want {
				t.Errorf("%v: Coords(%d) panics = %v, want %v", dims, i, got, want)
			}
		}
	}
}
