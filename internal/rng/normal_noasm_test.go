// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build noasm || !amd64

package rng

const useAVX2Normals = false

var useAVX512Normals = false
