// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

import (
	"slices"
	"testing"
)

// TestDefaultChunkByHand checks the default chunk shape against values
// worked out by hand from its rule (one leading element, zero extents
// raised to one, the largest trailing extent halved, rounding up, the first
// of equal extents first, until the chunk fits in MaxChunkBytes = 4 MiB).
func TestDefaultChunkByHand(t *testing.T) {
	for _, c := range []struct {
		shape []int64
		size  int64
		want  []int64
	}{
		{[]int64{}, 8, []int64{}},
		{[]int64{10, 64, 64}, 8, []int64{1, 64, 64}},       // 32 KiB: fits
		{[]int64{0, 0, 7}, 8, []int64{1, 1, 7}},            // empty axes
		{[]int64{5, 1024, 1024}, 8, []int64{1, 512, 1024}}, // 8 MiB → exactly 4 MiB fits
		{[]int64{1, 8192, 8192}, 8, []int64{1, 512, 1024}}, // ties: the first axis halves first
		{[]int64{2, 3000, 3000}, 8, []int64{1, 375, 750}},
		{[]int64{1, 1025, 1025}, 8, []int64{1, 513, 513}}, // 513·1025·8 B > 4 MiB: odd extents round up
		{[]int64{1, 3, 1 << 20}, 4, []int64{1, 3, 1 << 18}},
		{[]int64{7, 1 << 40}, 8, []int64{1, 1 << 19}},
	} {
		shape := slices.Clone(c.shape)
		got := defaultChunk(shape, c.size)
		if !slices.Equal(got, c.want) {
			t.Errorf("defaultChunk(%v, %d) = %v, want %v", c.shape, c.size, got, c.want)
		}
		if !slices.Equal(shape, c.shape) {
			t.Errorf("defaultChunk changed its argument %v to %v", c.shape, shape)
		}
	}
}
