package main

import (
	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// generateFilterI8 writes filterI8VNNI, the kernel of FilterI8 (see
// filteri8.go in package f32): 8-bit dot products of 8 queries with groups
// of 16 rows by VPDPBUSD, turned into lower bounds on squared distances
// and compared with each query's cut-off, one mask bit per pair, and the
// groups with a bit set listed.
func generateFilterI8(c *build.Context) {
	c.Function("filterI8VNNI")
	c.Attributes(attr.NOSPLIT)
	c.Pragma("noescape")
	c.SignatureExpr("func(masks []uint16, hits []int32, x []byte, rows []float32, q []int32, qc []float32, groups, m int) int")
	c.Doc(
		"filterI8VNNI runs filterI8Go. The caller guarantees the lengths and",
		"groups, m ≥ 1; it needs AVX-512F and AVX512_VNNI.",
	)
	mp, xp, rp, qp, cp := c.GP64(), c.GP64(), c.GP64(), c.GP64(), c.GP64()
	c.Load(c.Param("masks").Base(), mp)
	c.Load(c.Param("x").Base(), xp)
	c.Load(c.Param("rows").Base(), rp)
	c.Load(c.Param("q").Base(), qp)
	c.Load(c.Param("qc").Base(), cp)
	g, m := c.GP64(), c.GP64()
	c.Load(c.Param("groups"), g)
	c.Load(c.Param("m"), m)
	// hp: hits; gi: the group's index; nh: hits so far.
	hp, gi, nh := c.GP64(), c.GP64(), c.GP64()
	c.Load(c.Param("hits").Base(), hp)
	c.XORQ(gi, gi)
	c.XORQ(nh, nh)

	c.Label("group")
	// Two accumulators a query, for even and odd dwords, so that 16
	// VPDPBUSD chains overlap their latency.
	acc := make([]reg.VecVirtual, 8)
	odd := make([]reg.VecVirtual, 8)
	for i := range acc {
		acc[i], odd[i] = c.ZMM(), c.ZMM()
		c.VPXORD(acc[i], acc[i], acc[i])
		c.VPXORD(odd[i], odd[i], odd[i])
	}
	qq, cnt := c.GP64(), c.GP64()
	c.MOVQ(qp, qq)
	c.MOVQ(m, cnt)
	c.SHRQ(operand.U8(1), cnt)
	c.JZ(operand.LabelRef("last"))
	c.Label("pair")
	x0, x1 := c.ZMM(), c.ZMM()
	c.VMOVDQU32(operand.Mem{Base: xp}, x0)
	c.VMOVDQU32(operand.Mem{Base: xp, Disp: 64}, x1)
	for i := range acc {
		dpbusd(c, operand.Mem{Base: qq, Disp: 4 * i}, x0, acc[i])
		dpbusd(c, operand.Mem{Base: qq, Disp: 32 + 4*i}, x1, odd[i])
	}
	c.ADDQ(operand.U8(128), xp)
	c.ADDQ(operand.U8(64), qq)
	c.DECQ(cnt)
	c.JNZ(operand.LabelRef("pair"))
	c.Label("last")
	c.TESTQ(operand.U32(1), m)
	c.JZ(operand.LabelRef("sum"))
	c.VMOVDQU32(operand.Mem{Base: xp}, x0)
	for i := range acc {
		dpbusd(c, operand.Mem{Base: qq, Disp: 4 * i}, x0, acc[i])
	}
	c.ADDQ(operand.U8(64), xp)
	c.Label("sum")
	for i := range acc {
		c.VPADDD(odd[i], acc[i], acc[i])
	}

	any := c.K()
	c.KXORW(any, any, any)
	xn, r, nx := c.ZMM(), c.ZMM(), c.ZMM()
	c.VMOVUPS(operand.Mem{Base: rp}, xn)
	c.VMOVUPS(operand.Mem{Base: rp, Disp: 64}, r)
	c.VMOVUPS(operand.Mem{Base: rp, Disp: 128}, nx)
	for i, a := range acc {
		qc := func(j int) operand.Mem { return operand.Mem{Base: cp, Disp: 32*i + 4*j} }
		y := c.ZMM()
		k := c.K()
		c.VPSUBD_BCST(qc(0), a, a)
		c.VCVTDQ2PS(a, a)
		c.VMOVAPS(xn, y)
		c.VFMADD231PS_BCST(qc(1), a, y)
		c.VFMADD231PS_BCST(qc(2), r, y)
		c.VFMADD231PS_BCST(qc(3), nx, y)
		c.VCMPPS_BCST(operand.U8(0x11), qc(4), y, k) // y < cut-off (LT_OQ)
		c.KMOVW(k, operand.Mem{Base: mp, Disp: 2 * i})
		c.KORW(k, any, any)
	}
	// A group where some bit is set joins hits.
	c.KORTESTW(any, any)
	c.JZ(operand.LabelRef("next"))
	c.MOVL(gi.As32(), operand.Mem{Base: hp, Index: nh, Scale: 4})
	c.INCQ(nh)
	c.Label("next")
	c.INCQ(gi)
	c.ADDQ(operand.U32(192), rp)
	c.ADDQ(operand.U8(16), mp)
	c.DECQ(g)
	c.JNZ(operand.LabelRef("group"))
	c.Store(nh, c.ReturnIndex(0))
	c.VZEROUPPER()
	c.RET()
}

// dpbusd appends VPDPBUSD.BCST q, x, acc: acc += the products of x's
// unsigned bytes with the signed bytes of the dword at q, broadcast, four
// at a time per lane. avo v0.5.0 does not know the instruction, so it is
// written out with its operands' roles for the register allocator.
func dpbusd(c *build.Context, q operand.Mem, x, acc reg.VecVirtual) {
	c.Instruction(&ir.Instruction{
		Opcode:   "VPDPBUSD",
		Suffixes: []string{"BCST"},
		Operands: []operand.Op{q, x, acc},
		Inputs:   []operand.Op{q, x, acc},
		Outputs:  []operand.Op{acc},
	})
}
