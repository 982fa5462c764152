// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !noasm

#include "textflag.h"

// The fast path of normals.fillGo on eight lanes at once (AVX2). Lanes
// 0–3 live in Y0–Y3 (state words 0–3), lanes 4–7 in Y4–Y7; the two
// xoshiro256++ chains are independent, which keeps the vector units busy
// while each waits on its own latency. A block's eight 64-bit numbers u
// give the layers u & 2047 (each lane's X_i and X_{i+1}/X_i read as one
// 16-byte pair from zigXR and transposed, which is faster than two
// VGATHERQPD) and the uniforms f = float64(u>>12 | 2.0's exponent) − 3
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

// The AVX-512 kernels: the eight lanes in one ZMM register per state word
// (Z0–Z3), rotates in one instruction (VPROLQ) and three-way xors in one
// (VPTERNLOGQ), which take a xoshiro step from fourteen instructions on
// four lanes to nine on eight. The layers' byte offsets go through
// memory to general registers (one store, eight loads), which is faster
// than the extracts of the AVX2 kernel and than eight VGATHERQPD lanes.
// Only AVX512F is used. The xoshiro step is a chain of two-cycle vector
// integer operations; what limits the rest is the reads of the 32 KiB
// table.

DATA zigOff<>+0(SB)/8, $0x7ff0
GLOBL zigOff<>(SB), RODATA|NOPTR, $8

// XOSHIRO512 sets R to the xoshiro256++ outputs of the eight lanes of
// Z0–Z3 and steps them; Z10 is scratch. With s0…s3 the old words and
// t = s1<<17: s0 ← s0^s1^s3, s1 ← s0^s1^s2, s2 ← s0^s2^t,
// s3 ← rotl(s1^s3, 45).
#define XOSHIRO512(R) \
	VPADDQ     Z0, Z3, R          \
	VPROLQ     $23, R, R          \
	VPADDQ     Z0, R, R           \
	VPSLLQ     $17, Z1, Z10       \
	VPXORQ     Z1, Z3, Z3         \
	VPTERNLOGQ $0x96, Z2, Z0, Z1  \
	VPTERNLOGQ $0x96, Z10, Z0, Z2 \
	VPXORQ     Z3, Z0, Z0         \
	VPROLQ     $45, Z3, Z3

// ZIG512 sets Z12 to the fast-path normals of the eight numbers in U and
// K1 to their acceptance bits. Z20 holds the offset mask 0x7ff0, Z21 the
// bits of 2.0, Z22 3.0, Z23 the abs mask; R11 is zigXR. Pairs of lanes
// 0, 2, 4, 6 go to Z11 and of 1, 3, 5, 7 to Z12, so that the unpacks give
// X_i and X_{i+1}/X_i in lane order. R14 points at a 64-byte-aligned
// slot of the frame that takes the eight byte offsets (an unaligned one
// straddles two cache lines, which slows the eight loads from it). Z9, Z11–Z15, R8 and R12 are scratch.
#define ZIG512(U) \
	VPSLLQ       $4, U, Z9                   \
	VPANDQ       Z20, Z9, Z9                 \
	VMOVDQU64    Z9, 0(R14)                  \
	MOVQ         0(R14), R8                 \
	MOVQ         8(R14), R12                \
	VMOVUPD      (R11)(R8*1), X11            \
	VMOVUPD      (R11)(R12*1), X12           \
	MOVQ         16(R14), R8                  \
	MOVQ         24(R14), R12                 \
	VINSERTF32X4 $1, (R11)(R8*1), Z11, Z11   \
	VINSERTF32X4 $1, (R11)(R12*1), Z12, Z12  \
	MOVQ         32(R14), R8                  \
	MOVQ         40(R14), R12                 \
	VINSERTF32X4 $2, (R11)(R8*1), Z11, Z11   \
	VINSERTF32X4 $2, (R11)(R12*1), Z12, Z12  \
	MOVQ         48(R14), R8                  \
	MOVQ         56(R14), R12                 \
	VINSERTF32X4 $3, (R11)(R8*1), Z11, Z11   \
	VINSERTF32X4 $3, (R11)(R12*1), Z12, Z12  \
	VUNPCKHPD    Z12, Z11, Z13               \
	VUNPCKLPD    Z12, Z11, Z12               \
	VPSRLQ       $12, U, Z14                 \
	VPORQ        Z21, Z14, Z14               \
	VSUBPD       Z22, Z14, Z14               \
	VPANDQ       Z23, Z14, Z15               \
	VCMPPD       $1, Z13, Z15, K1            \
	VMULPD       Z12, Z14, Z12

#define ZIG512SETUP \
	LEAQ         63(SP), R14         \
	ANDQ         $~63, R14           \
	VPBROADCASTQ zigOff<>(SB), Z20   \
	VPBROADCASTQ zigTwo<>(SB), Z21   \
	VPBROADCASTQ zigThree<>(SB), Z22 \
	VPBROADCASTQ zigAbs<>(SB), Z23   \
	LEAQ         ·zigXR(SB), R11

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

// func zigBlocksAVX512(dst []float64, s *[4][zigLanes]uint64, miss *[missCap][1 + zigLanes]uint64) (done, nmiss int)
//
// zigBlocksAVX2 on eight lanes at once: the same normals, records and
// returns.
TEXT ·zigBlocksAVX512(SB), NOSPLIT, $128-56
	MOVQ      dst_base+0(FP), DI
	MOVQ      dst_len+8(FP), CX
	SHRQ      $3, CX
	MOVQ      s+24(FP), SI
	MOVQ      miss+32(FP), R9
	VMOVDQU64 0(SI), Z0
	VMOVDQU64 64(SI), Z1
	VMOVDQU64 128(SI), Z2
	VMOVDQU64 192(SI), Z3
	ZIG512SETUP
	XORQ      AX, AX
	XORQ      BX, BX

loop512:
	CMPQ    AX, CX
	JGE     done512
	XOSHIRO512(Z8)
	ZIG512(Z8)
	VMOVUPD Z12, (DI)
	KMOVW   K1, DX
	CMPQ    DX, $255
	JNE     miss512

next512:
	ADDQ $64, DI
	INCQ AX
	JMP  loop512

miss512:
	MOVQ      BX, R8
	IMULQ     $72, R8
	ADDQ      R9, R8
	SHLQ      $32, DX
	ORQ       AX, DX
	MOVQ      DX, (R8)
	VMOVDQU64 Z8, 8(R8)
	INCQ      BX
	CMPQ      BX, $32
	JLT       next512
	INCQ      AX

done512:
	VMOVDQU64 Z0, 0(SI)
	VMOVDQU64 Z1, 64(SI)
	VMOVDQU64 Z2, 128(SI)
	VMOVDQU64 Z3, 192(SI)
	VZEROUPPER
	MOVQ      AX, done+40(FP)
	MOVQ      BX, nmiss+48(FP)
	RET

// func zigStepAVX512(dst, x []complex128, ab []float64, s *[4][zigLanes]uint64, miss *[missCap + 1][1 + 2*zigLanes]uint64) (done, nmiss int)
//
// The update of erg's Flow.step fused with the draw of its noise: block m of
// the stream (normals ξ_{8m} … ξ_{8m+7}) goes straight into modes
// j = 4m … 4m+3, dst[j] = a_j·x[j] + b_j·(ξ_{2j} + i·ξ_{2j+1}) with
// (a_j, b_j) = (ab[2j], ab[2j+1]), each product rounded before the sum as
// stepAVX2 does, for len(ab)/8 blocks. A block's dst, x and ab are 64
// bytes each, at one offset (R13). Every block is written to the next
// record of miss (block index | acceptance bits<<32, its eight numbers,
// its eight inputs x, which dst may have overwritten), which is kept only
// if a lane fell outside its rectangle: no branch on the 1.8% of blocks
// with a miss. Go finishes those lanes; after missCap kept records the
// kernel stops. Otherwise as zigBlocksAVX512.
TEXT ·zigStepAVX512(SB), NOSPLIT, $128-104
	MOVQ      dst_base+0(FP), DI
	MOVQ      x_base+24(FP), SI
	MOVQ      ab_base+48(FP), R10
	MOVQ      ab_len+56(FP), CX
	SHRQ      $3, CX
	MOVQ      s+72(FP), AX
	MOVQ      miss+80(FP), R9
	VMOVDQU64 0(AX), Z0
	VMOVDQU64 64(AX), Z1
	VMOVDQU64 128(AX), Z2
	VMOVDQU64 192(AX), Z3
	ZIG512SETUP
	XORQ      AX, AX
	XORQ      BX, BX
	XORQ      R13, R13
	CMPQ      AX, CX
	JGE       stepDone512

stepLoop512:
	XOSHIRO512(Z8)
	ZIG512(Z8)
	VMOVUPD   (R10)(R13*1), Z16
	VUNPCKHPD Z16, Z16, Z17
	VUNPCKLPD Z16, Z16, Z16
	VMOVUPD   (SI)(R13*1), Z18
	VMULPD    Z18, Z16, Z16
	VMULPD    Z12, Z17, Z17
	VADDPD    Z17, Z16, Z16
	VMOVUPD   Z16, (DI)(R13*1)
	KMOVW     K1, DX
	MOVQ      DX, R12
	SHLQ      $32, R12
	ORQ       AX, R12
	MOVQ      R12, (R9)
	VMOVDQU64 Z8, 8(R9)
	VMOVDQU64 Z18, 72(R9)
	XORL      R12, R12
	CMPQ      DX, $255
	SETNE     R12B
	ADDQ      R12, BX
	IMULQ     $136, R12
	ADDQ      R12, R9
	ADDQ      $64, R13
	INCQ      AX
	CMPQ      BX, $32
	JGE       stepDone512
	CMPQ      AX, CX
	JLT       stepLoop512

stepDone512:
	MOVQ      s+72(FP), SI
	VMOVDQU64 Z0, 0(SI)
	VMOVDQU64 Z1, 64(SI)
	VMOVDQU64 Z2, 128(SI)
	VMOVDQU64 Z3, 192(SI)
	VZEROUPPER
	MOVQ      AX, done+88(FP)
	MOVQ      BX, nmiss+96(FP)
	RET
