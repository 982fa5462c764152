// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"rgflow/internal/parallel"
)

// Direct chunk writes. A dataset whose chunk is one whole row (one sample,
// one snapshot: the default for extendible datasets) and whose filter is
// none or deflate is written with H5Dwrite_chunk, bypassing HDF5's
// selection, type conversion and filter pipeline. For deflate the rows are
// compressed with zlib's compress2 — the call HDF5's deflate filter makes,
// so the file is byte-for-byte what the filter would store — outside the
// HDF5 goroutine, in the caller's goroutine, and in parallel over the rows
// of a multi-row Append or WriteAt. Only the finished chunks cross to the
// HDF5 goroutine. So that single-row appends (one sample at a time, the
// common case) are compressed in parallel too, an extendible deflated
// dataset stages up to StageRows rows (at most MaxStageBytes) and writes
// them as one batch when the stage is full, and before anything that must
// see them: Len, Shape, reads, WriteAt, Truncate, and the file's Flush,
// SaveCheckpoint, SetStatus and Close. A row that does not shrink under deflate is stored
// uncompressed with the filter marked skipped, as HDF5's optional deflate
// filter does.

type chunk struct {
	buf  *[]byte // compressed bytes (pooled), or nil for a raw row
	n    int     // bytes used in buf
	mask C.uint  // filter mask: bit 0 set when deflate was skipped
}

// Staging bounds: StageRows defaults to two rows per CPU, within MaxStageBytes.
var StageRows = 2 * runtime.GOMAXPROCS(0)

// MaxStageBytes bounds the memory a dataset's stage holds.
const MaxStageBytes = 32 << 20

// initDirect decides once, on the HDF5 goroutine, whether d qualifies.
func (d *Dataset) initDirect() {
	if len(d.shape) == 0 {
		d.rowLen = 1 // a scalar: one element, never appended
		return
	}
	d.rowLen = product(d.shape[1:])
	if d.dtype == Complex128 || d.dtype == Bool {
		return
	}
	var level, fletcher C.int
	d.direct = int(C.rg_chunk_mode(d.id(), C.int(d.dtype), &level, &fletcher))
	d.level = int(level)
	d.fletcher = fletcher != 0
	if d.direct == C.RG_DIRECT_DEFLATE {
		cap := max(int(C.rg_deflate_bound(C.size_t(d.rowLen*d.dtype.size()))), int(d.rowLen*d.dtype.size())) + 4
		d.pool = &sync.Pool{New: func() any { b := make([]byte, cap); return &b }}
		rowBytes := d.rowLen * d.dtype.size()
		if n := min(int64(StageRows), MaxStageBytes/max(rowBytes, 1)); d.ext && n > 1 {
			d.stageCap = n
			d.stage = make([]byte, n*rowBytes)
			d.file.stageMu.Lock()
			d.file.staged = append(d.file.staged, d)
			d.file.stageMu.Unlock()
		}
	}
}

// stageRows copies rows of b into the stage, writing the stage whenever it
// fills; a batch larger than the stage goes straight through.
func (d *Dataset) stageRows(b buffer, rows int64) error {
	if d.file.isClosed.Load() {
		return fmt.Errorf("%w: %s", ErrClosed, d.file.path)
	}
	d.smu.Lock()
	defer d.smu.Unlock()
	rowBytes := d.rowLen * d.dtype.size()
	if rows >= d.stageCap {
		if err := d.drainLocked(); err != nil {
			return err
		}
		chunks := d.compressRows(b, rows)
		defer d.release(chunks)
		return d.file.call(func() error { return d.appendRows(b, rows, chunks) })
	}
	src := unsafe.Slice((*byte)(b.ptr), rows*rowBytes)
	for len(src) > 0 {
		n := copy(d.stage[d.staged*rowBytes:], src)
		src = src[n:]
		d.staged += int64(n) / rowBytes
		if d.staged == d.stageCap {
			if err := d.drainLocked(); err != nil {
				return err
			}
		}
	}
	return nil
}

// drain writes the staged rows.
func (d *Dataset) drain() error {
	if d.stageCap == 0 {
		return nil
	}
	d.smu.Lock()
	defer d.smu.Unlock()
	return d.drainLocked()
}

func (d *Dataset) drainLocked() error {
	if d.staged == 0 {
		return nil
	}
	rows := d.staged
	d.staged = 0
	b := buffer{t: d.dtype, n: rows * d.rowLen, ptr: unsafe.Pointer(&d.stage[0])}
	chunks := d.compressRows(b, rows)
	defer d.release(chunks)
	return d.file.call(func() error { return d.appendRows(b, rows, chunks) })
}

// drainAll writes the staged rows of every dataset of f.
func (f *File) drainAll() error {
	f.stageMu.Lock()
	staged := append([]*Dataset(nil), f.staged...)
	f.stageMu.Unlock()
	var first error
	for _, d := range staged {
		if err := d.drain(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// compressRows deflates rows of b into pooled buffers, in parallel.
func (d *Dataset) compressRows(b buffer, rows int64) []chunk {
	out := make([]chunk, rows)
	rowBytes := d.rowLen * d.dtype.size()
	work := func(i int64) {
		buf := d.pool.Get().(*[]byte)
		src := unsafe.Add(b.ptr, i*rowBytes)
		var n C.size_t
		if z := getStream(d.level); z != nil {
			n = C.rg_zs_deflate(z, src, C.size_t(rowBytes), unsafe.Pointer(&(*buf)[0]), C.size_t(len(*buf)))
			putStream(d.level, z)
		} else {
			n = C.rg_deflate(C.int(d.level), src, C.size_t(rowBytes), unsafe.Pointer(&(*buf)[0]), C.size_t(len(*buf)))
		}
		if n == 0 || int64(n) >= rowBytes {
			if !d.fletcher {
				d.pool.Put(buf)
				out[i] = chunk{mask: 1} // store raw, deflate skipped
				return
			}
			n = C.size_t(copy(*buf, unsafe.Slice((*byte)(src), rowBytes)))
			out[i].mask = 1
		}
		if d.fletcher {
			// The Fletcher-32 filter follows deflate: the checksum of the
			// stored bytes, little-endian, after them.
			binary.LittleEndian.PutUint32((*buf)[n:], uint32(C.rg_fletcher32(unsafe.Pointer(&(*buf)[0]), n)))
			n += 4
		}
		out[i].buf, out[i].n = buf, int(n)
	}
	n := int(rows)
	parallel.For(parallel.Workers(0, n), n, func(_, i int) { work(int64(i)) })
	return out
}

// writeChunks writes rows r0… of b as whole chunks. It runs on the HDF5
// goroutine; chunks is nil for a raw dataset.
func (d *Dataset) writeChunks(b buffer, r0, rows int64, chunks []chunk) error {
	rowBytes := d.rowLen * d.dtype.size()
	off := make([]C.hsize_t, len(d.shape))
	for i := int64(0); i < rows; i++ {
		off[0] = C.hsize_t(r0 + i)
		ptr, n, mask := unsafe.Add(b.ptr, i*rowBytes), C.size_t(rowBytes), C.uint(0)
		if chunks != nil {
			c := chunks[i]
			mask = c.mask
			if c.buf != nil {
				ptr, n = unsafe.Pointer(&(*c.buf)[0]), C.size_t(c.n)
			}
		}
		if err := h5check(C.rg_write_chunk(d.id(), mask, &off[0], n, ptr), "write chunk %d of %s", r0+i, d.path); err != nil {
			return err
		}
	}
	return nil
}

func (d *Dataset) release(chunks []chunk) {
	for _, c := range chunks {
		if c.buf != nil {
			d.pool.Put(c.buf)
		}
	}
}

// Kept zlib streams, per compression level, in C memory. At most
// 2·GOMAXPROCS are kept per level; extra ones are freed.
var streams struct {
	mu   sync.Mutex
	free map[int][]unsafe.Pointer
}

func getStream(level int) unsafe.Pointer {
	streams.mu.Lock()
	l := streams.free[level]
	if n := len(l); n > 0 {
		z := l[n-1]
		streams.free[level] = l[:n-1]
		streams.mu.Unlock()
		return z
	}
	streams.mu.Unlock()
	return C.rg_zs_new(C.int(level)) // nil on failure: compress2 then
}

func putStream(level int, z unsafe.Pointer) {
	streams.mu.Lock()
	defer streams.mu.Unlock()
	if streams.free == nil {
		streams.free = map[int][]unsafe.Pointer{}
	}
	if len(streams.free[level]) >= 2*runtime.GOMAXPROCS(0) {
		C.rg_zs_free(z)
		return
	}
	streams.free[level] = append(streams.free[level], z)
}
