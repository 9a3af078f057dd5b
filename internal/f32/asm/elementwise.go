package main

import (
	"fmt"
	"math"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// The element-wise kernels of elementwise.go, for AVX-512F (two 16-lane
// vectors per loop iteration, which gives the out-of-order core two
// independent chains through exp and log1p) and AVX2 (two 8-lane vectors). Each
// performs exactly the float32 operations of its Go loop, in the same order
// and without fused multiply-adds, so that it gives the same bits; the
// constants below are those of elementwise.go, written the same way so that
// they round the same way.

const (
	expLo   float32 = -104
	expHi   float32 = 89
	log2e   float32 = 1.4426950408889634
	ln2Hi   float32 = 0.693145751953125
	ln2Lo   float32 = 1.4286068203094173e-06
	roundMg float32 = 12582912
	expQ0   float32 = 1.0 / 2
	expQ1   float32 = 1.0 / 6
	expQ2   float32 = 1.0 / 24
	expQ3   float32 = 1.0 / 120
	expQ4   float32 = 1.0 / 720
	expQ5   float32 = 1.0 / 5040
	tanhLo  float32 = -20
	tanhSm  float32 = 0.55 // below, tanh's Taylor polynomial; above, from exp
	tanhT1  float32 = -1.0 / 3
	tanhT2  float32 = 2.0 / 15
	tanhT3  float32 = -17.0 / 315
	tanhT4  float32 = 62.0 / 2835
	tanhT5  float32 = -1382.0 / 155925
	tanhT6  float32 = 21844.0 / 6081075
	tanhT7  float32 = -929569.0 / 638512875
	tanhT8  float32 = 6404582.0 / 10854718875
	tanhT9  float32 = -443861162.0 / 1856156927625
	tanhT10 float32 = 18888466084.0 / 194896477400625

	ln2F    float32 = 0.6931471805599453
	ln2FLo  float32 = 0.6931471805599453 - 0.693147182464599609375
	log1pC0 float32 = 2.0 / 3
	log1pC1 float32 = 2.0 / 5
	log1pC2 float32 = 2.0 / 7
	log1pC3 float32 = 2.0 / 9
	log1pC4 float32 = 2.0 / 11
)

const (
	signBit = 1 << 31
	absMask = signBit - 1
)

// Comparison predicates of VCMPPS.
const (
	cmpLT  = 0x01 // a < b, false for NaN
	cmpNLE = 0x06 // !(a <= b): a > b or NaN
	cmpGE  = 0x0D // a >= b, false for NaN
	cmpGT  = 0x0E // a > b, false for NaN
)

// consts is the table of constants, each repeated over 64 bytes so that an
// AVX2 or AVX-512 instruction can take it as its memory operand.
type consts struct {
	c    *build.Context
	base operand.Mem
	slot map[uint32]int
}

func newConsts(c *build.Context) *consts {
	base := c.StaticGlobal("ewconst")
	c.DataAttributes(attr.RODATA | attr.NOPTR)
	return &consts{c: c, base: base, slot: map[uint32]int{}}
}

// bits returns the memory operand of the constant with the given bits.
func (t *consts) bits(b uint32) operand.Mem {
	i, ok := t.slot[b]
	if !ok {
		i = len(t.slot)
		t.slot[b] = i
		for l := 0; l < 16; l++ {
			t.c.AddDatum(64*i+4*l, operand.U32(b))
		}
	}
	return t.base.Offset(64 * i)
}

func (t *consts) f(v float32) operand.Mem { return t.bits(math.Float32bits(v)) }

// vgen emits vector code for one instruction set.
type vgen struct {
	c     *build.Context
	k     *consts
	width int    // float32 lanes: 16 (AVX-512F) or 8 (AVX2)
	block int    // elements per loop iteration, a multiple of 16 and of width
	sfx   string // "AVX512" or "AVX2"
	isa   string // what the doc comment says the function needs
}

func (g *vgen) vec() reg.VecVirtual {
	if g.width == 16 {
		return g.c.ZMM()
	}
	return g.c.YMM()
}

func (g *vgen) load(m operand.Op) reg.VecVirtual {
	v := g.vec()
	g.c.VMOVUPS(m, v)
	return v
}

func (g *vgen) store(v reg.Register, m operand.Mem) { g.c.VMOVUPS(v, m) }

// bin emits d = a OP b with a the first source of the Intel syntax and b the
// second (a register or memory).
func (g *vgen) bin(ins func(...operand.Op), a reg.Register, b operand.Op) reg.VecVirtual {
	d := g.vec()
	ins(b, a, d)
	return d
}

func (g *vgen) add(a reg.Register, b operand.Op) reg.VecVirtual { return g.bin(g.c.VADDPS, a, b) }
func (g *vgen) sub(a reg.Register, b operand.Op) reg.VecVirtual { return g.bin(g.c.VSUBPS, a, b) }
func (g *vgen) mul(a reg.Register, b operand.Op) reg.VecVirtual { return g.bin(g.c.VMULPS, a, b) }
func (g *vgen) div(a reg.Register, b operand.Op) reg.VecVirtual { return g.bin(g.c.VDIVPS, a, b) }

// max returns a > b ? a : b, so b when either is NaN (Intel's MAXPS).
func (g *vgen) max(a reg.Register, b operand.Op) reg.VecVirtual { return g.bin(g.c.VMAXPS, a, b) }

// min returns a < b ? a : b, so b when either is NaN.
func (g *vgen) min(a reg.Register, b operand.Op) reg.VecVirtual { return g.bin(g.c.VMINPS, a, b) }

// Bitwise operations: the AVX-512 forms of VANDPS and VORPS need AVX512DQ,
// the integer ones only AVX-512F.
func (g *vgen) and(a reg.Register, b operand.Op) reg.VecVirtual {
	if g.width == 16 {
		return g.bin(g.c.VPANDD, a, b)
	}
	return g.bin(g.c.VANDPS, a, b)
}

func (g *vgen) or(a reg.Register, b operand.Op) reg.VecVirtual {
	if g.width == 16 {
		return g.bin(g.c.VPORD, a, b)
	}
	return g.bin(g.c.VORPS, a, b)
}

func (g *vgen) xor(a reg.Register, b operand.Op) reg.VecVirtual {
	if g.width == 16 {
		return g.bin(g.c.VPXORD, a, b)
	}
	return g.bin(g.c.VXORPS, a, b)
}

func (g *vgen) addi(a reg.Register, b operand.Op) reg.VecVirtual { return g.bin(g.c.VPADDD, a, b) }
func (g *vgen) subi(a reg.Register, b operand.Op) reg.VecVirtual { return g.bin(g.c.VPSUBD, a, b) }

// cmp returns the mask of a PRED b: a K register for AVX-512, a vector of
// all-ones lanes for AVX2.
func (g *vgen) cmp(pred uint8, a reg.Register, b operand.Op) reg.Register {
	var m reg.Register
	if g.width == 16 {
		m = g.c.K()
	} else {
		m = g.c.YMM()
	}
	g.c.VCMPPS(operand.U8(pred), b, a, m)
	return m
}

// blend returns m ? t : f.
func (g *vgen) blend(m, f reg.Register, t operand.Op) reg.VecVirtual {
	d := g.vec()
	if g.width == 16 {
		g.c.VBLENDMPS(t, f, m, d)
	} else {
		g.c.VBLENDVPS(m, t, f, d)
	}
	return d
}

// onlyIf returns m ? x : +0, x a register or memory.
func (g *vgen) onlyIf(m reg.Register, x operand.Op) reg.VecVirtual {
	d := g.vec()
	if g.width == 16 {
		g.c.VMOVUPS_Z(x, m, d)
	} else {
		g.c.VANDPS(x, m, d)
	}
	return d
}

// pow2 returns the vector of 2^k from integer lanes k in [−126, 127].
func (g *vgen) pow2(k reg.Register) reg.VecVirtual {
	e := g.addi(k, g.k.bits(127))
	d := g.vec()
	g.c.VPSLLD(operand.U8(23), e, d)
	return d
}

// reduce is elementwise.go's reduce: k (integer lanes) and r with
// x = k·ln2 + r.
func (g *vgen) reduce(x reg.Register) (k, r reg.VecVirtual) {
	kf := g.add(g.mul(x, g.k.f(log2e)), g.k.f(roundMg))
	k = g.subi(kf, g.k.f(roundMg))
	kf = g.sub(kf, g.k.f(roundMg))
	r = g.sub(x, g.mul(kf, g.k.f(ln2Hi)))
	r = g.sub(r, g.mul(kf, g.k.f(ln2Lo)))
	return k, r
}

// expm1Poly is elementwise.go's expm1Poly.
func (g *vgen) expm1Poly(r reg.Register) reg.VecVirtual {
	q := g.add(g.mul(r, g.k.f(expQ5)), g.k.f(expQ4))
	for _, c := range []float32{expQ3, expQ2, expQ1, expQ0} {
		q = g.add(g.mul(q, r), g.k.f(c))
	}
	return g.add(r, g.mul(g.mul(r, r), q))
}

// exp is elementwise.go's exp32.
func (g *vgen) exp(x reg.Register) reg.VecVirtual {
	// x is the second operand so that NaN passes through the clamps.
	lo, hi := g.load(g.k.f(expLo)), g.load(g.k.f(expHi))
	x = g.max(lo, x)
	x = g.min(hi, x)
	k, r := g.reduce(x)
	y := g.add(g.expm1Poly(r), g.k.f(1))
	k1 := g.vec()
	g.c.VPSRAD(operand.U8(1), k, k1)
	k2 := g.subi(k, k1)
	return g.mul(g.mul(y, g.pow2(k1)), g.pow2(k2))
}

// log1p01 is elementwise.go's log1p01f.
func (g *vgen) log1p01(u reg.Register) reg.VecVirtual {
	m := g.cmp(cmpGE, u, g.k.f(0.5))
	f := g.blend(m, u, g.mul(g.sub(u, g.k.f(1)), g.k.f(0.5)))
	hi, lo := g.onlyIf(m, g.k.f(ln2F)), g.onlyIf(m, g.k.f(ln2FLo))
	s := g.div(f, g.add(f, g.k.f(2)))
	hfsq := g.mul(g.mul(f, g.k.f(0.5)), f)
	z := g.mul(s, s)
	q := g.add(g.mul(z, g.k.f(log1pC4)), g.k.f(log1pC3))
	for _, c := range []float32{log1pC2, log1pC1, log1pC0} {
		q = g.add(g.mul(q, z), g.k.f(c))
	}
	rr := g.mul(q, z)
	t := g.add(g.mul(s, g.add(hfsq, rr)), lo)
	t = g.sub(f, g.sub(hfsq, t))
	return g.add(hi, t)
}

// sigmoid is elementwise.go's sigmoid32 (and sigmoidE); it also returns
// e^−|x|.
func (g *vgen) sigmoid(x reg.Register) (y, e reg.VecVirtual) {
	e = g.exp(g.or(x, g.k.bits(signBit)))
	n := g.blend(g.cmp(cmpGE, x, g.k.f(0)), e, g.k.f(1))
	d := g.add(e, g.k.f(1))
	dl := g.sub(e, g.sub(d, g.k.f(1)))
	q := g.div(n, d)
	return g.sub(q, g.div(g.mul(q, dl), d)), e
}

// tanh is elementwise.go's tanh32.
func (g *vgen) tanh(x reg.Register) reg.VecVirtual {
	ax := g.and(x, g.k.bits(absMask))
	small := g.cmp(cmpLT, ax, g.k.f(tanhSm))
	z := g.mul(ax, ax)
	q := g.add(g.mul(z, g.k.f(tanhT10)), g.k.f(tanhT9))
	for _, c := range []float32{tanhT8, tanhT7, tanhT6, tanhT5, tanhT4, tanhT3, tanhT2, tanhT1} {
		q = g.add(g.mul(q, z), g.k.f(c))
	}
	ts := g.add(ax, g.mul(ax, g.mul(z, q)))
	a := g.or(g.add(ax, ax), g.k.bits(signBit))
	a = g.max(g.load(g.k.f(tanhLo)), a)
	k, r := g.reduce(a)
	e := g.mul(g.add(g.expm1Poly(r), g.k.f(1)), g.pow2(k))
	tl := g.sub(g.load(g.k.f(1)), g.div(g.add(e, e), g.add(e, g.k.f(1))))
	t := g.blend(small, tl, ts)
	return g.or(t, g.and(x, g.k.bits(signBit)))
}

// broadcast returns a vector of the float32 at m.
func (g *vgen) broadcast(m operand.Op) reg.VecVirtual {
	v := g.vec()
	g.c.VBROADCASTSS(m, v)
	return v
}

func (g *vgen) param(name string) reg.VecVirtual {
	a, err := g.c.Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return g.broadcast(a.Addr)
}

// fn is one element-wise function: its signature, the slices it walks (the
// first gives the length, a multiple of 16), and the code of one vector.
type fn struct {
	name, sig string
	doc       string
	slices    []string
	pre       func(g *vgen)                                  // before the loop
	body      func(g *vgen, at func(int) operand.Mem, j int) // vector j of a block
	post      func(g *vgen)                                  // after the loop
}

func (g *vgen) generate(f fn) {
	c := g.c
	name := f.name + g.sfx
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.Pragma("noescape")
	c.SignatureExpr(f.sig)
	c.Doc(
		fmt.Sprintf("%s runs %s on len(%s) elements, a multiple of %d.", name, f.doc, f.slices[0], g.block),
		"The caller guarantees the lengths; it needs "+g.isa+".",
	)
	ptrs := make([]reg.GPVirtual, len(f.slices))
	for i, s := range f.slices {
		ptrs[i] = c.GP64()
		c.Load(c.Param(s).Base(), ptrs[i])
	}
	n, idx := c.GP64(), c.GP64()
	c.Load(c.Param(f.slices[0]).Len(), n)
	c.SHLQ(operand.U8(2), n)
	c.XORQ(idx, idx)
	if f.pre != nil {
		f.pre(g)
	}
	c.TESTQ(n, n)
	c.JZ(operand.LabelRef(name + "_done"))
	c.Label(name + "_loop")
	for j := 0; j < g.block/g.width; j++ {
		at := func(s int) operand.Mem {
			return operand.Mem{Base: ptrs[s], Index: idx, Scale: 1, Disp: 4 * g.width * j}
		}
		f.body(g, at, j)
	}
	c.ADDQ(operand.U32(4*g.block), idx)
	c.CMPQ(idx, n)
	c.JB(operand.LabelRef(name + "_loop"))
	c.Label(name + "_done")
	if f.post != nil {
		f.post(g)
	}
	c.VZEROUPPER()
	c.RET()
}

// lanes64 is the float64 lane sums of BCE and SumSqDiff: two 8-lane
// registers (AVX-512) or four 4-lane ones (AVX2), lane l of acc in
// register l/(width/2).
type lanes64 struct{ r []reg.VecVirtual }

func (g *vgen) loadLanes(acc reg.Register) *lanes64 {
	var l lanes64
	per := g.width / 2
	for i := 0; i < 16/per; i++ {
		v := g.vec()
		g.c.VMOVUPD(operand.Mem{Base: acc, Disp: 8 * per * i}, v)
		l.r = append(l.r, v)
	}
	return &l
}

func (g *vgen) storeLanes(l *lanes64, acc reg.Register) {
	per := g.width / 2
	for i, v := range l.r {
		g.c.VMOVUPD(v, operand.Mem{Base: acc, Disp: 8 * per * i})
	}
}

// accumulate adds the float32 lanes of t, vector j of a group of 16, to the
// float64 lane sums, squaring them first when sq is set.
func (g *vgen) accumulate(l *lanes64, t reg.VecVirtual, j int, sq bool) {
	c := g.c
	var halves [2]reg.Register
	if g.width == 16 {
		hi := c.YMM()
		c.VEXTRACTF64X4(operand.U8(1), t, hi)
		halves = [2]reg.Register{t.AsY(), hi}
	} else {
		hi := c.XMM()
		c.VEXTRACTF128(operand.U8(1), t, hi)
		halves = [2]reg.Register{t.AsX(), hi}
	}
	for h, x := range halves {
		d := g.vec()
		c.VCVTPS2PD(x, d)
		if sq {
			c.VMULPD(d, d, d)
		}
		a := l.r[2*j+h]
		c.VADDPD(d, a, a)
	}
}

func generateElementwise(c *build.Context) {
	k := newConsts(c)
	for _, g := range []*vgen{
		{c: c, k: k, width: 16, block: 32, sfx: "AVX512", isa: "AVX-512F"},
		{c: c, k: k, width: 8, block: 16, sfx: "AVX2", isa: "AVX2"},
	} {
		g.elementwise()
		g.selectBelow()
	}
}

func (g *vgen) elementwise() {
	c := g.c
	unary := func(name, doc string, f func(g *vgen, x reg.Register) reg.VecVirtual) {
		g.generate(fn{
			name: name, sig: "func(y, x []float32)", doc: doc, slices: []string{"x", "y"},
			body: func(g *vgen, at func(int) operand.Mem, _ int) {
				g.store(f(g, g.load(at(0))), at(1))
			},
		})
	}
	unary("exp", "expGo", func(g *vgen, x reg.Register) reg.VecVirtual { return g.exp(x) })
	unary("sigmoid", "sigmoidGo", func(g *vgen, x reg.Register) reg.VecVirtual { y, _ := g.sigmoid(x); return y })
	unary("tanh", "tanhGo", func(g *vgen, x reg.Register) reg.VecVirtual { return g.tanh(x) })
	unary("relu", "reluGo", func(g *vgen, x reg.Register) reg.VecVirtual {
		return g.onlyIf(g.cmp(cmpNLE, x, g.k.f(0)), x)
	})

	var slope, alpha, one reg.VecVirtual
	g.generate(fn{
		name: "leakyReLU", sig: "func(y, x []float32, slope float32)", doc: "leakyReLUGo",
		slices: []string{"x", "y"},
		pre:    func(g *vgen) { slope = g.param("slope") },
		body: func(g *vgen, at func(int) operand.Mem, _ int) {
			x := g.load(at(0))
			g.store(g.blend(g.cmp(cmpLT, x, g.k.f(0)), x, g.mul(x, slope)), at(1))
		},
	})
	g.generate(fn{
		name: "reluBack", sig: "func(dx, dy, x []float32)", doc: "reluBackGo",
		slices: []string{"dx", "dy", "x"},
		body: func(g *vgen, at func(int) operand.Mem, _ int) {
			m := g.cmp(cmpGT, g.load(at(2)), g.k.f(0))
			dx := g.load(at(0))
			if g.width == 16 {
				c.VADDPS(at(1), dx, m, dx) // merge-masked: dx where m is clear
				g.store(dx, at(0))
				return
			}
			g.store(g.blend(m, dx, g.add(dx, at(1))), at(0))
		},
	})
	g.generate(fn{
		name: "leakyReLUBack", sig: "func(dx, dy, x []float32, slope float32)", doc: "leakyReLUBackGo",
		slices: []string{"dx", "dy", "x"},
		pre:    func(g *vgen) { slope = g.param("slope") },
		body: func(g *vgen, at func(int) operand.Mem, _ int) {
			m := g.cmp(cmpGT, g.load(at(2)), g.k.f(0))
			dy := g.load(at(1))
			d := g.blend(m, g.mul(dy, slope), dy)
			g.store(g.add(g.load(at(0)), d), at(0))
		},
	})
	g.generate(fn{
		name: "sigmoidBack", sig: "func(dx, dy, y []float32)", doc: "sigmoidBackGo",
		slices: []string{"dx", "dy", "y"},
		pre:    func(g *vgen) { one = g.load(g.k.f(1)) },
		body: func(g *vgen, at func(int) operand.Mem, _ int) {
			y := g.load(at(2))
			d := g.mul(y, g.sub(one, y))
			g.store(g.add(g.load(at(0)), g.mul(g.load(at(1)), d)), at(0))
		},
	})
	g.generate(fn{
		name: "tanhBack", sig: "func(dx, dy, y []float32)", doc: "tanhBackGo",
		slices: []string{"dx", "dy", "y"},
		pre:    func(g *vgen) { one = g.load(g.k.f(1)) },
		body: func(g *vgen, at func(int) operand.Mem, _ int) {
			y := g.load(at(2))
			d := g.sub(one, g.mul(y, y))
			g.store(g.add(g.load(at(0)), g.mul(g.load(at(1)), d)), at(0))
		},
	})
	g.generate(fn{
		name: "axpy", sig: "func(alpha float32, x, y []float32)", doc: "axpyGo",
		slices: []string{"x", "y"},
		pre:    func(g *vgen) { alpha = g.param("alpha") },
		body: func(g *vgen, at func(int) operand.Mem, _ int) {
			g.store(g.add(g.load(at(1)), g.mul(alpha, at(0))), at(1))
		},
	})
	g.generate(fn{
		name: "axpyDiff", sig: "func(dst []float32, alpha float32, a, b []float32)", doc: "axpyDiffGo",
		slices: []string{"dst", "a", "b"},
		pre:    func(g *vgen) { alpha = g.param("alpha") },
		body: func(g *vgen, at func(int) operand.Mem, _ int) {
			d := g.sub(g.load(at(1)), at(2))
			g.store(g.add(g.load(at(0)), g.mul(alpha, d)), at(0))
		},
	})

	g.generate(fn{
		name: "mul", sig: "func(dst, a, b []float32)", doc: "mulGo",
		slices: []string{"dst", "a", "b"},
		body: func(g *vgen, at func(int) operand.Mem, _ int) {
			g.store(g.mul(g.load(at(1)), at(2)), at(0))
		},
	})
	g.generate(fn{
		name: "mulAcc", sig: "func(dst, a, b []float32)", doc: "mulAccGo",
		slices: []string{"dst", "a", "b"},
		body: func(g *vgen, at func(int) operand.Mem, _ int) {
			g.store(g.add(g.load(at(0)), g.mul(g.load(at(1)), at(2))), at(0))
		},
	})

	var lanes *lanes64
	var accPtr reg.GPVirtual
	loadAcc := func(g *vgen) {
		accPtr = c.GP64()
		c.Load(c.Param("acc"), accPtr)
		lanes = g.loadLanes(accPtr)
	}
	storeAcc := func(g *vgen) { g.storeLanes(lanes, accPtr) }
	g.generate(fn{
		name: "bce", sig: "func(sig, z, y []float32, acc *[16]float64)",
		doc:    "bceGo (adding to acc)",
		slices: []string{"z", "y", "sig"},
		pre:    loadAcc,
		body: func(g *vgen, at func(int) operand.Mem, j int) {
			z := g.load(at(0))
			sig, e := g.sigmoid(z)
			g.store(sig, at(2))
			l := g.log1p01(e)
			r := g.max(z, g.k.f(0))
			t := g.add(g.sub(r, g.mul(z, at(1))), l)
			g.accumulate(lanes, t, j%(16/g.width), false)
		},
		post: storeAcc,
	})
	g.generate(fn{
		name: "sumSqDiff", sig: "func(a, b []float32, acc *[16]float64)",
		doc:    "sumSqDiffGo",
		slices: []string{"a", "b"},
		pre:    loadAcc,
		body: func(g *vgen, at func(int) operand.Mem, j int) {
			g.accumulate(lanes, g.sub(g.load(at(0)), at(1)), j%(16/g.width), true)
		},
		post: storeAcc,
	})
	g.adam()
}

// adam generates the Adam update, with one loop for Adam and one for AdamW.
func (g *vgen) adam() {
	c := g.c
	name := "adam" + g.sfx
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.Pragma("noescape")
	c.SignatureExpr("func(w, g, m, v []float32, p *[9]float32, decoupled bool)")
	c.Doc(
		fmt.Sprintf("%s runs adamGo on len(w) elements, a multiple of %d, with p holding b1, b2, c1,", name, g.block),
		"c2, stepSize, invBC2, eps, wd and decay. The caller guarantees the lengths;",
		"it needs "+g.isa+".",
	)
	ptrs := make([]reg.GPVirtual, 4)
	for i, s := range []string{"w", "g", "m", "v"} {
		ptrs[i] = c.GP64()
		c.Load(c.Param(s).Base(), ptrs[i])
	}
	n, idx, pp := c.GP64(), c.GP64(), c.GP64()
	c.Load(c.Param("w").Len(), n)
	c.SHLQ(operand.U8(2), n)
	c.XORQ(idx, idx)
	c.Load(c.Param("p"), pp)
	var p [9]reg.VecVirtual
	for i := range p {
		p[i] = g.broadcast(operand.Mem{Base: pp, Disp: 4 * i})
	}
	b1, b2, c1, c2, step, invBC2, eps, wd, decay := p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]
	dec := c.GP8()
	c.Load(c.Param("decoupled"), dec)
	c.TESTQ(n, n)
	c.JZ(operand.LabelRef(name + "_done"))
	c.TESTB(dec, dec)
	c.JNZ(operand.LabelRef(name + "_w"))
	for _, decoupled := range []bool{false, true} {
		loop := name + "_loop"
		if decoupled {
			c.Label(name + "_w")
			loop = name + "_wloop"
		}
		c.Label(loop)
		for j := 0; j < g.block/g.width; j++ {
			at := func(s int) operand.Mem {
				return operand.Mem{Base: ptrs[s], Index: idx, Scale: 1, Disp: 4 * g.width * j}
			}
			w, gr := g.load(at(0)), g.load(at(1))
			if decoupled {
				w = g.mul(w, decay)
			} else {
				gr = g.add(gr, g.mul(wd, w))
			}
			m := g.add(g.mul(b1, at(2)), g.mul(c1, gr))
			v := g.add(g.mul(b2, at(3)), g.mul(g.mul(c2, gr), gr))
			g.store(m, at(2))
			g.store(v, at(3))
			sq := g.vec()
			c.VSQRTPS(v, sq)
			den := g.add(g.mul(sq, invBC2), eps)
			g.store(g.sub(w, g.div(g.mul(step, m), den)), at(0))
		}
		c.ADDQ(operand.U32(4*g.block), idx)
		c.CMPQ(idx, n)
		c.JB(operand.LabelRef(loop))
		if !decoupled {
			c.JMP(operand.LabelRef(name + "_done"))
		}
	}
	c.Label(name + "_done")
	c.VZEROUPPER()
	c.RET()
}

// selectBelow writes base+i for every i with scores[i] < cut (false for a
// NaN score), in increasing order, and returns how many. Each block of
// scores is compared as vectors and the comparison masks merged into one
// general-purpose register; blocks with no hit (nearly all of them in a k-NN
// scan) cost a test and a branch, and each hit is then written by a
// bit-scan loop. (VPCOMPRESSD to memory would do the same on AVX-512, but it
// is microcoded and slow on AMD's Zen 4, and hits are rare.)
func (g *vgen) selectBelow() {
	c := g.c
	name := "selectBelow" + g.sfx
	c.Function(name)
	c.Attributes(attr.NOSPLIT)
	c.Pragma("noescape")
	c.SignatureExpr("func(idx []int32, scores []float32, base int32, cut float32) int")
	c.Doc(
		fmt.Sprintf("%s runs selectBelowGo on len(scores) elements, a multiple of %d.", name, g.block),
		"The caller guarantees the lengths (len(idx) ≥ len(scores)); it needs "+g.isa+".",
	)
	out, start, src := c.GP64(), c.GP64(), c.GP64()
	c.Load(c.Param("idx").Base(), out)
	c.MOVQ(out, start)
	c.Load(c.Param("scores").Base(), src)
	n, idx := c.GP64(), c.GP64()
	c.Load(c.Param("scores").Len(), n)
	c.SHLQ(operand.U8(2), n)
	c.XORQ(idx, idx)
	pos := c.GP32()
	c.Load(c.Param("base"), pos)
	cut := g.param("cut")
	c.TESTQ(n, n)
	c.JZ(operand.LabelRef(name + "_done"))
	c.Label(name + "_loop")
	mask, t := c.GP32(), c.GP32()
	for j := 0; j < g.block/g.width; j++ {
		v := g.load(operand.Mem{Base: src, Index: idx, Scale: 1, Disp: 4 * g.width * j})
		m := g.cmp(cmpLT, v, cut)
		dst := mask
		if j > 0 {
			dst = t
		}
		if g.width == 16 {
			c.KMOVW(m, dst)
		} else {
			c.VMOVMSKPS(m, dst)
		}
		if j > 0 {
			c.SHLL(operand.U8(g.width*j), t)
			c.ORL(t, mask)
		}
	}
	c.TESTL(mask, mask)
	c.JZ(operand.LabelRef(name + "_next"))
	c.Label(name + "_bits")
	b := c.GP32()
	c.BSFL(mask, b)
	c.ADDL(pos, b)
	c.MOVL(b, operand.Mem{Base: out})
	c.ADDQ(operand.U8(4), out)
	c.LEAL(operand.Mem{Base: mask, Disp: -1}, t)
	c.ANDL(t, mask)
	c.JNZ(operand.LabelRef(name + "_bits"))
	c.Label(name + "_next")
	c.ADDL(operand.U32(g.block), pos)
	c.ADDQ(operand.U32(4*g.block), idx)
	c.CMPQ(idx, n)
	c.JB(operand.LabelRef(name + "_loop"))
	c.Label(name + "_done")
	c.SUBQ(start, out)
	c.SHRQ(operand.U8(2), out)
	c.Store(out, c.ReturnIndex(0))
	c.VZEROUPPER()
	c.RET()
}
