// Copyright ©2026 The rgflow Authors. All rights reserved.

package h5io

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func writeLock(t *testing.T, path string, h lockHolder, age time.Duration) {
	t.Helper()
	b, _ := json.Marshal(h)
	if err := os.WriteFile(LockPath(path), b, 0o644); err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-age)
	os.Chtimes(LockPath(path), then, then)
}

// A second writer of a file is refused, naming the holder; Close releases
// the lock.
func TestLockRefusesSecondWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.h5")
	f, err := Create(path, Meta{Experiment: "t"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Resume(path)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid "+itoa(os.Getpid())) {
		t.Errorf("second writer: %v", err)
	}
	if _, err := Create(path, Meta{Experiment: "t"}, CreateOptions{Replace: true}); !errors.Is(err, ErrLocked) {
		t.Errorf("replacing writer: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(LockPath(path)); err == nil {
		t.Error("Close left the lock")
	}
	g, err := Resume(path)
	if err != nil {
		t.Fatalf("resume after close: %v", err)
	}
	g.Close()
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// Which locks are stale: a dead pid or another boot on this host; on
// another host, only a lock not refreshed for LockStaleAfter.
func TestLockStale(t *testing.T) {
	host, _ := os.Hostname()
	dead := 1 << 22 // above pid_max's default
	for processAlive(dead) {
		dead++
	}
	for _, c := range []struct {
		name  string
		h     lockHolder
		age   time.Duration
		stale bool
	}{
		{"this process", lockHolder{Host: host, PID: os.Getpid(), BootID: bootID()}, time.Hour, false},
		{"dead pid", lockHolder{Host: host, PID: dead, BootID: bootID()}, 0, true},
		{"before a reboot", lockHolder{Host: host, PID: os.Getpid(), BootID: "another-boot"}, 0, bootID() != ""},
		{"other host, fresh", lockHolder{Host: host + "-elsewhere", PID: 1}, LockStaleAfter / 2, false},
		{"other host, silent", lockHolder{Host: host + "-elsewhere", PID: 1}, 2 * LockStaleAfter, true},
	} {
		path := filepath.Join(t.TempDir(), "s.h5")
		writeLock(t, path, c.h, c.age)
		l, err := acquireLock(path)
		if c.stale != (err == nil) {
			t.Errorf("%s: stale %t, acquire: %v", c.name, c.stale, err)
		}
		if err != nil && !strings.Contains(err.Error(), "on host "+c.h.Host) {
			t.Errorf("%s: the refusal does not name the holder: %v", c.name, err)
		}
		l.release()
	}
}

// Of several writers that find the same stale lock, exactly one takes it
// over.
func TestLockTakeOverOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.h5")
	host, _ := os.Hostname()
	for round := 0; round < 100; round++ {
		writeLock(t, path, lockHolder{Host: host + "-elsewhere", PID: 1, Token: "old"}, time.Hour)
		var wg sync.WaitGroup
		locks := make([]*writerLock, 8)
		for i := range locks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				locks[i], _ = acquireLock(path)
			}()
		}
		wg.Wait()
		n := 0
		for _, l := range locks {
			if l != nil {
				n++
				l.release()
			}
		}
		if n != 1 {
			t.Fatalf("round %d: %d writers took the lock over", round, n)
		}
	}
}
