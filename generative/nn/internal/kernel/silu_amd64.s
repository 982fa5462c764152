// Copyright ©2026 The rgflow Authors. All rights reserved.

//go:build !noasm

#include "textflag.h"

// AVX2+FMA kernels of the SiLU activation, eight lanes at a time; the
// arithmetic is exp32's (silu.go) with fused multiply-adds. n must be a
// multiple of 8; callers finish the tail in Go.

DATA silu<>+0(SB)/8, $0x42b0000042b00000
DATA silu<>+8(SB)/8, $0x42b0000042b00000
DATA silu<>+16(SB)/8, $0x42b0000042b00000
DATA silu<>+24(SB)/8, $0x42b0000042b00000
DATA silu<>+32(SB)/8, $0xc2ae0000c2ae0000
DATA silu<>+40(SB)/8, $0xc2ae0000c2ae0000
DATA silu<>+48(SB)/8, $0xc2ae0000c2ae0000
DATA silu<>+56(SB)/8, $0xc2ae0000c2ae0000
DATA silu<>+64(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA silu<>+72(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA silu<>+80(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA silu<>+88(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA silu<>+96(SB)/8, $0x3f0000003f000000
DATA silu<>+104(SB)/8, $0x3f0000003f000000
DATA silu<>+112(SB)/8, $0x3f0000003f000000
DATA silu<>+120(SB)/8, $0x3f0000003f000000
DATA silu<>+128(SB)/8, $0x3f3180003f318000
DATA silu<>+136(SB)/8, $0x3f3180003f318000
DATA silu<>+144(SB)/8, $0x3f3180003f318000
DATA silu<>+152(SB)/8, $0x3f3180003f318000
DATA silu<>+160(SB)/8, $0xb95e8083b95e8083
DATA silu<>+168(SB)/8, $0xb95e8083b95e8083
DATA silu<>+176(SB)/8, $0xb95e8083b95e8083
DATA silu<>+184(SB)/8, $0xb95e8083b95e8083
DATA silu<>+192(SB)/8, $0x3950696739506967
DATA silu<>+200(SB)/8, $0x3950696739506967
DATA silu<>+208(SB)/8, $0x3950696739506967
DATA silu<>+216(SB)/8, $0x3950696739506967
DATA silu<>+224(SB)/8, $0x3ab743ce3ab743ce
DATA silu<>+232(SB)/8, $0x3ab743ce3ab743ce
DATA silu<>+240(SB)/8, $0x3ab743ce3ab743ce
DATA silu<>+248(SB)/8, $0x3ab743ce3ab743ce
DATA silu<>+256(SB)/8, $0x3c0889083c088908
DATA silu<>+264(SB)/8, $0x3c0889083c088908
DATA silu<>+272(SB)/8, $0x3c0889083c088908
DATA silu<>+280(SB)/8, $0x3c0889083c088908
DATA silu<>+288(SB)/8, $0x3d2aa9c13d2aa9c1
DATA silu<>+296(SB)/8, $0x3d2aa9c13d2aa9c1
DATA silu<>+304(SB)/8, $0x3d2aa9c13d2aa9c1
DATA silu<>+312(SB)/8, $0x3d2aa9c13d2aa9c1
DATA silu<>+320(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA silu<>+328(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA silu<>+336(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA silu<>+344(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA silu<>+352(SB)/8, $0x3f0000003f000000
DATA silu<>+360(SB)/8, $0x3f0000003f000000
DATA silu<>+368(SB)/8, $0x3f0000003f000000
DATA silu<>+376(SB)/8, $0x3f0000003f000000
DATA silu<>+384(SB)/8, $0x3f8000003f800000
DATA silu<>+392(SB)/8, $0x3f8000003f800000
DATA silu<>+400(SB)/8, $0x3f8000003f800000
DATA silu<>+408(SB)/8, $0x3f8000003f800000
DATA silu<>+416(SB)/8, $0x0000007f0000007f
DATA silu<>+424(SB)/8, $0x0000007f0000007f
DATA silu<>+432(SB)/8, $0x0000007f0000007f
DATA silu<>+440(SB)/8, $0x0000007f0000007f
GLOBL silu<>(SB), RODATA|NOPTR, $448

// func siluForwardAVX2(y, x *float32, n int)
TEXT ·siluForwardAVX2(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ   fdone
floop:
	VMOVUPS (SI), Y0
	VXORPS Y1, Y1, Y1
	VSUBPS Y0, Y1, Y1
	VMINPS silu<>+0(SB), Y1, Y1
	VMAXPS silu<>+32(SB), Y1, Y1
	VMULPS silu<>+64(SB), Y1, Y2
	VADDPS silu<>+96(SB), Y2, Y2
	VROUNDPS $9, Y2, Y2
	VFNMADD231PS silu<>+128(SB), Y2, Y1
	VFNMADD231PS silu<>+160(SB), Y2, Y1
	VMULPS Y1, Y1, Y3
	VMOVUPS silu<>+192(SB), Y4
	VFMADD213PS silu<>+224(SB), Y1, Y4
	VFMADD213PS silu<>+256(SB), Y1, Y4
	VFMADD213PS silu<>+288(SB), Y1, Y4
	VFMADD213PS silu<>+320(SB), Y1, Y4
	VFMADD213PS silu<>+352(SB), Y1, Y4
	VFMADD213PS Y1, Y3, Y4
	VADDPS silu<>+384(SB), Y4, Y4
	VCVTTPS2DQ Y2, Y2
	VPADDD silu<>+416(SB), Y2, Y2
	VPSLLD $23, Y2, Y2
	VMULPS Y2, Y4, Y4
	VADDPS silu<>+384(SB), Y4, Y4
	VDIVPS Y4, Y0, Y5
	VMOVUPS Y5, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  floop
fdone:
	VZEROUPPER
	RET

// func siluBackwardAVX2(dx, x, dy *float32, n int)
TEXT ·siluBackwardAVX2(SB), NOSPLIT, $0-32
	MOVQ dx+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ dy+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	JZ   bdone
bloop:
	VMOVUPS (SI), Y0
	VXORPS Y1, Y1, Y1
	VSUBPS Y0, Y1, Y1
	VMINPS silu<>+0(SB), Y1, Y1
	VMAXPS silu<>+32(SB), Y1, Y1
	VMULPS silu<>+64(SB), Y1, Y2
	VADDPS silu<>+96(SB), Y2, Y2
	VROUNDPS $9, Y2, Y2
	VFNMADD231PS silu<>+128(SB), Y2, Y1
	VFNMADD231PS silu<>+160(SB), Y2, Y1
	VMULPS Y1, Y1, Y3
	VMOVUPS silu<>+192(SB), Y4
	VFMADD213PS silu<>+224(SB), Y1, Y4
	VFMADD213PS silu<>+256(SB), Y1, Y4
	VFMADD213PS silu<>+288(SB), Y1, Y4
	VFMADD213PS silu<>+320(SB), Y1, Y4
	VFMADD213PS silu<>+352(SB), Y1, Y4
	VFMADD213PS Y1, Y3, Y4
	VADDPS silu<>+384(SB), Y4, Y4
	VCVTTPS2DQ Y2, Y2
	VPADDD silu<>+416(SB), Y2, Y2
	VPSLLD $23, Y2, Y2
	VMULPS Y2, Y4, Y4
	VADDPS silu<>+384(SB), Y4, Y4
	VMOVUPS silu<>+384(SB), Y5
	VDIVPS Y4, Y5, Y5
	VMOVUPS silu<>+384(SB), Y6
	VSUBPS Y5, Y6, Y6
	VFMADD213PS silu<>+384(SB), Y0, Y6
	VMULPS Y5, Y6, Y6
	VMULPS (DX), Y6, Y6
	VMOVUPS Y6, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JNZ  bloop
bdone:
	VZEROUPPER
	RET
