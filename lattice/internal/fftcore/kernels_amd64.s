// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !noasm

#include "textflag.h"

// Stockham passes with AVX2 and FMA. A YMM register holds two complex128
// values (re₀, im₀, re₁, im₁). Complex products with a twiddle w use
//   u·w = u·wr ∓± swap(u)·wi      (VPERMILPD $5, VMULPD, VFMADDSUB231PD).
// Multiplication by ∓i is a swap of re and im followed by a sign flip in
// one of them (the mask in Y6 selects the direction).

// Sign masks: flip the imaginary part (forward, −i·z) or the real part
// (inverse, +i·z) after the swap.
DATA signFwd<>+0(SB)/8, $0x0000000000000000
DATA signFwd<>+8(SB)/8, $0x8000000000000000
DATA signFwd<>+16(SB)/8, $0x0000000000000000
DATA signFwd<>+24(SB)/8, $0x8000000000000000
GLOBL signFwd<>(SB), RODATA|NOPTR, $32

DATA signInv<>+0(SB)/8, $0x8000000000000000
DATA signInv<>+8(SB)/8, $0x0000000000000000
DATA signInv<>+16(SB)/8, $0x8000000000000000
DATA signInv<>+24(SB)/8, $0x0000000000000000
GLOBL signInv<>(SB), RODATA|NOPTR, $32

// BFLY4 computes the radix-4 DIF butterfly of A, B, C, D (Y or X
// registers) with the sign mask M: on exit D = y0, T = y2, C = y1, A = y3.
#define BFLY4(A, B, C, D, T, M) \
	VADDPD C, A, T \
	VSUBPD C, A, A \
	VADDPD D, B, C \
	VSUBPD D, B, B \
	VPERMILPD $5, B, B \
	VXORPD M, B, B \
	VADDPD C, T, D \
	VSUBPD C, T, T \
	VADDPD B, A, C \
	VSUBPD B, A, A

// CMUL sets D = U·w with the broadcast parts wr in WR and wi in WI.
#define CMUL(U, WR, WI, D) \
	VPERMILPD $5, U, D \
	VMULPD WI, D, D \
	VFMADDSUB231PD WR, U, D

// func pass4AVX2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool)
//
// Registers: AX x base of butterfly p, R10 y base of p, SI/DX input rows
// a and b (c = SI+2J, d = DX+2J), DI/BX output rows 0 and 1 (2 = DI+2K,
// 3 = BX+2K), R8 = J bytes between input rows, R9 = K bytes between
// output rows, R11 = p, R12 twiddles of p, R13 = xrow bytes, R14 = run,
// CX column counter.
TEXT ·pass4AVX2(SB), NOSPLIT, $0-129
	MOVQ y_base+0(FP), R10
	MOVQ x_base+40(FP), AX
	MOVQ xrow+64(FP), R13
	SHLQ $4, R13
	MOVQ yrow+24(FP), R9
	SHLQ $4, R9
	MOVQ mm+104(FP), R8
	IMULQ R13, R8
	MOVQ run+112(FP), R14
	VMOVUPD signFwd<>(SB), Y6
	CMPB inv+128(FP), $0
	JEQ p4block
	VMOVUPD signInv<>(SB), Y6

p4block:
	MOVQ tw_base+80(FP), R12
	XORQ R11, R11
	// Single columns with unit strides: two butterflies p, p+1 per step.
	CMPQ R14, $1
	JNE p4ploop
	CMPQ R13, $16
	JNE p4ploop
	CMPQ R9, $16
	JNE p4ploop
	MOVQ mm+104(FP), CX
	TESTQ $1, CX
	JNZ p4ploop
	SHRQ $1, CX
	JMP p4pairs

p4ploop:
	MOVQ AX, SI
	LEAQ (AX)(R8*1), DX
	MOVQ R10, DI
	LEAQ (R10)(R9*1), BX
	MOVQ R14, CX
	TESTQ R11, R11
	JZ p4notw
	VBROADCASTSD 0(R12), Y0
	VBROADCASTSD 8(R12), Y1
	VBROADCASTSD 16(R12), Y2
	VBROADCASTSD 24(R12), Y3
	VBROADCASTSD 32(R12), Y4
	VBROADCASTSD 40(R12), Y5
	CMPQ CX, $2
	JL p4tw1

p4tw2:
	VMOVUPD (SI), Y7
	VMOVUPD (DX), Y8
	VMOVUPD (SI)(R8*2), Y9
	VMOVUPD (DX)(R8*2), Y10
	BFLY4(Y7, Y8, Y9, Y10, Y11, Y6)
	VMOVUPD Y10, (DI)
	CMUL(Y9, Y0, Y1, Y12)
	VMOVUPD Y12, (BX)
	CMUL(Y11, Y2, Y3, Y13)
	VMOVUPD Y13, (DI)(R9*2)
	CMUL(Y7, Y4, Y5, Y14)
	VMOVUPD Y14, (BX)(R9*2)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	ADDQ $32, BX
	SUBQ $2, CX
	CMPQ CX, $2
	JGE p4tw2

p4tw1:
	TESTQ CX, CX
	JZ p4next
	VMOVUPD (SI), X7
	VMOVUPD (DX), X8
	VMOVUPD (SI)(R8*2), X9
	VMOVUPD (DX)(R8*2), X10
	BFLY4(X7, X8, X9, X10, X11, X6)
	VMOVUPD X10, (DI)
	CMUL(X9, X0, X1, X12)
	VMOVUPD X12, (BX)
	CMUL(X11, X2, X3, X13)
	VMOVUPD X13, (DI)(R9*2)
	CMUL(X7, X4, X5, X14)
	VMOVUPD X14, (BX)(R9*2)
	JMP p4next

p4notw:
	CMPQ CX, $2
	JL p4notw1

p4notw2:
	VMOVUPD (SI), Y7
	VMOVUPD (DX), Y8
	VMOVUPD (SI)(R8*2), Y9
	VMOVUPD (DX)(R8*2), Y10
	BFLY4(Y7, Y8, Y9, Y10, Y11, Y6)
	VMOVUPD Y10, (DI)
	VMOVUPD Y9, (BX)
	VMOVUPD Y11, (DI)(R9*2)
	VMOVUPD Y7, (BX)(R9*2)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	ADDQ $32, BX
	SUBQ $2, CX
	CMPQ CX, $2
	JGE p4notw2

p4notw1:
	TESTQ CX, CX
	JZ p4next
	VMOVUPD (SI), X7
	VMOVUPD (DX), X8
	VMOVUPD (SI)(R8*2), X9
	VMOVUPD (DX)(R8*2), X10
	BFLY4(X7, X8, X9, X10, X11, X6)
	VMOVUPD X10, (DI)
	VMOVUPD X9, (BX)
	VMOVUPD X11, (DI)(R9*2)
	VMOVUPD X7, (BX)(R9*2)

p4next:
	ADDQ R13, AX
	LEAQ (R10)(R9*4), R10
	ADDQ $48, R12
	INCQ R11
	CMPQ R11, mm+104(FP)
	JL p4ploop
	JMP p4blockend

p4pairs:
	// Butterflies p and p+1: inputs at AX + j·J are contiguous in p,
	// twiddles of p+1 follow those of p at +48, and outputs (p, k) at
	// R10 + 16k, (p+1, k) at R10 + 64 + 16k.
	VMOVUPD (AX), Y7
	LEAQ (AX)(R8*1), DX
	VMOVUPD (DX), Y8
	VMOVUPD (AX)(R8*2), Y9
	VMOVUPD (DX)(R8*2), Y10
	BFLY4(Y7, Y8, Y9, Y10, Y11, Y6)
	VMOVUPD X10, 0(R10)
	VEXTRACTF128 $1, Y10, 64(R10)
	VMOVUPD 0(R12), X0
	VINSERTF128 $1, 48(R12), Y0, Y0
	VMOVDDUP Y0, Y3
	VPERMILPD $15, Y0, Y4
	CMUL(Y9, Y3, Y4, Y12)
	VMOVUPD X12, 16(R10)
	VEXTRACTF128 $1, Y12, 80(R10)
	VMOVUPD 16(R12), X1
	VINSERTF128 $1, 64(R12), Y1, Y1
	VMOVDDUP Y1, Y3
	VPERMILPD $15, Y1, Y4
	CMUL(Y11, Y3, Y4, Y13)
	VMOVUPD X13, 32(R10)
	VEXTRACTF128 $1, Y13, 96(R10)
	VMOVUPD 32(R12), X2
	VINSERTF128 $1, 80(R12), Y2, Y2
	VMOVDDUP Y2, Y3
	VPERMILPD $15, Y2, Y4
	CMUL(Y7, Y3, Y4, Y14)
	VMOVUPD X14, 48(R10)
	VEXTRACTF128 $1, Y14, 112(R10)
	ADDQ $32, AX
	SUBQ $-128, R10
	ADDQ $96, R12
	DECQ CX
	JNZ p4pairs

p4blockend:
	// AX and R10 have advanced by mm·xrow and 4·mm·yrow: move them to the
	// next block.
	SUBQ R8, AX
	MOVQ xblk+72(FP), DX
	SHLQ $4, DX
	ADDQ DX, AX
	MOVQ mm+104(FP), DX
	IMULQ R9, DX
	SHLQ $2, DX
	SUBQ DX, R10
	MOVQ yblk+32(FP), DX
	SHLQ $4, DX
	ADDQ DX, R10
	DECQ count+120(FP)
	JNZ p4block
	VZEROUPPER
	RET

// func pass2AVX2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int)
//
// Registers as in pass4AVX2: SI/DX input rows 0 and 1, DI/BX output rows
// 0 and 1.
TEXT ·pass2AVX2(SB), NOSPLIT, $0-128
	MOVQ y_base+0(FP), R10
	MOVQ x_base+40(FP), AX
	MOVQ xrow+64(FP), R13
	SHLQ $4, R13
	MOVQ yrow+24(FP), R9
	SHLQ $4, R9
	MOVQ mm+104(FP), R8
	IMULQ R13, R8
	MOVQ run+112(FP), R14

p2block:
	MOVQ tw_base+80(FP), R12
	XORQ R11, R11

p2ploop:
	MOVQ AX, SI
	LEAQ (AX)(R8*1), DX
	MOVQ R10, DI
	LEAQ (R10)(R9*1), BX
	MOVQ R14, CX
	TESTQ R11, R11
	JZ p2notw
	VBROADCASTSD 0(R12), Y0
	VBROADCASTSD 8(R12), Y1
	CMPQ CX, $2
	JL p2tw1

p2tw2:
	VMOVUPD (SI), Y7
	VMOVUPD (DX), Y8
	VADDPD Y8, Y7, Y9
	VSUBPD Y8, Y7, Y7
	VMOVUPD Y9, (DI)
	CMUL(Y7, Y0, Y1, Y10)
	VMOVUPD Y10, (BX)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	ADDQ $32, BX
	SUBQ $2, CX
	CMPQ CX, $2
	JGE p2tw2

p2tw1:
	TESTQ CX, CX
	JZ p2next
	VMOVUPD (SI), X7
	VMOVUPD (DX), X8
	VADDPD X8, X7, X9
	VSUBPD X8, X7, X7
	VMOVUPD X9, (DI)
	CMUL(X7, X0, X1, X10)
	VMOVUPD X10, (BX)
	JMP p2next

p2notw:
	CMPQ CX, $4
	JL p2notw2

p2notw4:
	VMOVUPD (SI), Y7
	VMOVUPD 32(SI), Y11
	VMOVUPD (DX), Y8
	VMOVUPD 32(DX), Y12
	VADDPD Y8, Y7, Y9
	VSUBPD Y8, Y7, Y7
	VADDPD Y12, Y11, Y13
	VSUBPD Y12, Y11, Y11
	VMOVUPD Y9, (DI)
	VMOVUPD Y13, 32(DI)
	VMOVUPD Y7, (BX)
	VMOVUPD Y11, 32(BX)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	ADDQ $64, BX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE p2notw4

p2notw2:
	CMPQ CX, $2
	JL p2notw1
	VMOVUPD (SI), Y7
	VMOVUPD (DX), Y8
	VADDPD Y8, Y7, Y9
	VSUBPD Y8, Y7, Y7
	VMOVUPD Y9, (DI)
	VMOVUPD Y7, (BX)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	ADDQ $32, BX
	SUBQ $2, CX

p2notw1:
	TESTQ CX, CX
	JZ p2next
	VMOVUPD (SI), X7
	VMOVUPD (DX), X8
	VADDPD X8, X7, X9
	VSUBPD X8, X7, X7
	VMOVUPD X9, (DI)
	VMOVUPD X7, (BX)

p2next:
	ADDQ R13, AX
	LEAQ (R10)(R9*2), R10
	ADDQ $16, R12
	INCQ R11
	CMPQ R11, mm+104(FP)
	JL p2ploop

	SUBQ R8, AX
	MOVQ xblk+72(FP), DX
	SHLQ $4, DX
	ADDQ DX, AX
	MOVQ mm+104(FP), DX
	IMULQ R9, DX
	SHLQ $1, DX
	SUBQ DX, R10
	MOVQ yblk+32(FP), DX
	SHLQ $4, DX
	ADDQ DX, R10
	DECQ count+120(FP)
	JNZ p2block
	VZEROUPPER
	RET

DATA rsqrt2<>+0(SB)/8, $0x3fe6a09e667f3bcd
GLOBL rsqrt2<>(SB), RODATA|NOPTR, $8

// BFLY2 sets A, B = A + B, A − B using the temporary T.
#define BFLY2(A, B, T) \
	VADDPD B, A, T \
	VSUBPD B, A, B \
	VMOVAPD T, A

// BFLY8 is the radix-8 DIF butterfly of R0…R7 with temporaries T, T2,
// sign mask M and C = 1/√2: radix-2 steps between rows j and j+4, the
// internal twiddles ω₈^j on the differences, and radix-4 butterflies on
// the sums and on the differences. On exit y0 = R3, y1 = R7, y2 = R2,
// y3 = R6, y4 = T, y5 = T2, y6 = R0, y7 = R4.
#define BFLY8(R0, R1, R2, R3, R4, R5, R6, R7, T, T2, M, C) \
	BFLY2(R0, R4, T) \
	BFLY2(R1, R5, T) \
	BFLY2(R2, R6, T) \
	BFLY2(R3, R7, T) \
	VPERMILPD $5, R5, T \
	VXORPD M, T, T \
	VADDPD T, R5, R5 \
	VMULPD C, R5, R5 \
	VPERMILPD $5, R6, R6 \
	VXORPD M, R6, R6 \
	VPERMILPD $5, R7, T \
	VXORPD M, T, T \
	VSUBPD R7, T, R7 \
	VMULPD C, R7, R7 \
	BFLY4(R0, R1, R2, R3, T, M) \
	BFLY4(R4, R5, R6, R7, T2, M)

// CMULB sets D = U·tw with tw the complex at OFF(R12), broadcast (YMM).
#define CMULB(U, OFF, D) \
	VBROADCASTSD OFF(R12), Y0 \
	VBROADCASTSD OFF+8(R12), Y1 \
	VPERMILPD $5, U, D \
	VMULPD Y1, D, D \
	VFMADDSUB231PD Y0, U, D

// CMULX is CMULB for one complex in X registers.
#define CMULX(U, OFF, D) \
	VMOVDDUP OFF(R12), X0 \
	VMOVDDUP OFF+8(R12), X1 \
	VPERMILPD $5, U, D \
	VMULPD X1, D, D \
	VFMADDSUB231PD X0, U, D

// CMULP sets D = U·(tw_p, tw_{p+1}) for the twiddles at OFF(R12) and
// OFF+112(R12) (two butterflies of a radix-8 pass).
#define CMULP(U, OFF, D) \
	VMOVUPD OFF(R12), X0 \
	VINSERTF128 $1, OFF+112(R12), Y0, Y0 \
	VMOVDDUP Y0, Y1 \
	VPERMILPD $15, Y0, Y0 \
	VPERMILPD $5, U, D \
	VMULPD Y0, D, D \
	VFMADDSUB231PD Y1, U, D

// STP stores the pair D = (y(p,k), y(p+1,k)) at OFF(R10) and OFF+128(R10).
#define STP(D, XD, OFF) \
	VMOVUPD XD, OFF(R10) \
	VEXTRACTF128 $1, D, OFF+128(R10)

// func pass8AVX2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool)
//
// Registers: AX x base of butterfly p, R10 y base of p, SI/DX input rows
// 0 and 1, R8 = J and R11 = 3J bytes between input rows, DI/BX output rows
// 0 and 1, R9 = K and R13 = 3K bytes between output rows, R12 twiddles of
// p (7 per p), R14 = p, CX column counter. Local xrb = xrow bytes.
TEXT ·pass8AVX2(SB), NOSPLIT, $8-129
	MOVQ y_base+0(FP), R10
	MOVQ x_base+40(FP), AX
	MOVQ xrow+64(FP), DX
	SHLQ $4, DX
	MOVQ DX, xrb-8(SP)
	MOVQ mm+104(FP), R8
	IMULQ DX, R8
	LEAQ (R8)(R8*2), R11
	MOVQ yrow+24(FP), R9
	SHLQ $4, R9
	LEAQ (R9)(R9*2), R13
	VMOVUPD signFwd<>(SB), Y6
	CMPB inv+128(FP), $0
	JEQ p8consts
	VMOVUPD signInv<>(SB), Y6

p8consts:
	VBROADCASTSD rsqrt2<>(SB), Y5

p8block:
	MOVQ tw_base+80(FP), R12
	XORQ R14, R14
	CMPQ run+112(FP), $1
	JNE p8ploop
	CMPQ xrb-8(SP), $16
	JNE p8ploop
	CMPQ R9, $16
	JNE p8ploop
	MOVQ mm+104(FP), CX
	TESTQ $1, CX
	JNZ p8ploop
	SHRQ $1, CX
	JMP p8pairs

p8ploop:
	MOVQ AX, SI
	LEAQ (AX)(R8*1), DX
	MOVQ R10, DI
	LEAQ (R10)(R9*1), BX
	MOVQ run+112(FP), CX
	TESTQ R14, R14
	JZ p8notw
	CMPQ CX, $2
	JL p8tw1

p8tw2:
	VMOVUPD (SI), Y7
	VMOVUPD (DX), Y8
	VMOVUPD (SI)(R8*2), Y9
	VMOVUPD (SI)(R11*1), Y10
	VMOVUPD (SI)(R8*4), Y11
	VMOVUPD (DX)(R8*4), Y12
	VMOVUPD (SI)(R11*2), Y13
	VMOVUPD (DX)(R11*2), Y14
	BFLY8(Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15, Y3, Y6, Y5)
	VMOVUPD Y10, (DI)
	CMULB(Y14, 0, Y2)
	VMOVUPD Y2, (BX)
	CMULB(Y9, 16, Y2)
	VMOVUPD Y2, (DI)(R9*2)
	CMULB(Y13, 32, Y2)
	VMOVUPD Y2, (DI)(R13*1)
	CMULB(Y15, 48, Y2)
	VMOVUPD Y2, (DI)(R9*4)
	CMULB(Y3, 64, Y2)
	VMOVUPD Y2, (BX)(R9*4)
	CMULB(Y7, 80, Y2)
	VMOVUPD Y2, (DI)(R13*2)
	CMULB(Y11, 96, Y2)
	VMOVUPD Y2, (BX)(R13*2)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	ADDQ $32, BX
	SUBQ $2, CX
	CMPQ CX, $2
	JGE p8tw2

p8tw1:
	TESTQ CX, CX
	JZ p8next
	VMOVUPD (SI), X7
	VMOVUPD (DX), X8
	VMOVUPD (SI)(R8*2), X9
	VMOVUPD (SI)(R11*1), X10
	VMOVUPD (SI)(R8*4), X11
	VMOVUPD (DX)(R8*4), X12
	VMOVUPD (SI)(R11*2), X13
	VMOVUPD (DX)(R11*2), X14
	BFLY8(X7, X8, X9, X10, X11, X12, X13, X14, X15, X3, X6, X5)
	VMOVUPD X10, (DI)
	CMULX(X14, 0, X2)
	VMOVUPD X2, (BX)
	CMULX(X9, 16, X2)
	VMOVUPD X2, (DI)(R9*2)
	CMULX(X13, 32, X2)
	VMOVUPD X2, (DI)(R13*1)
	CMULX(X15, 48, X2)
	VMOVUPD X2, (DI)(R9*4)
	CMULX(X3, 64, X2)
	VMOVUPD X2, (BX)(R9*4)
	CMULX(X7, 80, X2)
	VMOVUPD X2, (DI)(R13*2)
	CMULX(X11, 96, X2)
	VMOVUPD X2, (BX)(R13*2)
	JMP p8next

p8notw:
	CMPQ CX, $2
	JL p8notw1

p8notw2:
	VMOVUPD (SI), Y7
	VMOVUPD (DX), Y8
	VMOVUPD (SI)(R8*2), Y9
	VMOVUPD (SI)(R11*1), Y10
	VMOVUPD (SI)(R8*4), Y11
	VMOVUPD (DX)(R8*4), Y12
	VMOVUPD (SI)(R11*2), Y13
	VMOVUPD (DX)(R11*2), Y14
	BFLY8(Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15, Y3, Y6, Y5)
	VMOVUPD Y10, (DI)
	VMOVUPD Y14, (BX)
	VMOVUPD Y9, (DI)(R9*2)
	VMOVUPD Y13, (DI)(R13*1)
	VMOVUPD Y15, (DI)(R9*4)
	VMOVUPD Y3, (BX)(R9*4)
	VMOVUPD Y7, (DI)(R13*2)
	VMOVUPD Y11, (BX)(R13*2)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	ADDQ $32, BX
	SUBQ $2, CX
	CMPQ CX, $2
	JGE p8notw2

p8notw1:
	TESTQ CX, CX
	JZ p8next
	VMOVUPD (SI), X7
	VMOVUPD (DX), X8
	VMOVUPD (SI)(R8*2), X9
	VMOVUPD (SI)(R11*1), X10
	VMOVUPD (SI)(R8*4), X11
	VMOVUPD (DX)(R8*4), X12
	VMOVUPD (SI)(R11*2), X13
	VMOVUPD (DX)(R11*2), X14
	BFLY8(X7, X8, X9, X10, X11, X12, X13, X14, X15, X3, X6, X5)
	VMOVUPD X10, (DI)
	VMOVUPD X14, (BX)
	VMOVUPD X9, (DI)(R9*2)
	VMOVUPD X13, (DI)(R13*1)
	VMOVUPD X15, (DI)(R9*4)
	VMOVUPD X3, (BX)(R9*4)
	VMOVUPD X7, (DI)(R13*2)
	VMOVUPD X11, (BX)(R13*2)

p8next:
	ADDQ xrb-8(SP), AX
	LEAQ (R10)(R9*8), R10
	ADDQ $112, R12
	INCQ R14
	CMPQ R14, mm+104(FP)
	JL p8ploop
	JMP p8blockend

p8pairs:
	MOVQ AX, SI
	LEAQ (AX)(R8*1), DX
	VMOVUPD (SI), Y7
	VMOVUPD (DX), Y8
	VMOVUPD (SI)(R8*2), Y9
	VMOVUPD (SI)(R11*1), Y10
	VMOVUPD (SI)(R8*4), Y11
	VMOVUPD (DX)(R8*4), Y12
	VMOVUPD (SI)(R11*2), Y13
	VMOVUPD (DX)(R11*2), Y14
	BFLY8(Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15, Y3, Y6, Y5)
	STP(Y10, X10, 0)
	CMULP(Y14, 0, Y2)
	STP(Y2, X2, 16)
	CMULP(Y9, 16, Y2)
	STP(Y2, X2, 32)
	CMULP(Y13, 32, Y2)
	STP(Y2, X2, 48)
	CMULP(Y15, 48, Y2)
	STP(Y2, X2, 64)
	CMULP(Y3, 64, Y2)
	STP(Y2, X2, 80)
	CMULP(Y7, 80, Y2)
	STP(Y2, X2, 96)
	CMULP(Y11, 96, Y2)
	STP(Y2, X2, 112)
	ADDQ $32, AX
	ADDQ $256, R10
	ADDQ $224, R12
	DECQ CX
	JNZ p8pairs

p8blockend:
	SUBQ R8, AX
	MOVQ xblk+72(FP), DX
	SHLQ $4, DX
	ADDQ DX, AX
	MOVQ mm+104(FP), DX
	IMULQ R9, DX
	SHLQ $3, DX
	SUBQ DX, R10
	MOVQ yblk+32(FP), DX
	SHLQ $4, DX
	ADDQ DX, R10
	DECQ count+120(FP)
	JNZ p8block
	VZEROUPPER
	RET

// func untangleAVX2(dst []complex128, dstride int, src []complex128, sstride int, w []complex128, n, count int, scale float64, pairs, tail int)
//
// Per row: SI = &src[k], DX = &src[n−k−1] (the mirror pair, walking down),
// DI = &dst[k], BX = &dst[n−k−1], R8 = &w[k]. Y12 = scale, Y13 = the
// conjugation mask.
TEXT ·untangleAVX2(SB), NOSPLIT, $0-128
	MOVQ dst_base+0(FP), R10
	MOVQ src_base+32(FP), R11
	VBROADCASTSD scale+104(FP), Y12
	VMOVUPD signFwd<>(SB), Y13
	MOVQ count+96(FP), R14

utrow:
	MOVQ n+88(FP), AX
	LEAQ 16(R11), SI
	LEAQ -16(R11)(AX*8), DX
	LEAQ (DX)(AX*8), DX
	LEAQ 16(R10), DI
	LEAQ -16(R10)(AX*8), BX
	LEAQ (BX)(AX*8), BX
	MOVQ w_base+64(FP), R8
	ADDQ $16, R8
	MOVQ pairs+112(FP), CX
	TESTQ CX, CX
	JZ uttail

utpair:
	VMOVUPD (SI), Y0
	VMOVUPD -16(DX), Y1
	VPERM2F128 $1, Y1, Y1, Y1
	VXORPD Y13, Y1, Y1
	VADDPD Y1, Y0, Y2
	VSUBPD Y1, Y0, Y3
	VMULPD Y12, Y2, Y2
	VMOVUPD (R8), Y4
	VMOVDDUP Y4, Y5
	VPERMILPD $15, Y4, Y4
	VPERMILPD $5, Y3, Y6
	VMULPD Y4, Y6, Y6
	VFMADDSUB231PD Y5, Y3, Y6
	VADDPD Y6, Y2, Y7
	VSUBPD Y6, Y2, Y8
	VXORPD Y13, Y8, Y8
	VPERM2F128 $1, Y8, Y8, Y8
	VMOVUPD Y7, (DI)
	VMOVUPD Y8, -16(BX)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, R8
	SUBQ $32, DX
	SUBQ $32, BX
	DECQ CX
	JNZ utpair

uttail:
	// DX, BX point at the mirror of the next k: src[n−k], dst[n−k].
	MOVQ tail+120(FP), CX
	TESTQ CX, CX
	JZ utnext

utone:
	VMOVUPD (SI), X0
	VMOVUPD (DX), X1
	VXORPD X13, X1, X1
	VADDPD X1, X0, X2
	VSUBPD X1, X0, X3
	VMULPD X12, X2, X2
	VMOVUPD (R8), X4
	VMOVDDUP X4, X5
	VPERMILPD $3, X4, X4
	VPERMILPD $1, X3, X6
	VMULPD X4, X6, X6
	VFMADDSUB231PD X5, X3, X6
	VADDPD X6, X2, X7
	VSUBPD X6, X2, X8
	VXORPD X13, X8, X8
	VMOVUPD X7, (DI)
	VMOVUPD X8, (BX)
	ADDQ $16, SI
	ADDQ $16, DI
	ADDQ $16, R8
	SUBQ $16, DX
	SUBQ $16, BX
	DECQ CX
	JNZ utone

utnext:
	MOVQ dstride+24(FP), AX
	SHLQ $4, AX
	ADDQ AX, R10
	MOVQ sstride+56(FP), AX
	SHLQ $4, AX
	ADDQ AX, R11
	DECQ R14
	JNZ utrow
	VZEROUPPER
	RET

DATA half<>+0(SB)/8, $0x3fe0000000000000
GLOBL half<>(SB), RODATA|NOPTR, $8
// sin(π/3), cos(2π/5), cos(4π/5), sin(2π/5), sin(4π/5)
DATA sin60<>+0(SB)/8, $0x3febb67ae8584caa
GLOBL sin60<>(SB), RODATA|NOPTR, $8
DATA r5c1<>+0(SB)/8, $0x3fd3c6ef372fe950
GLOBL r5c1<>(SB), RODATA|NOPTR, $8
DATA r5c2<>+0(SB)/8, $0xbfe9e3779b97f4a8
GLOBL r5c2<>(SB), RODATA|NOPTR, $8
DATA r5s1<>+0(SB)/8, $0x3fee6f0e134454ff
GLOBL r5s1<>(SB), RODATA|NOPTR, $8
DATA r5s2<>+0(SB)/8, $0x3fe2cf2304755a5e
GLOBL r5s2<>(SB), RODATA|NOPTR, $8

// BFLY3 is the radix-3 DIF butterfly of A, B, C with temporaries T, U,
// H = ½, S = sin(π/3) and the mask M: on exit U = y0, C = y1, A = y2.
#define BFLY3(A, B, C, T, U, H, S, M) \
	VADDPD C, B, T \
	VSUBPD C, B, B \
	VADDPD T, A, U \
	VFNMADD231PD H, T, A \
	VPERMILPD $5, B, B \
	VXORPD M, B, B \
	VMULPD S, B, B \
	VADDPD B, A, C \
	VSUBPD B, A, A

// func pass3AVX2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool)
//
// Registers as in pass4AVX2: SI input row 0 (1 = SI+J, 2 = SI+2J), DI
// output row 0 (1 = DI+K, 2 = DI+2K).
TEXT ·pass3AVX2(SB), NOSPLIT, $0-129
	MOVQ y_base+0(FP), R10
	MOVQ x_base+40(FP), AX
	MOVQ xrow+64(FP), R13
	SHLQ $4, R13
	MOVQ yrow+24(FP), R9
	SHLQ $4, R9
	MOVQ mm+104(FP), R8
	IMULQ R13, R8
	MOVQ run+112(FP), R14
	VMOVUPD signFwd<>(SB), Y6
	CMPB inv+128(FP), $0
	JEQ p3consts
	VMOVUPD signInv<>(SB), Y6

p3consts:
	VBROADCASTSD half<>(SB), Y4
	VBROADCASTSD sin60<>(SB), Y5

p3block:
	MOVQ tw_base+80(FP), R12
	XORQ R11, R11

p3ploop:
	MOVQ AX, SI
	MOVQ R10, DI
	MOVQ R14, CX
	TESTQ R11, R11
	JZ p3notw
	VBROADCASTSD 0(R12), Y0
	VBROADCASTSD 8(R12), Y1
	VBROADCASTSD 16(R12), Y2
	VBROADCASTSD 24(R12), Y3
	CMPQ CX, $2
	JL p3tw1

p3tw2:
	VMOVUPD (SI), Y7
	VMOVUPD (SI)(R8*1), Y8
	VMOVUPD (SI)(R8*2), Y9
	BFLY3(Y7, Y8, Y9, Y10, Y11, Y4, Y5, Y6)
	VMOVUPD Y11, (DI)
	CMUL(Y9, Y0, Y1, Y12)
	VMOVUPD Y12, (DI)(R9*1)
	CMUL(Y7, Y2, Y3, Y13)
	VMOVUPD Y13, (DI)(R9*2)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE p3tw2

p3tw1:
	TESTQ CX, CX
	JZ p3next
	VMOVUPD (SI), X7
	VMOVUPD (SI)(R8*1), X8
	VMOVUPD (SI)(R8*2), X9
	BFLY3(X7, X8, X9, X10, X11, X4, X5, X6)
	VMOVUPD X11, (DI)
	CMUL(X9, X0, X1, X12)
	VMOVUPD X12, (DI)(R9*1)
	CMUL(X7, X2, X3, X13)
	VMOVUPD X13, (DI)(R9*2)
	JMP p3next

p3notw:
	CMPQ CX, $2
	JL p3notw1

p3notw2:
	VMOVUPD (SI), Y7
	VMOVUPD (SI)(R8*1), Y8
	VMOVUPD (SI)(R8*2), Y9
	BFLY3(Y7, Y8, Y9, Y10, Y11, Y4, Y5, Y6)
	VMOVUPD Y11, (DI)
	VMOVUPD Y9, (DI)(R9*1)
	VMOVUPD Y7, (DI)(R9*2)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE p3notw2

p3notw1:
	TESTQ CX, CX
	JZ p3next
	VMOVUPD (SI), X7
	VMOVUPD (SI)(R8*1), X8
	VMOVUPD (SI)(R8*2), X9
	BFLY3(X7, X8, X9, X10, X11, X4, X5, X6)
	VMOVUPD X11, (DI)
	VMOVUPD X9, (DI)(R9*1)
	VMOVUPD X7, (DI)(R9*2)

p3next:
	ADDQ R13, AX
	LEAQ (R10)(R9*2), R10
	ADDQ R9, R10
	ADDQ $32, R12
	INCQ R11
	CMPQ R11, mm+104(FP)
	JL p3ploop

	SUBQ R8, AX
	MOVQ xblk+72(FP), DX
	SHLQ $4, DX
	ADDQ DX, AX
	MOVQ mm+104(FP), DX
	IMULQ R9, DX
	LEAQ (DX)(DX*2), DX
	SUBQ DX, R10
	MOVQ yblk+32(FP), DX
	SHLQ $4, DX
	ADDQ DX, R10
	DECQ count+120(FP)
	JNZ p3block
	VZEROUPPER
	RET

// BFLY5 is the radix-5 DIF butterfly of A…E with the constants c₁ = Y2,
// c₂ = Y3, s₁ = Y4, s₂ = Y5 (or their X halves), mask M and temporaries
// T1…T4: on exit T3 = y0, A = y1, B = y2, T4 = y3, T1 = y4.
#define BFLY5(A, B, C, D, E, T1, T2, T3, T4, C1, C2, S1, S2, M) \
	VADDPD E, B, T1 \
	VSUBPD E, B, B \
	VADDPD D, C, T2 \
	VSUBPD D, C, C \
	VADDPD T1, A, T3 \
	VADDPD T2, T3, T3 \
	VMOVAPD A, T4 \
	VFMADD231PD C1, T1, A \
	VFMADD231PD C2, T2, A \
	VFMADD231PD C2, T1, T4 \
	VFMADD231PD C1, T2, T4 \
	VMULPD S1, B, T1 \
	VFMADD231PD S2, C, T1 \
	VPERMILPD $5, T1, T1 \
	VXORPD M, T1, T1 \
	VMULPD S2, B, T2 \
	VFNMADD231PD S1, C, T2 \
	VPERMILPD $5, T2, T2 \
	VXORPD M, T2, T2 \
	VMOVAPD A, D \
	VADDPD T1, D, A \
	VSUBPD T1, D, T1 \
	VMOVAPD T4, D \
	VADDPD T2, D, B \
	VSUBPD T2, D, T4

// func pass5AVX2(y []complex128, yrow, yblk int, x []complex128, xrow, xblk int, tw []complex128, mm, run, count int, inv bool)
//
// Registers as in pass4AVX2: SI/DX input rows 0 and 1 (2 = SI+2J,
// 3 = DX+2J, 4 = SI+4J), DI/BX output rows 0 and 1 (2 = DI+2K,
// 3 = BX+2K, 4 = DI+4K); twiddles (4 per p) broadcast from R12.
TEXT ·pass5AVX2(SB), NOSPLIT, $0-129
	MOVQ y_base+0(FP), R10
	MOVQ x_base+40(FP), AX
	MOVQ xrow+64(FP), R13
	SHLQ $4, R13
	MOVQ yrow+24(FP), R9
	SHLQ $4, R9
	MOVQ mm+104(FP), R8
	IMULQ R13, R8
	MOVQ run+112(FP), R14
	VMOVUPD signFwd<>(SB), Y6
	CMPB inv+128(FP), $0
	JEQ p5consts
	VMOVUPD signInv<>(SB), Y6

p5consts:
	VBROADCASTSD r5c1<>(SB), Y2
	VBROADCASTSD r5c2<>(SB), Y3
	VBROADCASTSD r5s1<>(SB), Y4
	VBROADCASTSD r5s2<>(SB), Y5

p5block:
	MOVQ tw_base+80(FP), R12
	XORQ R11, R11

p5ploop:
	MOVQ AX, SI
	LEAQ (AX)(R8*1), DX
	MOVQ R10, DI
	LEAQ (R10)(R9*1), BX
	MOVQ R14, CX
	TESTQ R11, R11
	JZ p5notw
	CMPQ CX, $2
	JL p5tw1

p5tw2:
	VMOVUPD (SI), Y7
	VMOVUPD (DX), Y8
	VMOVUPD (SI)(R8*2), Y9
	VMOVUPD (DX)(R8*2), Y10
	VMOVUPD (SI)(R8*4), Y11
	BFLY5(Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15, Y2, Y3, Y4, Y5, Y6)
	VMOVUPD Y14, (DI)
	CMULB(Y7, 0, Y9)
	VMOVUPD Y9, (BX)
	CMULB(Y8, 16, Y9)
	VMOVUPD Y9, (DI)(R9*2)
	CMULB(Y15, 32, Y9)
	VMOVUPD Y9, (BX)(R9*2)
	CMULB(Y12, 48, Y9)
	VMOVUPD Y9, (DI)(R9*4)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	ADDQ $32, BX
	SUBQ $2, CX
	CMPQ CX, $2
	JGE p5tw2

p5tw1:
	TESTQ CX, CX
	JZ p5next
	VMOVUPD (SI), X7
	VMOVUPD (DX), X8
	VMOVUPD (SI)(R8*2), X9
	VMOVUPD (DX)(R8*2), X10
	VMOVUPD (SI)(R8*4), X11
	BFLY5(X7, X8, X9, X10, X11, X12, X13, X14, X15, X2, X3, X4, X5, X6)
	VMOVUPD X14, (DI)
	CMULX(X7, 0, X9)
	VMOVUPD X9, (BX)
	CMULX(X8, 16, X9)
	VMOVUPD X9, (DI)(R9*2)
	CMULX(X15, 32, X9)
	VMOVUPD X9, (BX)(R9*2)
	CMULX(X12, 48, X9)
	VMOVUPD X9, (DI)(R9*4)
	JMP p5next

p5notw:
	CMPQ CX, $2
	JL p5notw1

p5notw2:
	VMOVUPD (SI), Y7
	VMOVUPD (DX), Y8
	VMOVUPD (SI)(R8*2), Y9
	VMOVUPD (DX)(R8*2), Y10
	VMOVUPD (SI)(R8*4), Y11
	BFLY5(Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15, Y2, Y3, Y4, Y5, Y6)
	VMOVUPD Y14, (DI)
	VMOVUPD Y7, (BX)
	VMOVUPD Y8, (DI)(R9*2)
	VMOVUPD Y15, (BX)(R9*2)
	VMOVUPD Y12, (DI)(R9*4)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	ADDQ $32, BX
	SUBQ $2, CX
	CMPQ CX, $2
	JGE p5notw2

p5notw1:
	TESTQ CX, CX
	JZ p5next
	VMOVUPD (SI), X7
	VMOVUPD (DX), X8
	VMOVUPD (SI)(R8*2), X9
	VMOVUPD (DX)(R8*2), X10
	VMOVUPD (SI)(R8*4), X11
	BFLY5(X7, X8, X9, X10, X11, X12, X13, X14, X15, X2, X3, X4, X5, X6)
	VMOVUPD X14, (DI)
	VMOVUPD X7, (BX)
	VMOVUPD X8, (DI)(R9*2)
	VMOVUPD X15, (BX)(R9*2)
	VMOVUPD X12, (DI)(R9*4)

p5next:
	ADDQ R13, AX
	LEAQ (R10)(R9*4), R10
	ADDQ R9, R10
	ADDQ $64, R12
	INCQ R11
	CMPQ R11, mm+104(FP)
	JL p5ploop

	SUBQ R8, AX
	MOVQ xblk+72(FP), DX
	SHLQ $4, DX
	ADDQ DX, AX
	MOVQ mm+104(FP), DX
	IMULQ R9, DX
	LEAQ (DX)(DX*4), DX
	SUBQ DX, R10
	MOVQ yblk+32(FP), DX
	SHLQ $4, DX
	ADDQ DX, R10
	DECQ count+120(FP)
	JNZ p5block
	VZEROUPPER
	RET
