// Copyright ©2026 The rgflow Authors. All rights reserved.

package benchutil

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
)

// Child is a reference implementation running in a child process (a Python
// script) that reads one request per line on its stdin and answers each with
// one line on its stdout. It ends when its stdin is closed.
type Child struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// processorOverrides are environment variables some machines set to steer
// OpenBLAS's choice of kernels. A reference runs with the library's own
// choice, as a user's installation would.
var processorOverrides = []string{"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}

// StartChild starts name with args. The child inherits the environment
// without the variables named in drop and without OpenBLAS's processor
// overrides, plus set (KEY=value entries); its stderr is this process's.
func StartChild(name string, args, drop, set []string) (*Child, error) {
	cmd := exec.Command(name, args...)
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, k) && !slices.Contains(processorOverrides, k) {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, set...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", strings.Join(cmd.Args, " "), err)
	}
	return &Child{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}, nil
}

// Ask sends one request line and returns the answer line, without its
// surrounding white space.
func (c *Child) Ask(request string) (string, error) {
	if _, err := fmt.Fprintln(c.in, request); err != nil {
		return "", err
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("no answer to %q (%v)", request, err)
	}
	return strings.TrimSpace(line), nil
}

// Close closes the child's stdin and waits for it to end.
func (c *Child) Close() error {
	c.in.Close()
	return c.cmd.Wait()
}
