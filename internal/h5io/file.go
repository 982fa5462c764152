// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

// #include "shim.h"
import "C"

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"gonum.org/v1/hdf5"

	"rgflow/internal/buildinfo"
)

// SchemaVersion is the version of the layout in docs/hdf5-schema.md that
// this package writes, stored as the root attribute schema_version. It
// changes whenever a reader of the old layout would misread the new one.
const SchemaVersion = 1

// Status is the root attribute status: where the run that wrote the file
// stands.
type Status string

// Run states.
const (
	// StatusRunning: the run is writing the file, or was killed while writing
	// it. The file holds everything up to its last flush.
	StatusRunning Status = "running"
	// StatusInterrupted: the run was asked to stop (SIGINT, SIGTERM,
	// SIGUSR1), wrote a checkpoint and can be continued with --resume.
	StatusInterrupted Status = "interrupted"
	// StatusFailed: the run stopped on an error; the file is incomplete.
	StatusFailed Status = "failed"
	// StatusComplete: every stage finished and every dataset is final.
	StatusComplete Status = "complete"
)

// Meta is what a run records at the root of its file.
type Meta struct {
	Experiment string // program name, e.g. "freefield"
	Config     string // the resolved configuration, YAML
	Seed       uint64 // the run seed
}

// Info is the root of a file as read back.
type Info struct {
	Meta
	SchemaVersion int64
	Status        Status
	Version       string // rgflow_version
	Revision      string // revision
	Created       string // created, RFC 3339 UTC
}

// File is an open rgflow HDF5 file. Its methods are safe for concurrent use:
// each sends its work to the HDF5 goroutine and waits for the answer.
type File struct {
	path     string
	final    string // the name Commit renames the file to ("": written in place)
	writable bool
	resumed  bool
	lock     *writerLock // the writer lock, released by Close

	h      *hdf5.File // touched only on the HDF5 goroutine
	open   []*Dataset // datasets opened through this File, closed in reverse at Close
	byPath map[string]*Dataset
	closed bool

	restored    Checkpoint // the state Resume found (Lengths carried into later saves)
	hasRestored bool

	// The XDMF sidecar's views file holds a view per grid (xdmf.go): those
	// made so far, for the file name viewsOf (a rename remakes them all).
	views   map[string]bool
	viewsOf string
	xdmfSig string // the fields the sidecar last described (unchanged: no rewrite)

	held     bool        // metadata evictions are off (holdMetadata)
	isClosed atomic.Bool // mirrors closed for goroutines other than the HDF5 one
	stageMu  sync.Mutex  // guards staged
	staged   []*Dataset  // datasets that stage appends (direct.go)
}

// Path returns the file's name on disk: as given to Create or Open, or,
// until Commit, the partial file of a replacing Create or Resume.
func (f *File) Path() string { return f.path }

// PartialPath returns the name under which a replacing run writes the file
// path until Commit: results/run.h5 gives results/run.partial.h5 (the same
// directory, so the final rename is atomic; the same extension, so the
// XDMF sidecar of the partial file has a name of its own).
func PartialPath(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + ".partial" + ext
}

// Resumed reports whether the file was opened by Resume.
func (f *File) Resumed() bool { return f.resumed }

// CreateOptions adjust Create.
type CreateOptions struct {
	// Overwrite truncates an existing file and writes the new one in its
	// place. Without it (or Replace), Create refuses to touch an existing
	// file.
	Overwrite bool
	// Replace leaves an existing file untouched: the new one is written as
	// PartialPath(path) and replaces it only when Commit renames it, so a
	// run that fails or is killed leaves the old file whole.
	Replace bool
}

// Create creates the file at path (and its directory), writes the root
// attributes of meta with status running, and flushes, so the file is a
// valid (if empty) result from the start. The file's writer lock
// (LockPath) is held until Close; Create fails with ErrLocked when another
// writer holds it.
func Create(path string, meta Meta, opt CreateOptions) (*File, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("h5io: create %s: %w", path, err)
		}
	}
	lock, err := acquireLock(path)
	if err != nil {
		return nil, err
	}
	if !opt.Overwrite && !opt.Replace {
		if _, err := os.Stat(path); err == nil {
			lock.release()
			return nil, fmt.Errorf("h5io: create %s: file exists (continue it with --resume, or choose another --out)", path)
		}
	}
	f := &File{path: path, writable: true, byPath: map[string]*Dataset{}, lock: lock}
	if opt.Replace {
		f.path, f.final = PartialPath(path), path
	} else {
		// The partial file of an earlier replacing run that never committed
		// would otherwise be what Resume continues.
		os.Remove(PartialPath(path))
		os.Remove(XDMFPath(PartialPath(path)))
		os.Remove(XDMFDataPath(PartialPath(path)))
	}
	err = do(func() error {
		h, err := hdf5.CreateFile(f.path, hdf5.F_ACC_TRUNC)
		if err != nil {
			return h5fail(err, "create %s", f.path)
		}
		f.h = h
		if err := f.holdMetadata(true); err != nil {
			return err
		}
		ver, _ := hdf5.LibVersion()
		root := []struct {
			name string
			v    any
		}{
			{"schema_version", int64(SchemaVersion)},
			{"rgflow_version", buildinfo.Version},
			{"revision", buildinfo.Revision},
			{"created", time.Now().UTC().Format(time.RFC3339)},
			{"experiment", meta.Experiment},
			{"config", meta.Config},
			{"seed", meta.Seed},
			{"hdf5_version", ver.String()},
			{"status", string(StatusRunning)},
			{"Conventions", Conventions},
		}
		for _, a := range root {
			if err := f.setAttr("/", a.name, a.v); err != nil {
				return err
			}
		}
		return f.flush()
	})
	if err != nil {
		if f.h != nil {
			do(func() error { return f.closeAll() })
		}
		lock.release()
		return nil, err
	}
	return f, nil
}

// Open opens an existing file read-only and checks its schema version.
func Open(path string) (*File, error) {
	return open(path, false)
}

// Resume opens an existing file for writing to continue the run that wrote
// it: it checks the schema version, sets status to running and flushes.
// Datasets are then reopened by CreateDataset with the same Spec, and
// RestoreCheckpoint returns the saved state and rolls extendible datasets
// back to their checkpointed lengths. When a replacing run left its partial
// file (PartialPath), Resume continues that one, and Commit replaces path
// with it. The writer lock is held as by Create.
func Resume(path string) (*File, error) {
	lock, err := acquireLock(path)
	if err != nil {
		return nil, err
	}
	target, final := ResumePath(path), ""
	if target != path {
		final = path
	}
	f, err := open(target, true)
	if err != nil {
		lock.release()
		return nil, err
	}
	f.lock, f.final = lock, final
	f.resumed = true
	err = f.call(func() (err error) {
		if err := f.verify(); err != nil {
			return err
		}
		f.restored, f.hasRestored, err = f.restoreCheckpoint()
		return err
	})
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.SetStatus(StatusRunning); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ErrDamaged: a chunk of a dataset fails its Fletcher-32 checksum.
var ErrDamaged = errors.New("h5io: damaged file")

// Verify checks the Fletcher-32 checksum of every stored chunk of every
// dataset that has them (every chunked dataset this package writes), and
// returns an error wrapping ErrDamaged that names the first damaged
// dataset and chunk. Resume verifies the file before anything else.
func (f *File) Verify() error {
	return f.call(f.verify)
}

func (f *File) verify() error {
	paths, err := f.datasets()
	if err != nil {
		return err
	}
	for _, p := range paths {
		d, err := f.openDataset(p)
		if err != nil {
			return err
		}
		bad := make([]C.hsize_t, max(len(d.shape), 1))
		switch C.rg_verify(d.id(), &bad[0]) {
		case 0:
		case 1:
			off := make([]int64, len(d.shape))
			for i := range off {
				off[i] = int64(bad[i])
			}
			return fmt.Errorf("%w: %s: the chunk of %s at %v fails its Fletcher-32 checksum: the file was damaged after it was written (restore a copy, or start the run again with --force)", ErrDamaged, f.path, p, off)
		default:
			return h5fail(nil, "verify the checksums of %s in %s", p, f.path)
		}
	}
	return nil
}

// ResumePath returns the file Resume continues for path: the partial file
// of a replacing run if there is one, else path.
func ResumePath(path string) string {
	if _, err := os.Stat(PartialPath(path)); err == nil {
		return PartialPath(path)
	}
	return path
}

// Commit gives a file written under its partial name (Create with Replace,
// or Resume of such a file) its final name, replacing the file there by an
// atomic rename, and rewrites the XDMF sidecar under the final name. Commit
// the file once it is complete; a file written in place needs no Commit.
func (f *File) Commit() error {
	if err := f.drainAll(); err != nil {
		return err
	}
	return f.call(func() error {
		if f.final == "" {
			return nil
		}
		if err := f.flush(); err != nil {
			return err
		}
		if err := os.Rename(f.path, f.final); err != nil {
			return fmt.Errorf("h5io: replace %s by %s: %w", f.final, f.path, err)
		}
		os.Remove(XDMFPath(f.path))
		os.Remove(XDMFDataPath(f.path))
		f.path, f.final = f.final, ""
		return f.writeXDMF()
	})
}

func open(path string, writable bool) (*File, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("h5io: open %s: %w", path, err)
	}
	f := &File{path: path, writable: writable, byPath: map[string]*Dataset{}}
	err := do(func() error {
		flags := hdf5.F_ACC_RDONLY
		if writable {
			flags = hdf5.F_ACC_RDWR
		}
		h, err := hdf5.OpenFile(path, flags)
		if err != nil {
			return h5fail(err, "open %s (is it an HDF5 file, complete and not truncated?)", path)
		}
		f.h = h
		if writable {
			if err := f.holdMetadata(true); err != nil {
				return err
			}
		}
		return f.checkSchema()
	})
	if err != nil {
		if f.h != nil {
			do(func() error { return f.closeAll() })
		}
		return nil, err
	}
	return f, nil
}

func (f *File) checkSchema() error {
	t, isStr, dims, err := f.attrInfo("/", "schema_version")
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: %s has no root attribute schema_version: not an rgflow file", ErrSchema, f.path)
		}
		return err
	}
	if isStr || t != Int64 || len(dims) != 0 {
		what := t.String()
		if isStr {
			what = "a string"
		}
		return fmt.Errorf("%w: %s: schema_version is %s%v, want a scalar int64", ErrSchema, f.path, what, dims)
	}
	var v []int64
	if err := f.readAttr("/", "schema_version", &v); err != nil {
		return err
	}
	if v[0] != SchemaVersion {
		return fmt.Errorf("%w: %s has schema_version %d; this rgflow reads version %d", ErrSchema, f.path, v[0], SchemaVersion)
	}
	return nil
}

// Info reads the root attributes.
func (f *File) Info() (Info, error) {
	var in Info
	err := f.call(func() error {
		strs := []struct {
			name string
			dst  *string
		}{
			{"experiment", &in.Experiment}, {"config", &in.Config}, {"rgflow_version", &in.Version},
			{"revision", &in.Revision}, {"created", &in.Created},
		}
		for _, s := range strs {
			v, err := f.stringAttr("/", s.name)
			if err != nil {
				return err
			}
			*s.dst = v
		}
		st, err := f.stringAttr("/", "status")
		if err != nil {
			return err
		}
		in.Status = Status(st)
		var sv []int64
		if err := f.expectAttr("/", "schema_version", Int64, nil); err != nil {
			return err
		}
		if err := f.readAttr("/", "schema_version", &sv); err != nil {
			return err
		}
		in.SchemaVersion = sv[0]
		var seed []uint64
		if err := f.expectAttr("/", "seed", Uint64, nil); err != nil {
			return err
		}
		if err := f.readAttr("/", "seed", &seed); err != nil {
			return err
		}
		in.Seed = seed[0]
		return nil
	})
	return in, err
}

// SetStatus sets the root attribute status and flushes the file.
func (f *File) SetStatus(s Status) error {
	if err := f.drainAll(); err != nil {
		return err
	}
	return f.call(func() error {
		if err := f.setAttr("/", "status", string(s)); err != nil {
			return err
		}
		return f.flush()
	})
}

// Flush writes everything buffered to disk (H5Fflush) and rewrites the
// XDMF sidecar. After Flush returns, a reader of the file (or of the file
// left by a killed run) sees every dataset as it stands.
func (f *File) Flush() error {
	if err := f.drainAll(); err != nil {
		return err
	}
	return f.call(f.flush)
}

func (f *File) flush() error {
	if !f.writable {
		return nil
	}
	if err := f.h.Flush(hdf5.F_SCOPE_GLOBAL); err != nil {
		return h5fail(err, "flush %s", f.path)
	}
	// Everything is on disk now. A cache grown past MaxHeldMetadata goes back
	// to evicting: memory matters more than crash consistency then.
	if f.held && C.rg_metadata_bytes(f.fid()) > MaxHeldMetadata {
		if err := f.holdMetadata(false); err != nil {
			return err
		}
	}
	return f.writeXDMF()
}

// MaxHeldMetadata bounds the metadata the cache holds between flushes
// (see holdMetadata).
const MaxHeldMetadata = 256 << 20

// holdMetadata keeps dirty metadata in memory until the next flush: with
// evictions off, a process killed between flushes leaves the file's
// metadata as the last flush wrote it (raw data written since lies beyond
// what that metadata references), so h5py opens it and sees the file as of
// that flush. libhdf5 1.10 offers no stronger guarantee outside SWMR, whose
// files a killed writer leaves unreadable without h5clear.
func (f *File) holdMetadata(hold bool) error {
	h := C.int(0)
	if hold {
		h = 1
	}
	if err := h5check(C.rg_hold_metadata(f.fid(), h), "configure the metadata cache of %s", f.path); err != nil {
		return err
	}
	f.held = hold
	return nil
}

// Close flushes a writable file and closes every dataset opened through it,
// in reverse order, then the file. Closing twice is a no-op.
func (f *File) Close() error {
	derr := f.drainAll()
	err := do(func() error {
		if f.closed {
			return nil
		}
		var first error
		if f.writable {
			first = f.flush()
		}
		if err := f.closeAll(); first == nil {
			first = err
		}
		if err := f.lock.release(); first == nil {
			first = err
		}
		f.lock = nil
		return first
	})
	if derr != nil {
		return derr
	}
	return err
}

func (f *File) closeAll() error {
	var first error
	for i := len(f.open) - 1; i >= 0; i-- {
		if err := f.open[i].h.Close(); err != nil && first == nil {
			first = h5fail(err, "close dataset %s", f.open[i].path)
		}
	}
	f.open = nil
	f.byPath = map[string]*Dataset{}
	if err := f.h.Close(); err != nil && first == nil {
		first = h5fail(err, "close %s", f.path)
	}
	f.closed = true
	f.isClosed.Store(true)
	return first
}

// call runs fn on the HDF5 goroutine unless the file is closed.
func (f *File) call(fn func() error) error {
	return do(func() error {
		if f.closed {
			return fmt.Errorf("%w: %s", ErrClosed, f.path)
		}
		return fn()
	})
}

func (f *File) fid() C.hid_t { return C.hid_t(f.h.ID()) }

func cstr(s string) (*C.char, func()) {
	c := C.CString(s)
	return c, func() { C.free(unsafe.Pointer(c)) }
}

// cleanPath checks an absolute HDF5 path such as "/ensemble/free/fields".
func cleanPath(p string) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("h5io: path %q: must be absolute (start with /)", p)
	}
	if p == "/" {
		return p, nil
	}
	for _, c := range strings.Split(p[1:], "/") {
		if c == "" || c == "." || c == ".." {
			return "", fmt.Errorf("h5io: path %q: empty, . or .. component", p)
		}
	}
	return p, nil
}

// exists reports whether the object at p exists.
func (f *File) exists(p string) (bool, error) {
	if p == "/" {
		return true, nil
	}
	c, free := cstr(p)
	defer free()
	switch C.rg_exists(f.fid(), c) {
	case 1:
		return true, nil
	case 0:
		return false, nil
	}
	return false, h5fail(nil, "look up %s", p)
}

// Exists reports whether an object (group or dataset) exists at path.
func (f *File) Exists(path string) (bool, error) {
	p, err := cleanPath(path)
	if err != nil {
		return false, err
	}
	var ok bool
	err = f.call(func() (err error) {
		ok, err = f.exists(p)
		return err
	})
	return ok, err
}

// ensureGroup creates the group p and any missing parents.
func (f *File) ensureGroup(p string) error {
	if p == "/" {
		return nil
	}
	parts := strings.Split(p[1:], "/")
	cur := ""
	for _, part := range parts {
		cur += "/" + part
		ok, err := f.exists(cur)
		if err != nil {
			return err
		}
		if ok {
			if t := f.objType(cur); t != 1 {
				return fmt.Errorf("h5io: %s exists and is not a group", cur)
			}
			continue
		}
		g, err := f.h.CreateGroup(cur)
		if err != nil {
			return h5fail(err, "create group %s", cur)
		}
		if err := g.Close(); err != nil {
			return h5fail(err, "close group %s", cur)
		}
	}
	return nil
}

func (f *File) objType(p string) int {
	c, free := cstr(p)
	defer free()
	return int(C.rg_obj_type(f.fid(), c))
}

// CreateGroup creates the group at path, with its parents, and sets the
// given string attributes on it (e.g. "description"). An existing group is
// kept and its attributes are updated.
func (f *File) CreateGroup(path string, attrs map[string]any) error {
	p, err := cleanPath(path)
	if err != nil {
		return err
	}
	return f.call(func() error {
		if !f.writable {
			return fmt.Errorf("h5io: create group %s: %s is open read-only", p, f.path)
		}
		if err := f.ensureGroup(p); err != nil {
			return err
		}
		for _, k := range sortedKeys(attrs) {
			if err := f.setAttr(p, k, attrs[k]); err != nil {
				return err
			}
		}
		return nil
	})
}

func parent(p string) string {
	i := strings.LastIndex(p, "/")
	if i <= 0 {
		return "/"
	}
	return p[:i]
}
