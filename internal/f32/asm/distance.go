package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// generateDistance writes the distance kernels of distance.go: squared
// Euclidean distances and dot products from one query to many rows of a
// matrix, picked by ID. Each sums in 16 float32 lanes (one ZMM register, or
// two YMM registers for AVX2) with a separate multiply and add, never a
// fused one, and reduces the lanes in sum16's tree, so that every kernel
// gives the bits of the Go loops.
func generateDistance(c *build.Context) {
	for _, isa := range []struct {
		sfx, name string
		width     int
	}{{"AVX512", "AVX-512F", 16}, {"AVX2", "AVX2", 8}} {
		distRows(c, "sqDistRows", isa.sfx, isa.name, isa.width, true)
		distRows(c, "dotRows", isa.sfx, isa.name, isa.width, false)
	}
}

func distRows(c *build.Context, base, sfx, isa string, width int, sq bool) {
	name := base + sfx
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.Pragma("noescape")
	c.SignatureExpr("func(dst, q, x []float32, ids []int32, n16 int)")
	c.Doc(
		fmt.Sprintf("%s runs %sGo; n16 is len(q) rounded down to a multiple of 16.", name, base),
		"The caller guarantees the lengths; it needs "+isa+".",
	)
	dst, q, x, ids := c.GP64(), c.GP64(), c.GP64(), c.GP64()
	c.Load(c.Param("dst").Base(), dst)
	c.Load(c.Param("q").Base(), q)
	c.Load(c.Param("x").Base(), x)
	c.Load(c.Param("ids").Base(), ids)
	// n: bytes of the 16-lane part; stride: bytes of a row, len(q).
	n, m, stride := c.GP64(), c.GP64(), c.GP64()
	c.Load(c.Param("n16"), n)
	c.SHLQ(operand.U8(2), n)
	c.Load(c.Param("ids").Len(), m)
	c.Load(c.Param("q").Len(), stride)
	c.SHLQ(operand.U8(2), stride)
	k := c.GP64()
	c.XORQ(k, k)
	c.TESTQ(m, m)
	c.JZ(operand.LabelRef(name + "_done"))

	c.Label(name + "_row")
	row := c.GP64()
	c.MOVLQSX(operand.Mem{Base: ids, Index: k, Scale: 4}, row)
	c.IMULQ(stride, row)
	c.ADDQ(x, row)
	nacc := 16 / width
	acc := make([]reg.VecVirtual, nacc)
	for a := range acc {
		if width == 16 {
			acc[a] = c.ZMM()
			c.VPXORD(acc[a], acc[a], acc[a]) // VXORPS on ZMM would need AVX512DQ
		} else {
			acc[a] = c.YMM()
			c.VXORPS(acc[a], acc[a], acc[a])
		}
	}
	j := c.GP64()
	c.XORQ(j, j)
	c.TESTQ(n, n)
	c.JZ(operand.LabelRef(name + "_sum"))
	c.Label(name + "_col")
	for a := range acc {
		var v reg.VecVirtual
		if width == 16 {
			v = c.ZMM()
		} else {
			v = c.YMM()
		}
		c.VMOVUPS(operand.Mem{Base: row, Index: j, Scale: 1, Disp: 4 * width * a}, v)
		qm := operand.Mem{Base: q, Index: j, Scale: 1, Disp: 4 * width * a}
		if sq {
			c.VSUBPS(qm, v, v)
			c.VMULPS(v, v, v)
		} else {
			c.VMULPS(qm, v, v)
		}
		c.VADDPS(v, acc[a], acc[a])
	}
	c.ADDQ(operand.U8(64), j)
	c.CMPQ(j, n)
	c.JB(operand.LabelRef(name + "_col"))

	// sum16's tree: lane l += lane l+w for w = 8, 4, 2, 1.
	c.Label(name + "_sum")
	y := c.YMM()
	if width == 16 {
		c.VEXTRACTF64X4(operand.U8(1), acc[0], y)
		c.VADDPS(y, acc[0].AsY(), y)
	} else {
		c.VADDPS(acc[1], acc[0], y)
	}
	s, t := c.XMM(), c.XMM()
	c.VEXTRACTF128(operand.U8(1), y, s)
	c.VADDPS(s, y.AsX(), s)
	c.VMOVHLPS(s, s, t)
	c.VADDPS(t, s, s)
	c.VMOVSHDUP(s, t)
	c.VADDSS(t, s, s)
	// The terms past n16, one by one, in order.
	c.CMPQ(j, stride)
	c.JAE(operand.LabelRef(name + "_store"))
	c.Label(name + "_tail")
	c.VMOVSS(operand.Mem{Base: row, Index: j, Scale: 1}, t)
	if sq {
		c.VSUBSS(operand.Mem{Base: q, Index: j, Scale: 1}, t, t)
		c.VMULSS(t, t, t)
	} else {
		c.VMULSS(operand.Mem{Base: q, Index: j, Scale: 1}, t, t)
	}
	c.VADDSS(t, s, s)
	c.ADDQ(operand.U8(4), j)
	c.CMPQ(j, stride)
	c.JB(operand.LabelRef(name + "_tail"))
	c.Label(name + "_store")
	c.VMOVSS(s, operand.Mem{Base: dst, Index: k, Scale: 4})
	c.INCQ(k)
	c.CMPQ(k, m)
	c.JB(operand.LabelRef(name + "_row"))
	c.Label(name + "_done")
	c.VZEROUPPER()
	c.RET()
}
