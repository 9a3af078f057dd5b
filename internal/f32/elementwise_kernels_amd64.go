//go:build !purego

package f32

import "golang.org/x/sys/cpu"

var (
	avx512EW = &ewKernel{
		name: "avx512", block: 32,
		exp: expAVX512, sigmoid: sigmoidAVX512, tanh: tanhAVX512,
		relu: reluAVX512, leakyReLU: leakyReLUAVX512,
		reluBack: reluBackAVX512, leakyReLUBack: leakyReLUBackAVX512,
		sigmoidBack: sigmoidBackAVX512, tanhBack: tanhBackAVX512,
		axpy: axpyAVX512, axpyDiff: axpyDiffAVX512, mul: mulAVX512, mulAcc: mulAccAVX512,
		bce: bceAVX512, sumSqDiff: sumSqDiffAVX512, adam: adamAVX512,
		selectBelow: selectBelowAVX512,
	}
	avx2EW = &ewKernel{
		name: "avx2", block: 16,
		exp: expAVX2, sigmoid: sigmoidAVX2, tanh: tanhAVX2,
		relu: reluAVX2, leakyReLU: leakyReLUAVX2,
		reluBack: reluBackAVX2, leakyReLUBack: leakyReLUBackAVX2,
		sigmoidBack: sigmoidBackAVX2, tanhBack: tanhBackAVX2,
		axpy: axpyAVX2, axpyDiff: axpyDiffAVX2, mul: mulAVX2, mulAcc: mulAccAVX2,
		bce: bceAVX2, sumSqDiff: sumSqDiffAVX2, adam: adamAVX2,
		selectBelow: selectBelowAVX2,
	}
)

// ewKernels lists the element-wise kernels this CPU can run, the default
// first. They all give the same bits.
func ewKernels() []*ewKernel {
	var ks []*ewKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, avx512EW)
	}
	if cpu.X86.HasAVX2 {
		ks = append(ks, avx2EW)
	}
	return append(ks, goEW)
}
