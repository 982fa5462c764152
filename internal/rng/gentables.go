// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build ignore

// Gentables writes ztables.go, the tables of the ziggurat of Normals
// (run by go generate in internal/rng).
package main

import (
	"log"
	"os"

	"rgflow/internal/rng/internal/ziggurat"
)

func main() {
	if err := os.WriteFile("ztables.go", ziggurat.Source(), 0o644); err != nil {
		log.Fatal(err)
	}
}
