// Command asm generates the amd64 micro-kernels of package f32
// (gemm_amd64.s and its Go declarations, gemm_amd64.go) with avo.
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
	out := fs.String("out", ".", "folder to write gemm_amd64.s and gemm_amd64.go into")
	fs.Parse(os.Args[1:])

	c := build.NewContext()
	c.ConstraintExpr("!purego")
	for _, k := range kernels {
		k.generate(c)
	}
	f, err := c.Result()
	if err != nil {
		log.Fatal(err)
	}
	if err := pass.Compile.Execute(f); err != nil {
		log.Fatal(err)
	}
	cfg := printer.Config{Name: "internal/f32/asm", Pkg: "f32"}
	write(filepath.Join(*out, "gemm_amd64.s"), printer.NewGoAsm(cfg), f)
	write(filepath.Join(*out, "gemm_amd64.go"), printer.NewStubs(cfg), f)
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

// kernels lists the micro-kernels to generate. The shapes were chosen by
// measurement on Zen 4 (see gemm.go): the accumulators fill most of the
// register file, leaving room for the B vectors and two broadcast registers.
var kernels = []kernel{
	{name: "kernAVX512_14x32", width: 16, mr: 14, nv: 2, unroll: 4},
	{name: "kernAVX512_12x32", width: 16, mr: 12, nv: 2, unroll: 4},
	{name: "kernAVX512_8x48", width: 16, mr: 8, nv: 3, unroll: 4},
	{name: "kernAVX512_6x64", width: 16, mr: 6, nv: 4, unroll: 4},
	{name: "kernAVX2_6x16", width: 8, mr: 6, nv: 2, unroll: 4},
	{name: "kernAVX2_4x24", width: 8, mr: 4, nv: 3, unroll: 4},
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
	c.VUCOMISS(xmmOf(alpha), xmmOf(beta))
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

// xmmOf returns the 128-bit register under a vector register.
func xmmOf(v reg.VecPhysical) reg.Register {
	return v.AsX()
}
