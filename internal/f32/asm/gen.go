// Command asm generates, with avo, the amd64 assembly of package f32: the
// matrix product's micro-kernels and packing routines, in gemm_amd64.s, and
// the element-wise kernels of the training step, in elementwise_amd64.s,
// and the distance kernels of nearest-neighbour search, in
// distance_amd64.s, word2vec's row update and prefetch, in
// rowupdate_amd64.s, and the 8-bit distance filter of exact search, in
// filteri8_amd64.s, with their Go declarations in gemm_amd64.go,
// elementwise_amd64.go, distance_amd64.go, rowupdate_amd64.go and
// filteri8_amd64.go.
//
// It lives in a module of its own so that latent itself does not depend on
// avo. Run it through go generate in internal/f32, or check that the
// committed files are current with check.sh.
//
//	go run . -out DIR
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/pass"
	"github.com/mmcloughlin/avo/printer"
	"github.com/mmcloughlin/avo/reg"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("asm: ")
	// avo's build package registers its own flags on flag.CommandLine.
	fs := flag.NewFlagSet("asm", flag.ExitOnError)
	out := fs.String("out", ".", "folder to write the .s and .go files into")
	fs.Parse(os.Args[1:])

	generate(*out, "gemm_amd64", func(c *build.Context) {
		for _, k := range kernels {
			k.generate(c)
		}
		transpose8(c)
		transpose4(c)
		copyRows(c)
	})
	generate(*out, "elementwise_amd64", generateElementwise)
	generate(*out, "distance_amd64", generateDistance)
	generate(*out, "rowupdate_amd64", generateRowUpdate)
	generate(*out, "filteri8_amd64", generateFilterI8)
}

// generate writes base.s and base.go in folder out with the functions that
// gen adds to a fresh context.
func generate(out, base string, gen func(c *build.Context)) {
	c := build.NewContext()
	c.ConstraintExpr("!purego")
	gen(c)
	f, err := c.Result()
	if err != nil {
		log.Fatal(err)
	}
	if err := pass.Compile.Execute(f); err != nil {
		log.Fatal(err)
	}
	cfg := printer.Config{Name: "internal/f32/asm", Pkg: "f32"}
	write(filepath.Join(out, base+".s"), printer.NewGoAsm(cfg), f)
	write(filepath.Join(out, base+".go"), printer.NewStubs(cfg), f)
}

func write(path string, p printer.Printer, f *ir.File) {
	b, err := p.Print(f)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		log.Fatal(err)
	}
}

// A kernel is one register-blocked micro-kernel: it multiplies a packed
// mr×kc panel of A by a packed kc×nr panel of B (nr = nv vectors of width
// floats) and merges the mr×nr product into C.
type kernel struct {
	name   string
	width  int // float32 lanes per vector register: 8 (AVX2) or 16 (AVX-512)
	mr, nv int // rows of the tile, vectors per row
	unroll int // steps of k per loop iteration (a power of two)
}

// kernels lists the micro-kernels to generate. The accumulators fill most
// of the register file, leaving room for the B vectors and one or two
// broadcast registers. The shapes were chosen by measurement (single thread,
// the products of bench/gemm, on an AMD EPYC with full-width AVX-512):
//
//	AVX-512  12×32 203 GFLOP/s   14×32 196   6×64 195   8×48 ≈170
//	AVX2      6×16 103 GFLOP/s    4×24 ≈93
//
// Any mr×nv that fits generates; change the list, regenerate, and set the
// matching kernel in gemm_kernels_amd64.go.
var kernels = []kernel{
	{name: "kernAVX512_12x32", width: 16, mr: 12, nv: 2, unroll: 4},
	{name: "kernAVX2_6x16", width: 8, mr: 6, nv: 2, unroll: 4},
}

func vec(width, i int) reg.VecPhysical {
	if width == 16 {
		return zmm[i]
	}
	return ymm[i]
}

var ymm = []reg.VecPhysical{
	reg.Y0, reg.Y1, reg.Y2, reg.Y3, reg.Y4, reg.Y5, reg.Y6, reg.Y7,
	reg.Y8, reg.Y9, reg.Y10, reg.Y11, reg.Y12, reg.Y13, reg.Y14, reg.Y15,
}

var zmm = []reg.VecPhysical{
	reg.Z0, reg.Z1, reg.Z2, reg.Z3, reg.Z4, reg.Z5, reg.Z6, reg.Z7,
	reg.Z8, reg.Z9, reg.Z10, reg.Z11, reg.Z12, reg.Z13, reg.Z14, reg.Z15,
	reg.Z16, reg.Z17, reg.Z18, reg.Z19, reg.Z20, reg.Z21, reg.Z22, reg.Z23,
	reg.Z24, reg.Z25, reg.Z26, reg.Z27, reg.Z28, reg.Z29, reg.Z30, reg.Z31,
}

func (k kernel) generate(c *build.Context) {
	nr := k.nv * k.width
	nregs := 16
	if k.width == 16 {
		nregs = 32
	}
	nacc := k.mr * k.nv
	nbc := nregs - nacc - k.nv // broadcast registers
	if nbc < 1 {
		panic(fmt.Sprintf("%s: %d accumulators and %d B vectors do not fit in %d registers", k.name, nacc, k.nv, nregs))
	}
	nbc = min(nbc, 2)
	acc := func(r, v int) reg.VecPhysical { return vec(k.width, r*k.nv+v) }
	bv := func(v int) reg.VecPhysical { return vec(k.width, nacc+v) }
	bc := func(i int) reg.VecPhysical { return vec(k.width, nacc+k.nv+i%nbc) }
	isa := "AVX2 and FMA"
	if k.width == 16 {
		isa = "AVX-512F"
	}

	c.Function(k.name)
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr("func(kc int, a, b, c []float32, ldc int, alpha, beta float32)")
	c.Doc(
		fmt.Sprintf("%s computes the %d×%d tile", k.name, k.mr, nr),
		"",
		"\tc[r*ldc+j] = alpha·Σ_l a[l*"+fmt.Sprint(k.mr)+"+r]·b[l*"+fmt.Sprint(nr)+"+j] + beta·c[r*ldc+j]",
		"",
		fmt.Sprintf("for r < %d, j < %d, summing l = 0, 1, …, kc-1 in order with fused", k.mr, nr),
		"multiply-adds. C is not read when beta is zero. The caller guarantees kc ≥ 1",
		"and the lengths of a, b and c; it needs "+isa+".",
	)

	pa, pb, pc, kc, ldc := reg.RSI, reg.RDI, reg.RDX, reg.RCX, reg.R8
	steps := reg.R9
	c.Load(c.Param("kc"), kc)
	c.Load(c.Param("a").Base(), pa)
	c.Load(c.Param("b").Base(), pb)
	c.Load(c.Param("c").Base(), pc)
	c.Load(c.Param("ldc"), ldc)
	c.SHLQ(operand.U8(2), ldc)

	for r := 0; r < k.mr; r++ {
		for v := 0; v < k.nv; v++ {
			zero(c, acc(r, v))
		}
	}

	step := func(u int) {
		for v := 0; v < k.nv; v++ {
			c.VMOVUPS(operand.Mem{Base: pb, Disp: 4 * (u*nr + v*k.width)}, bv(v))
		}
		for r := 0; r < k.mr; r++ {
			t := bc(r)
			c.VBROADCASTSS(operand.Mem{Base: pa, Disp: 4 * (u*k.mr + r)}, t)
			for v := 0; v < k.nv; v++ {
				c.VFMADD231PS(bv(v), t, acc(r, v))
			}
		}
	}
	shift := 0
	for 1<<shift < k.unroll {
		shift++
	}
	c.MOVQ(kc, steps)
	c.SHRQ(operand.U8(shift), steps)
	c.JZ(operand.LabelRef(k.name + "_tail"))
	c.Label(k.name + "_loop")
	for u := 0; u < k.unroll; u++ {
		step(u)
	}
	c.ADDQ(operand.U32(4*k.unroll*k.mr), pa)
	c.ADDQ(operand.U32(4*k.unroll*nr), pb)
	c.DECQ(steps)
	c.JNZ(operand.LabelRef(k.name + "_loop"))

	c.Label(k.name + "_tail")
	c.ANDQ(operand.U32(k.unroll-1), kc)
	c.JZ(operand.LabelRef(k.name + "_merge"))
	c.Label(k.name + "_tailloop")
	step(0)
	c.ADDQ(operand.U32(4*k.mr), pa)
	c.ADDQ(operand.U32(4*nr), pb)
	c.DECQ(kc)
	c.JNZ(operand.LabelRef(k.name + "_tailloop"))

	// Merge: c = alpha·acc (+ beta·c). The B registers are free now.
	c.Label(k.name + "_merge")
	alpha, beta := bv(0), bc(0)
	alphaAddr, _ := c.Param("alpha").Resolve()
	betaAddr, _ := c.Param("beta").Resolve()
	c.VBROADCASTSS(alphaAddr.Addr, alpha)
	for r := 0; r < k.mr; r++ {
		for v := 0; v < k.nv; v++ {
			c.VMULPS(alpha, acc(r, v), acc(r, v))
		}
	}
	c.VBROADCASTSS(betaAddr.Addr, beta)
	zero(c, alpha)
	c.VUCOMISS(alpha.AsX(), beta.AsX())
	c.JNE(operand.LabelRef(k.name + "_beta"))
	c.JPS(operand.LabelRef(k.name + "_beta"))
	for r := 0; r < k.mr; r++ {
		for v := 0; v < k.nv; v++ {
			c.VMOVUPS(acc(r, v), operand.Mem{Base: pc, Disp: 4 * v * k.width})
		}
		if r < k.mr-1 {
			c.ADDQ(ldc, pc)
		}
	}
	c.VZEROUPPER()
	c.RET()

	c.Label(k.name + "_beta")
	for r := 0; r < k.mr; r++ {
		for v := 0; v < k.nv; v++ {
			m := operand.Mem{Base: pc, Disp: 4 * v * k.width}
			c.VFMADD231PS(m, beta, acc(r, v))
			c.VMOVUPS(acc(r, v), m)
		}
		if r < k.mr-1 {
			c.ADDQ(ldc, pc)
		}
	}
	c.VZEROUPPER()
	c.RET()
}

// zero clears v with an instruction of v's own instruction set (VXORPS on
// a ZMM register would need AVX512DQ).
func zero(c *build.Context, v reg.VecPhysical) {
	if v.Size() == 64 {
		c.VPXORD(v, v, v)
		return
	}
	c.VXORPS(v, v, v)
}

// transpose8 generates transpose8x8, which packs 8 rows of a matrix
// column by column: dst[l*ldd+r] = src[r*lds+l] for r < 8 and l < n, n a
// multiple of 8, one 8×8 block per iteration.
func transpose8(c *build.Context) {
	c.Function("transpose8x8")
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr("func(dst []float32, ldd int, src []float32, lds int, n int)")
	c.Doc(
		"transpose8x8 sets dst[l*ldd+r] = src[r*lds+l] for r < 8 and l < n, where n is a",
		"multiple of 8. The caller guarantees the lengths; it needs AVX.",
	)
	d, ldd, n, lds, s4 := reg.RDI, reg.R8, reg.RCX, reg.R9, reg.R10
	p := []reg.Physical{reg.RSI, reg.R11, reg.R12, reg.R13} // rows 0–3; rows 4–7 are 4·lds on
	c.Load(c.Param("dst").Base(), d)
	c.Load(c.Param("ldd"), ldd)
	c.Load(c.Param("src").Base(), p[0])
	c.Load(c.Param("lds"), lds)
	c.Load(c.Param("n"), n)
	c.SHLQ(operand.U8(2), ldd)
	c.SHLQ(operand.U8(2), lds)
	for i := 1; i < 4; i++ {
		c.LEAQ(operand.Mem{Base: p[i-1], Index: lds, Scale: 1}, p[i])
	}
	c.MOVQ(lds, s4)
	c.SHLQ(operand.U8(2), s4)
	c.SHRQ(operand.U8(3), n)
	c.JZ(operand.LabelRef("transpose8x8_done"))
	c.Label("transpose8x8_loop")
	// a[4h+i] holds columns 4h…4h+3 of row i (low half) and row i+4 (high half).
	a := ymm[:8]
	for h := 0; h < 2; h++ {
		for i := 0; i < 4; i++ {
			r := a[4*h+i]
			c.VMOVUPS(operand.Mem{Base: p[i], Disp: 16 * h}, r.AsX())
			c.VINSERTF128(operand.U8(1), operand.Mem{Base: p[i], Index: s4, Scale: 1, Disp: 16 * h}, r, r)
		}
	}
	t, out := ymm[8:12], ymm[12:16]
	for h := 0; h < 2; h++ {
		c.VUNPCKLPS(a[4*h+1], a[4*h], t[0]) // r0l0 r1l0 r0l1 r1l1 | r4… r5…
		c.VUNPCKHPS(a[4*h+1], a[4*h], t[1]) // r0l2 r1l2 r0l3 r1l3 | …
		c.VUNPCKLPS(a[4*h+3], a[4*h+2], t[2])
		c.VUNPCKHPS(a[4*h+3], a[4*h+2], t[3])
		c.VSHUFPS(operand.U8(0x44), t[2], t[0], out[0]) // column 4h of rows 0–7
		c.VSHUFPS(operand.U8(0xEE), t[2], t[0], out[1])
		c.VSHUFPS(operand.U8(0x44), t[3], t[1], out[2])
		c.VSHUFPS(operand.U8(0xEE), t[3], t[1], out[3])
		for i := 0; i < 4; i++ {
			c.VMOVUPS(out[i], operand.Mem{Base: d})
			c.ADDQ(ldd, d)
		}
	}
	for i := range p {
		c.ADDQ(operand.U8(32), p[i])
	}
	c.DECQ(n)
	c.JNZ(operand.LabelRef("transpose8x8_loop"))
	c.Label("transpose8x8_done")
	c.VZEROUPPER()
	c.RET()
}

// transpose4 generates transpose4x8, the same for 4 rows: each iteration
// transposes a 4×8 block into eight 4-float columns.
func transpose4(c *build.Context) {
	c.Function("transpose4x8")
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr("func(dst []float32, ldd int, src []float32, lds int, n int)")
	c.Doc(
		"transpose4x8 sets dst[l*ldd+r] = src[r*lds+l] for r < 4 and l < n, where n is a",
		"multiple of 8. The caller guarantees the lengths; it needs AVX.",
	)
	d, ldd, n, lds, d4 := reg.RDI, reg.R8, reg.RCX, reg.R9, reg.R10
	p := []reg.Physical{reg.RSI, reg.R11, reg.R12, reg.R13}
	c.Load(c.Param("dst").Base(), d)
	c.Load(c.Param("ldd"), ldd)
	c.Load(c.Param("src").Base(), p[0])
	c.Load(c.Param("lds"), lds)
	c.Load(c.Param("n"), n)
	c.SHLQ(operand.U8(2), ldd)
	c.SHLQ(operand.U8(2), lds)
	for i := 1; i < 4; i++ {
		c.LEAQ(operand.Mem{Base: p[i-1], Index: lds, Scale: 1}, p[i])
	}
	c.MOVQ(ldd, d4)
	c.SHLQ(operand.U8(2), d4)
	c.SHRQ(operand.U8(3), n)
	c.JZ(operand.LabelRef("transpose4x8_done"))
	c.Label("transpose4x8_loop")
	a, t, out := ymm[:4], ymm[4:8], ymm[8:12]
	for i := 0; i < 4; i++ {
		c.VMOVUPS(operand.Mem{Base: p[i]}, a[i])
	}
	c.VUNPCKLPS(a[1], a[0], t[0]) // r0l0 r1l0 r0l1 r1l1 | r0l4 r1l4 r0l5 r1l5
	c.VUNPCKHPS(a[1], a[0], t[1])
	c.VUNPCKLPS(a[3], a[2], t[2])
	c.VUNPCKHPS(a[3], a[2], t[3])
	c.VSHUFPS(operand.U8(0x44), t[2], t[0], out[0]) // columns 0 | 4
	c.VSHUFPS(operand.U8(0xEE), t[2], t[0], out[1]) // 1 | 5
	c.VSHUFPS(operand.U8(0x44), t[3], t[1], out[2]) // 2 | 6
	c.VSHUFPS(operand.U8(0xEE), t[3], t[1], out[3]) // 3 | 7
	for i := 0; i < 4; i++ {
		c.VMOVUPS(out[i].AsX(), operand.Mem{Base: d})
		c.VEXTRACTF128(operand.U8(1), out[i], operand.Mem{Base: d, Index: d4, Scale: 1})
		c.ADDQ(ldd, d)
	}
	c.ADDQ(d4, d)
	for i := range p {
		c.ADDQ(operand.U8(32), p[i])
	}
	c.DECQ(n)
	c.JNZ(operand.LabelRef("transpose4x8_loop"))
	c.Label("transpose4x8_done")
	c.VZEROUPPER()
	c.RET()
}

// copyRows generates copyRows, a strided copy of rows×w floats.
func copyRows(c *build.Context) {
	c.Function("copyRows")
	c.Attributes(attr.NOSPLIT)
	c.SignatureExpr("func(dst []float32, ldd int, src []float32, lds int, w, rows int)")
	c.Doc(
		"copyRows sets dst[r*ldd+j] = src[r*lds+j] for r < rows and j < w ≥ 1.",
		"The caller guarantees the lengths; it needs AVX.",
	)
	d, ldd, s, lds, w, rows := reg.RDI, reg.R8, reg.RSI, reg.R9, reg.RDX, reg.RBX
	dp, sp, j := reg.R10, reg.R11, reg.RCX
	c.Load(c.Param("dst").Base(), d)
	c.Load(c.Param("ldd"), ldd)
	c.Load(c.Param("src").Base(), s)
	c.Load(c.Param("lds"), lds)
	c.Load(c.Param("w"), w)
	c.Load(c.Param("rows"), rows)
	c.SHLQ(operand.U8(2), ldd)
	c.SHLQ(operand.U8(2), lds)
	c.TESTQ(rows, rows)
	c.JZ(operand.LabelRef("copyRows_done"))
	c.Label("copyRows_row")
	c.MOVQ(d, dp)
	c.MOVQ(s, sp)
	c.MOVQ(w, j)
	c.CMPQ(j, operand.U8(8))
	c.JB(operand.LabelRef("copyRows_4"))
	c.Label("copyRows_8")
	c.VMOVUPS(operand.Mem{Base: sp}, reg.Y0)
	c.VMOVUPS(reg.Y0, operand.Mem{Base: dp})
	c.ADDQ(operand.U8(32), sp)
	c.ADDQ(operand.U8(32), dp)
	c.SUBQ(operand.U8(8), j)
	c.CMPQ(j, operand.U8(8))
	c.JAE(operand.LabelRef("copyRows_8"))
	c.Label("copyRows_4")
	c.CMPQ(j, operand.U8(4))
	c.JB(operand.LabelRef("copyRows_1"))
	c.VMOVUPS(operand.Mem{Base: sp}, reg.X0)
	c.VMOVUPS(reg.X0, operand.Mem{Base: dp})
	c.ADDQ(operand.U8(16), sp)
	c.ADDQ(operand.U8(16), dp)
	c.SUBQ(operand.U8(4), j)
	c.Label("copyRows_1")
	c.TESTQ(j, j)
	c.JZ(operand.LabelRef("copyRows_next"))
	c.MOVL(operand.Mem{Base: sp}, reg.EAX)
	c.MOVL(reg.EAX, operand.Mem{Base: dp})
	c.ADDQ(operand.U8(4), sp)
	c.ADDQ(operand.U8(4), dp)
	c.DECQ(j)
	c.JMP(operand.LabelRef("copyRows_1"))
	c.Label("copyRows_next")
	c.ADDQ(ldd, d)
	c.ADDQ(lds, s)
	c.DECQ(rows)
	c.JNZ(operand.LabelRef("copyRows_row"))
	c.Label("copyRows_done")
	c.VZEROUPPER()
	c.RET()
}
