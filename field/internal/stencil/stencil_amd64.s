// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !noasm

#include "textflag.h"

// func interiorAVX2(o, c, a, b []float64, diag, quartic float64, add bool)
//
// o[i] (+)= c[i+1]·(diag − quartic·c[i+1]²) + c[i] + c[i+2] + a[i] + b[i],
// eight doubles per step in two independent chains, then one step of four;
// len(o) must be a multiple of 4.
TEXT ·interiorAVX2(SB), NOSPLIT, $0-113
	MOVQ o_base+0(FP), DI
	MOVQ o_len+8(FP), CX
	MOVQ c_base+24(FP), SI
	MOVQ a_base+48(FP), R8
	MOVQ b_base+72(FP), R9
	VBROADCASTSD diag+96(FP), Y14
	VBROADCASTSD quartic+104(FP), Y15
	MOVBLZX add+112(FP), DX
	XORQ AX, AX
	MOVQ CX, BX
	SHRQ $3, BX
	TESTQ DX, DX
	JNZ  addstart
	TESTQ BX, BX
	JZ   tail

loop8:
	VMOVUPD 8(SI)(AX*8), Y0
	VMOVUPD (SI)(AX*8), Y1
	VADDPD  16(SI)(AX*8), Y1, Y1
	VADDPD  (R8)(AX*8), Y1, Y1
	VADDPD  (R9)(AX*8), Y1, Y1
	VMULPD  Y0, Y0, Y2
	VMOVAPD Y14, Y3
	VFNMADD231PD Y2, Y15, Y3
	VFMADD231PD  Y3, Y0, Y1
	VMOVUPD Y1, (DI)(AX*8)
	VMOVUPD 40(SI)(AX*8), Y4
	VMOVUPD 32(SI)(AX*8), Y5
	VADDPD  48(SI)(AX*8), Y5, Y5
	VADDPD  32(R8)(AX*8), Y5, Y5
	VADDPD  32(R9)(AX*8), Y5, Y5
	VMULPD  Y4, Y4, Y6
	VMOVAPD Y14, Y7
	VFNMADD231PD Y6, Y15, Y7
	VFMADD231PD  Y7, Y4, Y5
	VMOVUPD Y5, 32(DI)(AX*8)
	ADDQ $8, AX
	DECQ BX
	JNZ  loop8

tail:
	TESTQ $4, CX
	JZ   done
	VMOVUPD 8(SI)(AX*8), Y0
	VMOVUPD (SI)(AX*8), Y1
	VADDPD  16(SI)(AX*8), Y1, Y1
	VADDPD  (R8)(AX*8), Y1, Y1
	VADDPD  (R9)(AX*8), Y1, Y1
	VMULPD  Y0, Y0, Y2
	VMOVAPD Y14, Y3
	VFNMADD231PD Y2, Y15, Y3
	VFMADD231PD  Y3, Y0, Y1
	VMOVUPD Y1, (DI)(AX*8)
	JMP  done

addstart:
	TESTQ BX, BX
	JZ   addtail

addloop8:
	VMOVUPD 8(SI)(AX*8), Y0
	VMOVUPD (SI)(AX*8), Y1
	VADDPD  16(SI)(AX*8), Y1, Y1
	VADDPD  (R8)(AX*8), Y1, Y1
	VADDPD  (R9)(AX*8), Y1, Y1
	VADDPD  (DI)(AX*8), Y1, Y1
	VMULPD  Y0, Y0, Y2
	VMOVAPD Y14, Y3
	VFNMADD231PD Y2, Y15, Y3
	VFMADD231PD  Y3, Y0, Y1
	VMOVUPD Y1, (DI)(AX*8)
	VMOVUPD 40(SI)(AX*8), Y4
	VMOVUPD 32(SI)(AX*8), Y5
	VADDPD  48(SI)(AX*8), Y5, Y5
	VADDPD  32(R8)(AX*8), Y5, Y5
	VADDPD  32(R9)(AX*8), Y5, Y5
	VADDPD  32(DI)(AX*8), Y5, Y5
	VMULPD  Y4, Y4, Y6
	VMOVAPD Y14, Y7
	VFNMADD231PD Y6, Y15, Y7
	VFMADD231PD  Y7, Y4, Y5
	VMOVUPD Y5, 32(DI)(AX*8)
	ADDQ $8, AX
	DECQ BX
	JNZ  addloop8

addtail:
	TESTQ $4, CX
	JZ   done
	VMOVUPD 8(SI)(AX*8), Y0
	VMOVUPD (SI)(AX*8), Y1
	VADDPD  16(SI)(AX*8), Y1, Y1
	VADDPD  (R8)(AX*8), Y1, Y1
	VADDPD  (R9)(AX*8), Y1, Y1
	VADDPD  (DI)(AX*8), Y1, Y1
	VMULPD  Y0, Y0, Y2
	VMOVAPD Y14, Y3
	VFNMADD231PD Y2, Y15, Y3
	VFMADD231PD  Y3, Y0, Y1
	VMOVUPD Y1, (DI)(AX*8)
	JMP  done

done:
	VZEROUPPER
	RET


// func force2DAVX2(dst, phi []float64, lx, ly int, diag, quartic float64)
//
// For every row r of the lx×ly field (rows periodic), writes the force on
// the sites 1 … 4⌊(ly−2)/4⌋ of the row; the row ends and the remaining
// interior sites are left to the caller. ly ≥ 6.
TEXT ·force2DAVX2(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ phi_base+24(FP), SI
	MOVQ lx+48(FP), R10
	MOVQ ly+56(FP), R11
	VBROADCASTSD diag+64(FP), Y14
	VBROADCASTSD quartic+72(FP), Y15
	MOVQ R11, R12
	SHLQ $3, R12
	MOVQ R11, CX
	SUBQ $2, CX
	SHRQ $2, CX
	JZ   f2done
	MOVQ R10, AX
	DECQ AX
	IMULQ R12, AX
	LEAQ (SI)(AX*1), R8
	MOVQ SI, R13
	LEAQ (SI)(R12*1), R9
	XORQ BX, BX

f2row:
	XORQ DX, DX
	MOVQ CX, R14
	SHRQ $1, R14
	JZ   f2tail

f2loop8:
	VMOVUPD 8(R13)(DX*8), Y0
	VMOVUPD (R13)(DX*8), Y1
	VADDPD  16(R13)(DX*8), Y1, Y1
	VADDPD  8(R8)(DX*8), Y1, Y1
	VADDPD  8(R9)(DX*8), Y1, Y1
	VMULPD  Y0, Y0, Y2
	VMOVAPD Y14, Y3
	VFNMADD231PD Y2, Y15, Y3
	VFMADD231PD  Y3, Y0, Y1
	VMOVUPD Y1, 8(DI)(DX*8)
	VMOVUPD 40(R13)(DX*8), Y4
	VMOVUPD 32(R13)(DX*8), Y5
	VADDPD  48(R13)(DX*8), Y5, Y5
	VADDPD  40(R8)(DX*8), Y5, Y5
	VADDPD  40(R9)(DX*8), Y5, Y5
	VMULPD  Y4, Y4, Y6
	VMOVAPD Y14, Y7
	VFNMADD231PD Y6, Y15, Y7
	VFMADD231PD  Y7, Y4, Y5
	VMOVUPD Y5, 40(DI)(DX*8)
	ADDQ $8, DX
	DECQ R14
	JNZ  f2loop8

f2tail:
	TESTQ $1, CX
	JZ   f2next
	VMOVUPD 8(R13)(DX*8), Y0
	VMOVUPD (R13)(DX*8), Y1
	VADDPD  16(R13)(DX*8), Y1, Y1
	VADDPD  8(R8)(DX*8), Y1, Y1
	VADDPD  8(R9)(DX*8), Y1, Y1
	VMULPD  Y0, Y0, Y2
	VMOVAPD Y14, Y3
	VFNMADD231PD Y2, Y15, Y3
	VFMADD231PD  Y3, Y0, Y1
	VMOVUPD Y1, 8(DI)(DX*8)

f2next:
	MOVQ R13, R8
	MOVQ R9, R13
	LEAQ (R13)(R12*1), R9
	ADDQ R12, DI
	INCQ BX
	LEAQ 1(BX), AX
	CMPQ AX, R10
	CMOVQEQ SI, R9
	CMPQ BX, R10
	JLT  f2row

f2done:
	VZEROUPPER
	RET
