package optim_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/latent-go/latent/autodiff"
	"github.com/latent-go/latent/optim"
	"github.com/latent-go/latent/tensor"
)

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   optim.Config
		want optim.Config
	}{
		{"zero is Adam", optim.Config{},
			optim.Config{Name: "adam", LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"name lower-cased", optim.Config{Name: "Adam"},
			optim.Config{Name: "adam", LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"sgd lr 1e-2", optim.Config{Name: "SGD"},
			optim.Config{Name: "sgd", LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"adamw decay 0.01", optim.Config{Name: "AdamW"},
			optim.Config{Name: "adamw", LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01}},
		{"set fields kept",
			optim.Config{Name: "adamw", LR: 0.5, Momentum: 0.3, Nesterov: true, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.2},
			optim.Config{Name: "adamw", LR: 0.5, Momentum: 0.3, Nesterov: true, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.2}},
		{"sgd momentum kept", optim.Config{Name: "sgd", Momentum: 0.9, WeightDecay: 1e-4},
			optim.Config{Name: "sgd", LR: 1e-2, Momentum: 0.9, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Defaults()
			if got != tt.want {
				t.Errorf("Defaults() =\n  %+v\nwant\n  %+v", got, tt.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Defaults() does not validate: %v", err)
			}
			if again := got.Defaults(); again != got {
				t.Errorf("Defaults is not idempotent: %+v then %+v", got, again)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	ok := optim.Config{}.Defaults()
	with := func(f func(*optim.Config)) optim.Config {
		c := ok
		f(&c)
		return c
	}
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name    string
		c       optim.Config
		wantErr string // substring; "" for valid
	}{
		{"defaults", ok, ""},
		{"sgd nesterov", with(func(c *optim.Config) { c.Name, c.Momentum, c.Nesterov = "sgd", 0.9, true }), ""},
		{"momentum 0", with(func(c *optim.Config) { c.Momentum = 0 }), ""},
		{"betas 0", with(func(c *optim.Config) { c.Beta1, c.Beta2 = 0, 0 }), ""},
		{"empty name", with(func(c *optim.Config) { c.Name = "" }), `unknown optimizer ""`},
		{"unknown name", with(func(c *optim.Config) { c.Name = "rmsprop" }), `unknown optimizer "rmsprop"`},
		{"name not lower-cased", with(func(c *optim.Config) { c.Name = "Adam" }), "unknown optimizer"},
		{"lr 0", with(func(c *optim.Config) { c.LR = 0 }), "learning rate 0"},
		{"lr negative", with(func(c *optim.Config) { c.LR = -1 }), "learning rate -1"},
		{"lr NaN", with(func(c *optim.Config) { c.LR = nan }), "learning rate NaN"},
		{"lr +Inf", with(func(c *optim.Config) { c.LR = inf }), "learning rate +Inf"},
		{"momentum negative", with(func(c *optim.Config) { c.Momentum = -0.1 }), "momentum -0.1"},
		{"momentum 1", with(func(c *optim.Config) { c.Momentum = 1 }), "momentum 1"},
		{"momentum NaN", with(func(c *optim.Config) { c.Momentum = nan }), "momentum NaN"},
		{"nesterov without momentum", with(func(c *optim.Config) { c.Name, c.Nesterov = "sgd", true }), "nesterov needs momentum"},
		{"beta1 1", with(func(c *optim.Config) { c.Beta1 = 1 }), "betas (1, 0.999)"},
		{"beta1 negative", with(func(c *optim.Config) { c.Beta1 = -0.5 }), "betas (-0.5, 0.999)"},
		{"beta2 1", with(func(c *optim.Config) { c.Beta2 = 1 }), "betas (0.9, 1)"},
		{"beta2 negative", with(func(c *optim.Config) { c.Beta2 = -0.5 }), "betas (0.9, -0.5)"},
		{"beta1 NaN", with(func(c *optim.Config) { c.Beta1 = nan }), "betas (NaN, 0.999)"},
		{"beta2 NaN", with(func(c *optim.Config) { c.Beta2 = nan }), "betas (0.9, NaN)"},
		{"eps 0", with(func(c *optim.Config) { c.Eps = 0 }), "eps 0"},
		{"eps negative", with(func(c *optim.Config) { c.Eps = -1e-8 }), "eps -1e-08"},
		{"eps NaN", with(func(c *optim.Config) { c.Eps = nan }), "eps NaN"},
		{"weight decay negative", with(func(c *optim.Config) { c.WeightDecay = -0.01 }), "weight decay -0.01"},
		{"weight decay NaN", with(func(c *optim.Config) { c.WeightDecay = nan }), "weight decay NaN"},
		{"weight decay +Inf", with(func(c *optim.Config) { c.WeightDecay = inf }), "weight decay +Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate(%+v) = %v, want nil", tt.c, err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("Validate(%+v) = nil, want an error containing %q", tt.c, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("Validate(%+v) = %q, want it to contain %q", tt.c, err, tt.wantErr)
			}
		})
	}
}

func TestNewRejectsInvalid(t *testing.T) {
	p := autodiff.Param(tensor.New(1, 1))
	_, err := optim.New(optim.Config{Name: "rmsprop"}, []*autodiff.Var{p})
	if err == nil || !strings.HasPrefix(err.Error(), "optim: ") {
		t.Errorf("New(rmsprop) error = %v, want one starting with \"optim: \"", err)
	}
	if _, err := optim.New(optim.Config{}, []*autodiff.Var{p}); err != nil {
		t.Errorf("New(zero Config) = %v", err)
	}
}

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		spec string
		want optim.Schedule
		str  string // String() of the result
	}{
		{"", optim.Schedule{Kind: "constant"}, "constant"},
		{"constant", optim.Schedule{Kind: "constant"}, "constant"},
		{" Constant ", optim.Schedule{Kind: "constant"}, "constant"},
		{"step:10:0.5", optim.Schedule{Kind: "step", Every: 10, Gamma: 0.5}, "step:10:0.5"},
		{"STEP:3:1", optim.Schedule{Kind: "step", Every: 3, Gamma: 1}, "step:3:1"},
		{"step:1:1e-3", optim.Schedule{Kind: "step", Every: 1, Gamma: 0.001}, "step:1:0.001"},
		{"cosine", optim.Schedule{Kind: "cosine"}, "cosine"},
		{"Cosine:0", optim.Schedule{Kind: "cosine"}, "cosine"},
		{"cosine:1e-5", optim.Schedule{Kind: "cosine", Min: 1e-5}, "cosine:1e-05"},
		{"cosine:0.001", optim.Schedule{Kind: "cosine", Min: 0.001}, "cosine:0.001"},
	}
	for _, tt := range tests {
		got, err := optim.ParseSchedule(tt.spec)
		if err != nil || got != tt.want {
			t.Errorf("ParseSchedule(%q) = %+v, %v; want %+v", tt.spec, got, err, tt.want)
			continue
		}
		if s := got.String(); s != tt.str {
			t.Errorf("ParseSchedule(%q).String() = %q, want %q", tt.spec, s, tt.str)
		}
		back, err := optim.ParseSchedule(got.String())
		if err != nil || back != got {
			t.Errorf("round trip %q → %+v → %q → %+v, %v", tt.spec, got, got.String(), back, err)
		}
	}
	if s := (optim.Schedule{}).String(); s != "constant" {
		t.Errorf("zero Schedule String() = %q, want constant", s)
	}

	bad := []struct{ spec, why string }{
		{"constant:1", "no arguments"},
		{"linear", "unknown kind"},
		{"cos", "unknown kind"},
		{"step", "want step:EVERY:GAMMA"},
		{"step:10", "want step:EVERY:GAMMA"},
		{"step:10:0.5:2", "want step:EVERY:GAMMA"},
		{"step:0:0.5", "EVERY must be"},
		{"step:-2:0.5", "EVERY must be"},
		{"step:1.5:0.5", "EVERY must be"},
		{"step:x:0.5", "EVERY must be"},
		{"step:10:0", "GAMMA must be"},
		{"step:10:-0.5", "GAMMA must be"},
		{"step:10:1.5", "GAMMA must be"},
		{"step:10:nan", "GAMMA must be"},
		{"step:10:x", "GAMMA must be"},
		{"cosine:1:2", "want cosine or cosine:MIN"},
		{"cosine:-1", "MIN must be"},
		{"cosine:inf", "MIN must be"},
		{"cosine:nan", "MIN must be"},
		{"cosine:x", "MIN must be"},
	}
	for _, tt := range bad {
		got, err := optim.ParseSchedule(tt.spec)
		if err == nil {
			t.Errorf("ParseSchedule(%q) = %+v, want an error", tt.spec, got)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, fmt.Sprintf("%q", tt.spec)) || !strings.Contains(msg, tt.why) {
			t.Errorf("ParseSchedule(%q) error %q; want it to quote the spec and say %q", tt.spec, msg, tt.why)
		}
	}
}

// TestScheduleLR compares Schedule.LR with PyTorch's schedulers over 10
// epochs from base 0.1. The references are the learning rates in effect
// during each epoch, printed by /usr/bin/python3 with torch 1.13:
//
//	p = torch.nn.Parameter(torch.zeros(1))
//	o = torch.optim.SGD([p], lr=0.1)
//	s = <scheduler>(o, ...)
//	for e in range(10):
//	    lrs.append(o.param_groups[0]['lr']); o.step(); s.step()
func TestScheduleLR(t *testing.T) {
	tests := []struct {
		name  string
		sched optim.Schedule
		want  []float64
	}{
		{
			// torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)
			"step:3:0.5", optim.Schedule{Kind: "step", Every: 3, Gamma: 0.5},
			[]float64{0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125},
		},
		{
			// torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001)
			"cosine:0.001", optim.Schedule{Kind: "cosine", Min: 0.001},
			[]float64{0.1, 0.09757729755661011, 0.0905463412215599, 0.07959536998847742, 0.0657963412215599,
				0.0505, 0.03520365877844011, 0.02140463001152259, 0.010453658778440109, 0.0034227024433899004},
		},
		{
			// torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10)
			"cosine", optim.Schedule{Kind: "cosine"},
			[]float64{0.1, 0.09755282581475769, 0.09045084971874738, 0.07938926261462367, 0.06545084971874739,
				0.05000000000000001, 0.03454915028125264, 0.020610737385376353, 0.009549150281252635, 0.002447174185242324},
		},
		{"constant", optim.Schedule{Kind: "constant"}, []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}},
		{"zero Schedule", optim.Schedule{}, []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}},
	}
	for _, tt := range tests {
		for e, want := range tt.want {
			// PyTorch's cosine schedule is computed recursively, so the
			// two agree to rounding, not bit for bit.
			if got := tt.sched.LR(0.1, e, len(tt.want)); math.Abs(got-want) > 1e-14 {
				t.Errorf("%s: LR(epoch %d) = %.17g, want %.17g (PyTorch)", tt.name, e, got, want)
			}
		}
	}
	cos := optim.Schedule{Kind: "cosine", Min: 0.001}
	if got := cos.LR(0.1, 0, 0); got != 0.1 {
		t.Errorf("cosine LR with 0 epochs = %g, want the base 0.1", got)
	}
	if got := cos.LR(0.1, 10, 10); math.Abs(got-0.001) > 1e-15 {
		t.Errorf("cosine LR at epoch = epochs: %g, want Min 0.001", got)
	}
}

// newParam returns a parameter holding value, with its gradient set to grad.
func newParam(r, c int, value, grad []float32) *autodiff.Var {
	p := autodiff.Param(tensor.FromSlice(r, c, append([]float32(nil), value...)))
	copy(p.Grad.Data, grad)
	return p
}

// TestClipNorm compares ClipNorm with torch.nn.utils.clip_grad_norm_ on two
// parameters with gradients [[3,4],[0,-1]] and [[1,2,-2]] (global norm
// √35). References printed by /usr/bin/python3 with torch 1.13:
//
//	a.grad = torch.tensor([[3.,4.],[0.,-1.]]); b.grad = torch.tensor([[1.,2.,-2.]])
//	n = torch.nn.utils.clip_grad_norm_([a, b], max_norm=mx)   # mx = 1.0, 10.0
func TestClipNorm(t *testing.T) {
	ga := []float32{3, 4, 0, -1}
	gb := []float32{1, 2, -2}
	tests := []struct {
		maxNorm float64
		norm    float64
		a, b    []float32
	}{
		{1, 5.916079998016357,
			[]float32{0.5070924758911133, 0.6761232614517212, 0.0, -0.1690308153629303},
			[]float32{0.1690308153629303, 0.3380616307258606, -0.3380616307258606}},
		{10, 5.916079998016357, ga, gb},
		{0, math.Sqrt(35), ga, gb},  // measures only
		{-1, math.Sqrt(35), ga, gb}, // measures only
	}
	for _, tt := range tests {
		a := newParam(2, 2, make([]float32, 4), ga)
		b := newParam(1, 3, make([]float32, 3), gb)
		norm := optim.ClipNorm([]*autodiff.Var{a, b}, tt.maxNorm)
		// PyTorch computes the norm in float32.
		if math.Abs(norm-tt.norm) > 1e-6 {
			t.Errorf("ClipNorm(max %g) = %.9g, want %.9g", tt.maxNorm, norm, tt.norm)
		}
		for _, c := range []struct {
			name      string
			got, want []float32
		}{{"a", a.Grad.Data, tt.a}, {"b", b.Grad.Data, tt.b}} {
			for i := range c.want {
				if math.Abs(float64(c.got[i]-c.want[i])) > 1e-7 {
					t.Errorf("ClipNorm(max %g): %s.Grad[%d] = %.9g, want %.9g (PyTorch)", tt.maxNorm, c.name, i, c.got[i], c.want[i])
				}
			}
		}
	}
}

// TestSGDPlain checks that SGD without momentum or weight decay is plain
// gradient descent p ← p − lr·g, bit for bit, with the rate Step is given.
func TestSGDPlain(t *testing.T) {
	p := newParam(2, 3, []float32{1, -2, 0.5, 3, 0, -0.25}, nil)
	opt, err := optim.New(optim.Config{Name: "sgd", LR: 0.5}, []*autodiff.Var{p})
	if err != nil {
		t.Fatal(err)
	}
	want := append([]float32(nil), p.Value.Data...)
	for step, lr := range []float64{0.1, 0.05, 0.3} {
		for i := range p.Grad.Data {
			p.Grad.Data[i] = float32(i+1) * float32(step+1) / 7
		}
		for i := range want {
			want[i] -= float32(lr) * p.Grad.Data[i]
		}
		opt.Step(lr)
		for i := range want {
			if p.Value.Data[i] != want[i] {
				t.Fatalf("step %d: p[%d] = %.9g, want %.9g", step, i, p.Value.Data[i], want[i])
			}
		}
	}
}

// TestStepsMatchPyTorch runs five steps of each optimiser on
// f(p) = ½‖p − c‖², c = (1, −2, 0.5), from p = (0.5, −1, 2), and compares p
// with PyTorch. References printed by /usr/bin/python3 with torch 1.13:
//
//	p = torch.nn.Parameter(torch.tensor([0.5, -1.0, 2.0])); o = <optimizer>([p], ...)
//	for _ in range(5):
//	    o.zero_grad(); (0.5*((p - c)**2).sum()).backward(); o.step()
func TestStepsMatchPyTorch(t *testing.T) {
	c := []float32{1, -2, 0.5}
	tests := []struct {
		name string
		cfg  optim.Config
		want []float32
	}{
		// torch.optim.SGD([p], lr=0.1)
		{"sgd", optim.Config{Name: "sgd", LR: 0.1},
			[]float32{0.7047550678253174, -1.4095101356506348, 1.385735034942627}},
		// torch.optim.SGD([p], lr=0.1, momentum=0.9)
		{"momentum", optim.Config{Name: "sgd", LR: 0.1, Momentum: 0.9},
			[]float32{1.0145800113677979, -2.0291600227355957, 0.45626014471054077}},
		// torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
		{"nesterov", optim.Config{Name: "sgd", LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 0.01},
			[]float32{1.0443973541259766, -2.088794708251953, 0.3283151388168335}},
		// torch.optim.Adam([p], lr=0.1, weight_decay=0.1)
		{"adam", optim.Config{Name: "adam", LR: 0.1, WeightDecay: 0.1},
			[]float32{0.957514226436615, -1.4889291524887085, 1.5041804313659668}},
		// torch.optim.AdamW([p], lr=0.1, weight_decay=0.1)
		{"adamw", optim.Config{Name: "adamw", LR: 0.1, WeightDecay: 0.1},
			[]float32{0.941288948059082, -1.4345002174377441, 1.4174160957336426}},
	}
	for _, tt := range tests {
		p := newParam(1, 3, []float32{0.5, -1, 2}, nil)
		opt, err := optim.New(tt.cfg, []*autodiff.Var{p})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for range 5 {
			for i, v := range p.Value.Data {
				p.Grad.Data[i] = v - c[i]
			}
			opt.Step(tt.cfg.LR)
		}
		for i, w := range tt.want {
			if g := p.Value.Data[i]; math.Abs(float64(g-w)) > 3e-7 {
				t.Errorf("%s: p[%d] = %.9g after 5 steps, want %.9g (PyTorch)", tt.name, i, g, w)
			}
		}
	}
}

// ExampleNew takes one Adam step on a 1×1 parameter p = 1 with the gradient
// of ½p². Adam's first step moves each parameter by about lr against the
// sign of its gradient, whatever the gradient's size; PyTorch's
// torch.optim.Adam([p], lr=0.1) gives 0.9000000357627869.
func ExampleNew() {
	p := autodiff.Param(tensor.FromSlice(1, 1, []float32{1}))
	opt, err := optim.New(optim.Config{Name: "adam", LR: 0.1}, []*autodiff.Var{p})
	if err != nil {
		panic(err)
	}
	p.Grad.Data[0] = p.Value.Data[0] // d(½p²)/dp = p
	opt.Step(0.1)
	fmt.Printf("%.4f\n", p.Value.Data[0])
	// Output: 0.9000
}

func TestScheduleValidate(t *testing.T) {
	good := []optim.Schedule{{}, {Kind: "constant"}, {Kind: "step", Every: 2, Gamma: 0.5}, {Kind: "cosine", Min: 1e-4}}
	for _, s := range good {
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
	bad := []optim.Schedule{{Kind: "step"}, {Kind: "step", Every: 1, Gamma: 2}, {Kind: "cosine", Min: -1}, {Kind: "warmup"}}
	for _, s := range bad {
		if err := s.Validate(); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}
