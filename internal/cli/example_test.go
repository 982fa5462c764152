// Copyright ©2026 The rgflow Authors. All rights reserved.

package cli_test

import (
	"context"
	"os"

	"rgflow/internal/cli"
)

// An experiment main is one line over cli.Main; here the demo experiment of
// these tests prints its resolved configuration.
func ExampleMain() {
	run := func(ctx context.Context, args []string) int {
		return cli.Main(ctx, args, os.Stdout, os.Stderr, demo)
	}
	code := run(context.Background(), []string{"--print-config", "--seed", "3", "--set", "samples=5"})
	os.Stdout.WriteString("exit ")
	os.Stdout.WriteString(string(rune('0' + code)))
	os.Stdout.WriteString("\n")
	// Output:
	// # HDF5 file to write; the .xmf sidecar and PNG plots go beside it
	// out: results/demo.h5
	// # run seed; 0 draws one at random at start and records it in the file
	// seed: 3
	// # rows to write
	// samples: 5
	// # values per row
	// width: 8
	// # pause after each row, milliseconds (to give tests time to send signals)
	// sleep_ms: 0
	// # fail before this row (-1: never)
	// fail_at: -1
	// exit 0
}
