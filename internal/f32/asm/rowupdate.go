package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// generateRowUpdate writes the kernels of RowUpdate (rowupdate.go), the
// output-layer step of word2vec: acc += alpha·row, then row += alpha·h,
// in one pass over the three vectors. Each product is rounded on its own
// and then added (VMULPS, VADDPS, never a fused multiply-add), so the
// kernels give the bits of the Go loop.
func generateRowUpdate(c *build.Context) {
	for _, isa := range []struct {
		sfx, name string
		width     int
	}{{"AVX512", "AVX-512F", 16}, {"AVX2", "AVX2", 8}} {
		rowUpdate(c, isa.sfx, isa.name, isa.width)
	}
	generatePrefetch(c)
}

func rowUpdate(c *build.Context, sfx, isa string, width int) {
	name := "rowUpdate" + sfx
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.Pragma("noescape")
	c.SignatureExpr("func(alpha float32, row, h, acc []float32)")
	c.Doc(
		fmt.Sprintf("%s runs rowUpdateGo; len(row) is a multiple of 16, at least 16,", name),
		"and h and acc are as long. The caller guarantees the lengths; it needs "+isa+".",
	)
	row, h, acc, n := c.GP64(), c.GP64(), c.GP64(), c.GP64()
	c.Load(c.Param("row").Base(), row)
	c.Load(c.Param("h").Base(), h)
	c.Load(c.Param("acc").Base(), acc)
	c.Load(c.Param("row").Len(), n)
	c.SHLQ(operand.U8(2), n)
	vec := func() reg.VecVirtual {
		if width == 16 {
			return c.ZMM()
		}
		return c.YMM()
	}
	alpha, err := c.Param("alpha").Resolve()
	if err != nil {
		panic(err)
	}
	a := vec()
	c.VBROADCASTSS(alpha.Addr, a)
	j := c.GP64()
	c.XORQ(j, j)
	c.Label(name + "_loop")
	// Two vectors per step when they fit a 16-float block.
	for k := 0; k < 16/width; k++ {
		at := func(base reg.Register) operand.Mem {
			return operand.Mem{Base: base, Index: j, Scale: 1, Disp: 4 * width * k}
		}
		r, t, u := vec(), vec(), vec()
		c.VMOVUPS(at(row), r)
		c.VMULPS(r, a, t)
		c.VADDPS(at(acc), t, t)
		c.VMOVUPS(t, at(acc))
		c.VMULPS(at(h), a, u)
		c.VADDPS(u, r, r)
		c.VMOVUPS(r, at(row))
	}
	c.ADDQ(operand.U8(64), j)
	c.CMPQ(j, n)
	c.JB(operand.LabelRef(name + "_loop"))
	c.VZEROUPPER()
	c.RET()
}

// generatePrefetch writes prefetchRowsAMD64, the kernel of PrefetchRows:
// a PREFETCHT0 for every cache line of the rows picked by ID (plain x86-64,
// no extension needed).
func generatePrefetch(c *build.Context) {
	name := "prefetchRowsAMD64"
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.Pragma("noescape")
	c.SignatureExpr("func(x []float32, ids []int32, dim int)")
	c.Doc(
		name + " runs PrefetchRows; dim ≥ 1. The caller guarantees the rows are in x.",
	)
	x, ids, m, stride := c.GP64(), c.GP64(), c.GP64(), c.GP64()
	c.Load(c.Param("x").Base(), x)
	c.Load(c.Param("ids").Base(), ids)
	c.Load(c.Param("ids").Len(), m)
	c.Load(c.Param("dim"), stride)
	c.SHLQ(operand.U8(2), stride)
	k := c.GP64()
	c.XORQ(k, k)
	c.TESTQ(m, m)
	c.JZ(operand.LabelRef(name + "_done"))
	c.Label(name + "_row")
	row, end := c.GP64(), c.GP64()
	c.MOVLQSX(operand.Mem{Base: ids, Index: k, Scale: 4}, row)
	c.IMULQ(stride, row)
	c.ADDQ(x, row)
	c.LEAQ(operand.Mem{Base: row, Index: stride, Scale: 1}, end)
	c.Label(name + "_line")
	c.PREFETCHT0(operand.Mem{Base: row})
	c.ADDQ(operand.U8(64), row)
	c.CMPQ(row, end)
	c.JB(operand.LabelRef(name + "_line"))
	// The row's last byte, whose line the loop misses when the row does
	// not start on a line boundary.
	c.PREFETCHT0(operand.Mem{Base: end, Disp: -1})
	c.INCQ(k)
	c.CMPQ(k, m)
	c.JB(operand.LabelRef(name + "_row"))
	c.Label(name + "_done")
	c.RET()
}
