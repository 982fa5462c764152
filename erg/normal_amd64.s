// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !noasm

#include "textflag.h"

// The fast path of normals.fillGo on four lanes at once (AVX2). Lane l of
// a YMM register is lane l of the generator; a block's four 64-bit
// numbers u give the layer u & 1023 (gathered from zigX and zigRatio) and
// the uniform f = float64(u>>12 | 2.0's exponent) − 3 in [−1, 1).

DATA zigMask<>+0(SB)/8, $0x3ff
GLOBL zigMask<>(SB), RODATA|NOPTR, $8

DATA zigTwo<>+0(SB)/8, $0x4000000000000000
GLOBL zigTwo<>(SB), RODATA|NOPTR, $8

DATA zigThree<>+0(SB)/8, $3.0
GLOBL zigThree<>(SB), RODATA|NOPTR, $8

DATA zigAbs<>+0(SB)/8, $0x7fffffffffffffff
GLOBL zigAbs<>(SB), RODATA|NOPTR, $8

// func zigBlocksAVX2(dst []float64, s *[4][4]uint64, miss *[missCap][5]uint64) (done, nmiss int)
//
// Fills len(dst)/4 blocks. A block with a lane outside its rectangle is
// recorded in miss (block index, then its four numbers) for Go to finish;
// when missCap records are taken it stops after that block. Returns the
// blocks done and the records taken; the lanes' states are written back.
//
// Registers: Y0–Y3 state words, Y4 u, Y6 layer, Y7 f, Y9 ratio, Y10 X
// then x, Y11 |f| < ratio, Y12–Y15 constants; DI output, AX block, CX
// blocks, BX records, R9 records' base, R10 zigX, R11 zigRatio.
TEXT ·zigBlocksAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	SHRQ $2, CX
	MOVQ s+24(FP), SI
	MOVQ miss+32(FP), R9
	VMOVDQU 0(SI), Y0
	VMOVDQU 32(SI), Y1
	VMOVDQU 64(SI), Y2
	VMOVDQU 96(SI), Y3
	LEAQ ·zigX(SB), R10
	LEAQ ·zigRatio(SB), R11
	VPBROADCASTQ zigMask<>(SB), Y12
	VPBROADCASTQ zigTwo<>(SB), Y13
	VBROADCASTSD zigThree<>(SB), Y14
	VBROADCASTSD zigAbs<>(SB), Y15
	XORQ AX, AX
	XORQ BX, BX

loop:
	CMPQ AX, CX
	JGE  done

	// u = rotl(s0 + s3, 23) + s0
	VPADDQ Y0, Y3, Y4
	VPSLLQ $23, Y4, Y5
	VPSRLQ $41, Y4, Y4
	VPOR   Y5, Y4, Y4
	VPADDQ Y0, Y4, Y4

	// xoshiro256 step
	VPSLLQ $17, Y1, Y5
	VPXOR  Y0, Y2, Y2
	VPXOR  Y1, Y3, Y3
	VPXOR  Y2, Y1, Y1
	VPXOR  Y3, Y0, Y0
	VPXOR  Y5, Y2, Y2
	VPSLLQ $45, Y3, Y5
	VPSRLQ $19, Y3, Y3
	VPOR   Y5, Y3, Y3

	// ziggurat fast path
	VPAND      Y12, Y4, Y6
	VPSRLQ     $12, Y4, Y7
	VPOR       Y13, Y7, Y7
	VSUBPD     Y14, Y7, Y7
	VPCMPEQQ   Y8, Y8, Y8
	VGATHERQPD Y8, (R11)(Y6*8), Y9
	VPCMPEQQ   Y8, Y8, Y8
	VGATHERQPD Y8, (R10)(Y6*8), Y10
	VANDPD     Y15, Y7, Y11
	VCMPPD     $1, Y9, Y11, Y11
	VMULPD     Y10, Y7, Y10
	VMOVUPD    Y10, (DI)
	VMOVMSKPD  Y11, DX
	CMPL       DX, $15
	JNE        miss

next:
	ADDQ $32, DI
	INCQ AX
	JMP  loop

miss:
	MOVQ    BX, R8
	IMULQ   $40, R8
	ADDQ    R9, R8
	MOVQ    AX, (R8)
	VMOVDQU Y4, 8(R8)
	INCQ    BX
	CMPQ    BX, $32
	JLT     next
	INCQ    AX

done:
	VMOVDQU Y0, 0(SI)
	VMOVDQU Y1, 32(SI)
	VMOVDQU Y2, 64(SI)
	VMOVDQU Y3, 96(SI)
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
