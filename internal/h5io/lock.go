// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The writer lock. Every writer of a file (Create, Resume) holds the lock
// file LockPath(path) beside it until Close, whatever HDF5's own file
// locking does: cluster jobs run with HDF5_USE_FILE_LOCKING=FALSE, because
// parallel file systems do not honour the flock HDF5 uses, and two writers
// of one file must still be refused. The lock is created with O_CREATE|O_EXCL
// (atomic on local disks, NFSv3 and later, Lustre and GPFS) and holds its
// holder as JSON (host, pid, start time, boot id). The holder refreshes the
// lock's modification time every LockRefresh.
//
// A lock is stale, and is taken over, when its holder is certainly gone:
// on the same host, when the host has rebooted since (another boot id) or no
// process with the holder's pid exists; on another host, when the lock has
// not been refreshed for LockStaleAfter. A taker removes a stale lock only
// while it holds LockPath(path)+".takeover" (created with O_EXCL) and only
// if the lock still holds what it judged stale, so of several processes
// that find the same stale lock exactly one removes it.

// LockRefresh is how often a writer refreshes its lock's modification time.
const LockRefresh = time.Minute

// LockStaleAfter is how long a lock held from another host may go without a
// refresh before it counts as left by a dead writer.
const LockStaleAfter = 15 * time.Minute

// ErrLocked: another writer holds the file's lock.
var ErrLocked = errors.New("h5io: file is being written by another run")

// LockPath returns the name of the writer lock of the HDF5 file path.
func LockPath(path string) string { return path + ".lock" }

// lockHolder is the content of a lock file.
type lockHolder struct {
	Host    string `json:"host"`
	PID     int    `json:"pid"`
	Started string `json:"started"` // RFC 3339 UTC
	BootID  string `json:"boot_id,omitempty"`
	Token   string `json:"token"` // random: tells this lock from any later one
}

func (h lockHolder) String() string {
	return fmt.Sprintf("pid %d on host %s since %s", h.PID, h.Host, h.Started)
}

// writerLock is a held lock.
type writerLock struct {
	path    string
	content []byte
	stop    chan struct{}
	done    sync.WaitGroup
}

func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// stale says whether the lock held by h, last refreshed at mod, was left by
// a writer that no longer runs.
func (h lockHolder) stale(mod time.Time) bool {
	host, _ := os.Hostname()
	if h.Host == host {
		if b := bootID(); b != "" && h.BootID != "" && b != h.BootID {
			return true
		}
		return !processAlive(h.PID)
	}
	return time.Since(mod) > LockStaleAfter
}

// acquireLock takes the writer lock of the file path, taking over a stale
// one, or returns an error wrapping ErrLocked that names the holder.
func acquireLock(path string) (*writerLock, error) {
	lp := LockPath(path)
	host, _ := os.Hostname()
	tok := make([]byte, 8)
	rand.Read(tok)
	content, err := json.Marshal(lockHolder{
		Host: host, PID: os.Getpid(), Started: time.Now().UTC().Format(time.RFC3339),
		BootID: bootID(), Token: hex.EncodeToString(tok),
	})
	if err != nil {
		return nil, err
	}
	content = append(content, '\n')
	for attempt := 0; attempt < 500; attempt++ {
		fh, err := os.OpenFile(lp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			_, werr := fh.Write(content)
			serr := fh.Sync()
			if cerr := fh.Close(); werr == nil {
				werr = errors.Join(serr, cerr)
			}
			if werr != nil {
				os.Remove(lp)
				return nil, fmt.Errorf("h5io: write the lock %s: %w", lp, werr)
			}
			l := &writerLock{path: lp, content: content, stop: make(chan struct{})}
			l.done.Add(1)
			go l.refresh()
			return l, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("h5io: cannot create the lock %s: %w", lp, err)
		}
		if err := takeOver(path, lp); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: %s: the lock %s keeps reappearing", ErrLocked, path, lp)
}

// takeOver removes the lock lp if it is stale, and returns an error wrapping
// ErrLocked when it is held. A nil return means: try to create it again.
func takeOver(path, lp string) error {
	old, err := os.ReadFile(lp)
	st, serr := os.Stat(lp)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(serr, fs.ErrNotExist) {
		return nil // released meanwhile
	}
	if err != nil || serr != nil {
		return fmt.Errorf("h5io: cannot read the lock %s: %w", lp, errors.Join(err, serr))
	}
	var h lockHolder
	if err := json.Unmarshal(old, &h); err != nil {
		if time.Since(st.ModTime()) < 10*time.Second {
			return fmt.Errorf("%w: %s: the lock %s is being written", ErrLocked, path, lp)
		}
		return fmt.Errorf("%w: %s: the lock %s is not a lock this rgflow wrote (%v); remove it if no run writes the file", ErrLocked, path, lp, err)
	}
	if !h.stale(st.ModTime()) {
		return fmt.Errorf("%w: %s is being written by %s (lock %s; if that run is dead, remove the lock)", ErrLocked, path, h, lp)
	}
	// Only the holder of the takeover file may remove a stale lock, and
	// only when it still holds what was judged: of several writers that
	// found the same stale lock, one removes it and the others find the
	// lock gone or replaced.
	tl := lp + ".takeover"
	fh, err := os.OpenFile(tl, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if st, serr := os.Stat(tl); serr == nil && time.Since(st.ModTime()) > 10*time.Second {
			os.Remove(tl) // left by a writer killed while taking over
		}
		time.Sleep(10 * time.Millisecond)
		return nil
	}
	fh.Close()
	defer os.Remove(tl)
	if now, err := os.ReadFile(lp); err == nil && bytes.Equal(now, old) {
		if err := os.Remove(lp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("h5io: take over the stale lock %s: %w", lp, err)
		}
	}
	return nil
}

// refresh touches the lock every LockRefresh until release.
func (l *writerLock) refresh() {
	defer l.done.Done()
	t := time.NewTicker(LockRefresh)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			now := time.Now()
			os.Chtimes(l.path, now, now)
		}
	}
}

// release removes the lock if it is still this writer's.
func (l *writerLock) release() error {
	if l == nil {
		return nil
	}
	close(l.stop)
	l.done.Wait()
	got, err := os.ReadFile(l.path)
	if err != nil || !bytes.Equal(got, l.content) {
		return nil // taken over (this run was judged dead) or removed by hand
	}
	if err := os.Remove(l.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("h5io: remove the lock %s: %w", l.path, err)
	}
	return nil
}
