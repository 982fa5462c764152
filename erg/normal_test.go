// Copyright ©2026 The rgflow Authors. All rights reserved.

package erg

import (
	"math/rand/v2"
	"testing"
)

// TestPCGNormalMatchesNormFloat64: pcgNormal must reproduce
// rand.New(rand.NewPCG(hi, lo)).NormFloat64 bit for bit, slow paths of the
// ziggurat included (about 1% of draws, so 2·10⁵ draws take each of them
// hundreds of times; the base strip i = 0 tens of times), in buffers of
// several lengths, and leave the generator where the reference is.
func TestPCGNormalMatchesNormFloat64(t *testing.T) {
	n := 200000
	if testing.Short() {
		n = 50000
	}
	for _, seed := range [][2]uint64{{1, 2}, {0xdeadbeef, 42}} {
		ref := rand.New(rand.NewPCG(seed[0], seed[1]))
		g := pcgNormal{seed[0], seed[1]}
		buf := make([]float64, 0, 1024)
		for done, size := 0, 1; done < n; size = size%997 + 7 {
			buf = buf[:min(size, n-done)]
			g.fill(buf)
			for k, v := range buf {
				if w := ref.NormFloat64(); v != w {
					t.Fatalf("seed %v: draw %d: %v, NormFloat64 %v", seed, done+k, v, w)
				}
			}
			done += len(buf)
		}
		if a, b := g.uint64(), ref.Uint64(); a != b {
			t.Fatalf("seed %v: generator state differs after %d draws", seed, n)
		}
	}
}

func BenchmarkPCGNormal(b *testing.B) {
	buf := make([]float64, 4096)
	b.Run("fill", func(b *testing.B) {
		g := pcgNormal{1, 2}
		for i := 0; i < b.N; i++ {
			g.fill(buf)
		}
	})
	b.Run("NormFloat64", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < b.N; i++ {
			for k := range buf {
				buf[k] = r.NormFloat64()
			}
		}
	})
}
