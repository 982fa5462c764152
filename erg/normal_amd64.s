// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !noasm

#include "textflag.h"

// The fast path of normals.fillGo on eight lanes at once (AVX2). Lanes
// 0–3 live in Y0–Y3 (state words 0–3), lanes 4–7 in Y4–Y7; the two
// xoshiro256++ chains are independent, which keeps the vector units busy
// while each waits on its own latency. A block's eight 64-bit numbers u
// give the layers u & 2047 (each lane's X_i and X_{i+1}/X_i read as one
// 16-byte pair from zigXR and transposed, faster than two VGATHERQPD
// where measured) and the uniforms f = float64(u>>12 | 2.0's exponent) − 3
// in [−1, 1).

DATA zigMask<>+0(SB)/8, $0x7ff
DATA zigMask<>+8(SB)/8, $0x7ff
DATA zigMask<>+16(SB)/8, $0x7ff
DATA zigMask<>+24(SB)/8, $0x7ff
GLOBL zigMask<>(SB), RODATA|NOPTR, $32

DATA zigTwo<>+0(SB)/8, $0x4000000000000000
DATA zigTwo<>+8(SB)/8, $0x4000000000000000
DATA zigTwo<>+16(SB)/8, $0x4000000000000000
DATA zigTwo<>+24(SB)/8, $0x4000000000000000
GLOBL zigTwo<>(SB), RODATA|NOPTR, $32

DATA zigThree<>+0(SB)/8, $3.0
DATA zigThree<>+8(SB)/8, $3.0
DATA zigThree<>+16(SB)/8, $3.0
DATA zigThree<>+24(SB)/8, $3.0
GLOBL zigThree<>(SB), RODATA|NOPTR, $32

DATA zigAbs<>+0(SB)/8, $0x7fffffffffffffff
DATA zigAbs<>+8(SB)/8, $0x7fffffffffffffff
DATA zigAbs<>+16(SB)/8, $0x7fffffffffffffff
DATA zigAbs<>+24(SB)/8, $0x7fffffffffffffff
GLOBL zigAbs<>(SB), RODATA|NOPTR, $32

// XOSHIRO sets R to the xoshiro256++ outputs of the four lanes with state
// words S0–S3 and steps them; T is scratch.
#define XOSHIRO(S0, S1, S2, S3, R, T) \
	VPADDQ S0, S3, R  \
	VPSLLQ $23, R, T  \
	VPSRLQ $41, R, R  \
	VPOR   T, R, R    \
	VPADDQ S0, R, R   \
	VPSLLQ $17, S1, T \
	VPXOR  S0, S2, S2 \
	VPXOR  S1, S3, S3 \
	VPXOR  S2, S1, S1 \
	VPXOR  S3, S0, S0 \
	VPXOR  T, S2, S2  \
	VPSLLQ $45, S3, T \
	VPSRLQ $19, S3, S3 \
	VPOR   T, S3, S3

// ZIG writes the fast-path normals of the four numbers in U to OFF(DI)
// and their acceptance bits to MSK; Y9, Y11–Y15, R8, R12, R13, DX are
// scratch.
#define ZIG(U, OFF, MSK) \
	VPAND        zigMask<>(SB), U, Y9         \
	VPSLLQ       $4, Y9, Y9                   \
	VMOVQ        X9, R8                       \
	VPEXTRQ      $1, X9, R12                  \
	VEXTRACTI128 $1, Y9, X9                   \
	VMOVQ        X9, R13                      \
	VPEXTRQ      $1, X9, DX                   \
	VMOVUPD      (R11)(R8*1), X11             \
	VINSERTF128  $1, (R11)(R13*1), Y11, Y11   \
	VMOVUPD      (R11)(R12*1), X12            \
	VINSERTF128  $1, (R11)(DX*1), Y12, Y12    \
	VUNPCKHPD    Y12, Y11, Y13                \
	VUNPCKLPD    Y12, Y11, Y12                \
	VPSRLQ       $12, U, Y14                  \
	VPOR         zigTwo<>(SB), Y14, Y14       \
	VSUBPD       zigThree<>(SB), Y14, Y14     \
	VANDPD       zigAbs<>(SB), Y14, Y15       \
	VCMPPD       $1, Y13, Y15, Y15            \
	VMULPD       Y12, Y14, Y12                \
	VMOVUPD      Y12, OFF(DI)                 \
	VMOVMSKPD    Y15, MSK

// func zigBlocksAVX2(dst []float64, s *[4][zigLanes]uint64, miss *[missCap][1 + zigLanes]uint64) (done, nmiss int)
//
// Fills len(dst)/8 blocks. A block with a lane outside its rectangle is
// recorded in miss (block index | acceptance bits<<32, then its eight
// numbers) for Go to finish; when missCap (32) records are taken it stops after that block.
// Returns the blocks done and the records taken; the lanes' states are
// written back.
//
// Registers: Y0–Y7 state, Y8 and Y10 the block's numbers, the rest
// scratch; DI output, AX block, CX blocks, BX records, R9 records' base,
// R10 and DX acceptance bits, R11 zigXR.
TEXT ·zigBlocksAVX2(SB), NOSPLIT, $0-56
	MOVQ    dst_base+0(FP), DI
	MOVQ    dst_len+8(FP), CX
	SHRQ    $3, CX
	MOVQ    s+24(FP), SI
	MOVQ    miss+32(FP), R9
	VMOVDQU 0(SI), Y0
	VMOVDQU 64(SI), Y1
	VMOVDQU 128(SI), Y2
	VMOVDQU 192(SI), Y3
	VMOVDQU 32(SI), Y4
	VMOVDQU 96(SI), Y5
	VMOVDQU 160(SI), Y6
	VMOVDQU 224(SI), Y7
	LEAQ    ·zigXR(SB), R11
	XORQ    AX, AX
	XORQ    BX, BX

loop:
	CMPQ AX, CX
	JGE  done
	XOSHIRO(Y0, Y1, Y2, Y3, Y8, Y9)
	XOSHIRO(Y4, Y5, Y6, Y7, Y10, Y11)
	ZIG(Y8, 0, R10)
	ZIG(Y10, 32, DX)
	SHLQ $4, DX
	ORQ  R10, DX
	CMPQ DX, $255
	JNE  miss

next:
	ADDQ $64, DI
	INCQ AX
	JMP  loop

miss:
	MOVQ    BX, R8
	IMULQ   $72, R8
	ADDQ    R9, R8
	SHLQ    $32, DX
	ORQ     AX, DX
	MOVQ    DX, (R8)
	VMOVDQU Y8, 8(R8)
	VMOVDQU Y10, 40(R8)
	INCQ    BX
	CMPQ    BX, $32
	JLT     next
	INCQ    AX

done:
	VMOVDQU Y0, 0(SI)
	VMOVDQU Y1, 64(SI)
	VMOVDQU Y2, 128(SI)
	VMOVDQU Y3, 192(SI)
	VMOVDQU Y4, 32(SI)
	VMOVDQU Y5, 96(SI)
	VMOVDQU Y6, 160(SI)
	VMOVDQU Y7, 224(SI)
	VZEROUPPER
	MOVQ    AX, done+40(FP)
	MOVQ    BX, nmiss+48(FP)
	RET

// func stepAVX2(dst, x []complex128, xi, a, b []float64)
//
// dst[j] = a[j]·x[j] + b[j]·(xi[2j] + i·xi[2j+1]) for j < len(dst)&^1, two
// modes per iteration, rounding each product (no FMA), as Flow.step does.
TEXT ·stepAVX2(SB), NOSPLIT, $0-120
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ xi_base+48(FP), DX
	MOVQ a_base+72(FP), R8
	MOVQ b_base+96(FP), R9
	SHRQ $1, CX
	JZ   stepEnd

stepLoop:
	VMOVUPD (R8), X0
	VPERMPD $0x50, Y0, Y0
	VMOVUPD (R9), X1
	VPERMPD $0x50, Y1, Y1
	VMULPD  (SI), Y0, Y0
	VMULPD  (DX), Y1, Y1
	VADDPD  Y1, Y0, Y0
	VMOVUPD Y0, (DI)
	ADDQ    $16, R8
	ADDQ    $16, R9
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     stepLoop

stepEnd:
	VZEROUPPER
	RET
