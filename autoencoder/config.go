package autoencoder

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/latent-go/latent/nn"
	"github.com/latent-go/latent/noise"
)

// Variants of the autoencoder family.
const (
	Vanilla       = "vanilla"
	Undercomplete = "undercomplete"
	Denoising     = "denoising"
	Sparse        = "sparse"
	Contractive   = "contractive"
)

// Variants lists the variant names in the order the help text shows them.
var Variants = []string{Vanilla, Undercomplete, Denoising, Sparse, Contractive}

// Config describes an autoencoder's architecture and the penalties of its
// variant. It is stored in the model file's manifest. The decoder mirrors the
// encoder: Layers 512,128,32 on 784 inputs gives 784→512→128→32→128→512→784.
type Config struct {
	// Input is the number of features per sample.
	Input int `json:"input"`
	// Layers are the encoder's widths; the last is the code size.
	Layers []int `json:"layers"`
	// Activation is used by every hidden layer of encoder and decoder.
	Activation nn.Activation `json:"activation"`
	// CodeActivation is applied to the code (the bottleneck); linear by default.
	CodeActivation nn.Activation `json:"code_activation"`
	// OutputActivation maps the decoder's last layer to the reconstruction.
	OutputActivation nn.Activation `json:"output_activation"`
	// Loss is the reconstruction loss.
	Loss nn.Loss `json:"loss"`
	// Tied makes each decoder layer use the transpose of its mirror
	// encoder layer's weights (with its own bias).
	Tied bool `json:"tied,omitempty"`

	// Variant is one of Variants; "" means vanilla.
	Variant string `json:"variant"`
	// Noise corrupts training inputs of the denoising variant, e.g.
	// "gaussian:0.2", "saltpepper:0.1", "speckle:0.2", "masking:0.3".
	Noise string `json:"noise,omitempty"`
	// Sparsity is the sparse variant's penalty on the code: "l1:WEIGHT" (mean
	// over the batch of Σ|h|) or "kl:RHO:WEIGHT" (Σ_j KL(ρ‖ρ̂_j), which needs a
	// sigmoid code).
	Sparsity string `json:"sparsity,omitempty"`
	// Contractive is λ in λ·‖∂h/∂x‖²_F averaged over the batch.
	Contractive float64 `json:"contractive,omitempty"`
	// ContractiveMethod is "auto" (default), "closed" (one-layer encoders),
	// "exact" or "estimate" (random projections, E‖Jv‖² = ‖J‖²_F).
	ContractiveMethod string `json:"contractive_method,omitempty"`
	// Projections is the number of random directions per sample for the
	// estimator; default 1.
	Projections int `json:"projections,omitempty"`

	// L1 and L2 penalise the weights (not the biases): L1·Σ|W| + L2·ΣW².
	L1 float64 `json:"l1,omitempty"`
	L2 float64 `json:"l2,omitempty"`
}

// ExactJacobianMaxInput is the largest input width for which the "auto"
// contractive method computes ‖J‖²_F exactly with a deep encoder: the exact
// route propagates one tangent per input feature, so its cost grows with the
// width; above it the unbiased estimator runs instead.
const ExactJacobianMaxInput = 32

// Code returns the code (bottleneck) size.
func (c *Config) Code() int { return c.Layers[len(c.Layers)-1] }

// ContractiveRoute returns the method that computes the contractive penalty
// for this configuration: "closed", "exact" or "estimate".
func (c *Config) ContractiveRoute() string {
	switch m := c.ContractiveMethod; m {
	case "", "auto":
		if len(c.Layers) == 1 {
			return "closed"
		}
		if c.Input <= ExactJacobianMaxInput {
			return "exact"
		}
		return "estimate"
	default:
		return m
	}
}

// Validate reports settings that cannot be trained, naming the setting as
// the command line does.
func (c *Config) Validate() error {
	if c.Variant == "" {
		c.Variant = Vanilla
	}
	if c.Input < 1 {
		return fmt.Errorf("input width %d must be positive", c.Input)
	}
	if len(c.Layers) == 0 {
		return fmt.Errorf("--layers: need at least one width")
	}
	for _, w := range c.Layers {
		if w < 1 || w > 1<<20 {
			return fmt.Errorf("--layers: width %d out of range", w)
		}
	}
	if err := c.Loss.CheckOutput(c.OutputActivation); err != nil {
		return fmt.Errorf("--loss: %w", err)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"--l1", c.L1}, {"--l2", c.L2}, {"--contractive", c.Contractive}} {
		if f.v < 0 || math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%s %v must be a non-negative number", f.name, f.v)
		}
	}
	if c.Projections < 0 {
		return fmt.Errorf("--projections %d must be positive", c.Projections)
	}
	switch c.Variant {
	case Vanilla:
	case Undercomplete:
		if c.Code() >= c.Input {
			return fmt.Errorf("--variant undercomplete: code size %d must be smaller than the input width %d", c.Code(), c.Input)
		}
	case Denoising:
		if c.Noise == "" {
			return fmt.Errorf("--variant denoising needs --noise (e.g. gaussian:0.2)")
		}
	case Sparse:
		if c.Sparsity == "" {
			return fmt.Errorf("--variant sparse needs --sparsity (e.g. l1:1e-3 or kl:0.05:1e-3)")
		}
	case Contractive:
		if c.Contractive == 0 {
			return fmt.Errorf("--variant contractive needs --contractive λ > 0 (e.g. 1e-4)")
		}
	default:
		return fmt.Errorf("--variant %q: want one of %s", c.Variant, strings.Join(Variants, ", "))
	}
	if c.Noise != "" {
		if _, err := noise.Parse(c.Noise); err != nil {
			return fmt.Errorf("--noise: %w", err)
		}
	}
	if c.Sparsity != "" {
		sp, err := ParseSparsity(c.Sparsity)
		if err != nil {
			return fmt.Errorf("--sparsity: %w", err)
		}
		if sp.Kind == "kl" && c.CodeActivation != nn.Sigmoid {
			return fmt.Errorf("--sparsity kl needs a code in (0,1): use --code-activation sigmoid")
		}
	}
	switch c.ContractiveRoute() {
	case "closed":
		if len(c.Layers) != 1 {
			return fmt.Errorf("--contractive-method closed needs a one-layer encoder, not %d layers", len(c.Layers))
		}
	case "exact", "estimate":
	default:
		return fmt.Errorf("--contractive-method %q: want auto, closed, exact or estimate", c.ContractiveMethod)
	}
	return nil
}

// SparsityPenalty is a parsed Config.Sparsity.
type SparsityPenalty struct {
	Kind   string  // "l1" or "kl"
	Rho    float64 // kl: target mean activation
	Weight float64
}

// ParseSparsity reads "l1:WEIGHT" or "kl:RHO:WEIGHT".
func ParseSparsity(spec string) (SparsityPenalty, error) {
	parts := strings.Split(strings.ToLower(spec), ":")
	num := func(s string) (float64, error) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return 0, fmt.Errorf("%q: %q is not a non-negative number", spec, s)
		}
		return v, nil
	}
	switch {
	case parts[0] == "l1" && len(parts) == 2:
		w, err := num(parts[1])
		return SparsityPenalty{Kind: "l1", Weight: w}, err
	case parts[0] == "kl" && len(parts) == 3:
		rho, err := num(parts[1])
		if err != nil {
			return SparsityPenalty{}, err
		}
		if rho <= 0 || rho >= 1 {
			return SparsityPenalty{}, fmt.Errorf("%q: ρ must be in (0, 1)", spec)
		}
		w, err := num(parts[2])
		return SparsityPenalty{Kind: "kl", Rho: rho, Weight: w}, err
	}
	return SparsityPenalty{}, fmt.Errorf("%q: want l1:WEIGHT or kl:RHO:WEIGHT", spec)
}
