// Copyright ©2026 The rgflow Authors. All rights reserved.

package lattice

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// BatchFFT transforms batches of real fields with one r2c plan per worker
// on a persistent pool of goroutines. The layout and results are those of
// FFT.ForwardBatch and FFT.InverseBatch, bit for bit: each field is done
// whole by one worker, so the work is shared without changing the
// arithmetic.
//
// Starting goroutines per call would cost more than a small transform, so
// the workers live until Close. The calling goroutine works too. A
// BatchFFT serves one caller at a time; use one per goroutine that needs
// one. In steady state its methods allocate nothing.
type BatchFFT struct {
	l     *Lattice
	plans []*FFT // plans[0] is the caller's
	start chan struct{}
	wg    sync.WaitGroup
	next  atomic.Int64

	// The current call, published to the workers by the sends on start.
	inv  bool
	n    int
	rsrc []float64
	cdst []complex128
	csrc []complex128
	rdst []float64
}

// NewBatchFFT returns a batch plan for l using the given number of
// workers, the calling goroutine included; workers ≤ 0 means
// runtime.GOMAXPROCS(0). Close releases the worker goroutines.
func NewBatchFFT(l *Lattice, workers int) *BatchFFT {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := NewFFT(l)
	b := &BatchFFT{l: l, plans: make([]*FFT, workers), start: make(chan struct{})}
	b.plans[0] = p
	for w := 1; w < workers; w++ {
		b.plans[w] = p.Clone()
		go b.worker(b.plans[w])
	}
	return b
}

// Lattice returns the plan's lattice.
func (b *BatchFFT) Lattice() *Lattice { return b.l }

// Workers returns the number of workers, the caller included.
func (b *BatchFFT) Workers() int { return len(b.plans) }

// Close stops the worker goroutines. The BatchFFT must not be used after.
func (b *BatchFFT) Close() { close(b.start) }

func (b *BatchFFT) worker(p *FFT) {
	for range b.start {
		b.work(p)
		b.wg.Done()
	}
}

// work transforms fields until the batch is exhausted.
func (b *BatchFFT) work(p *FFT) {
	V, H := b.l.volume, b.l.HalfLen()
	for {
		i := int(b.next.Add(1)) - 1
		if i >= b.n {
			return
		}
		if b.inv {
			p.inverse(b.rdst[i*V:(i+1)*V], b.csrc[i*H:(i+1)*H])
		} else {
			p.forward(b.cdst[i*H:(i+1)*H], b.rsrc[i*V:(i+1)*V])
		}
	}
}

func (b *BatchFFT) run(n int) {
	b.n = n
	b.next.Store(0)
	helpers := max(0, min(len(b.plans), n)-1)
	b.wg.Add(helpers)
	for w := 0; w < helpers; w++ {
		b.start <- struct{}{}
	}
	b.work(b.plans[0])
	b.wg.Wait()
	b.rsrc, b.cdst, b.csrc, b.rdst = nil, nil, nil, nil
}

// ForwardBatch transforms len(src)/V fields stored one after another in src
// into their half spectra, stored one after another in dst, and returns dst.
func (b *BatchFFT) ForwardBatch(dst []complex128, src []float64) []complex128 {
	V, H := b.l.volume, b.l.HalfLen()
	if len(src)%V != 0 {
		panic("lattice: batch length is not a multiple of the volume")
	}
	n := len(src) / V
	if dst == nil {
		dst = make([]complex128, n*H)
	} else if len(dst) != n*H {
		panic("lattice: batch spectrum length mismatch")
	}
	b.inv, b.rsrc, b.cdst = false, src, dst
	b.run(n)
	return dst
}

// InverseBatch is the inverse of ForwardBatch; src is not modified.
func (b *BatchFFT) InverseBatch(dst []float64, src []complex128) []float64 {
	V, H := b.l.volume, b.l.HalfLen()
	if len(src)%H != 0 {
		panic("lattice: batch length is not a multiple of the spectrum length")
	}
	n := len(src) / H
	if dst == nil {
		dst = make([]float64, n*V)
	} else if len(dst) != n*V {
		panic("lattice: batch field length mismatch")
	}
	b.inv, b.csrc, b.rdst = true, src, dst
	b.run(n)
	return dst
}
