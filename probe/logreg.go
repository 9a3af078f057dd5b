package probe

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// LogisticRegression fits L2-regularised logistic regression as
// scikit-learn's LogisticRegression(C=C, solver="lbfgs") does: with two
// labels one weight vector and the logistic loss, with more a weight
// vector per label and the multinomial (softmax) loss; intercepts are
// fitted and not penalised. The zero value means C = 1.
type LogisticRegression struct {
	// C is the inverse of the regularisation strength; 0 means 1.
	C float64
	// MaxIter bounds the L-BFGS iterations; 0 means 1000.
	MaxIter int
	// Tol is the gradient tolerance (infinity norm of the gradient of the
	// objective divided by C·n); 0 means 1e-8.
	Tol float64
}

// Model is a fitted logistic regression.
type Model struct {
	// Classes is the number of labels.
	Classes int
	// Dim is the number of feature columns.
	Dim int
	// W holds one weight vector of Dim values for two labels (the
	// coefficient of label 1) and Classes vectors for more.
	W []float64
	// B holds the intercepts, one per weight vector.
	B []float64
}

// Fit fits the model to the rows of x labelled y (label indices in
// [0, classes)). It returns an error if the solver fails.
func (c LogisticRegression) Fit(x *Matrix, y []int, classes int) (*Model, error) {
	if x.Rows() != len(y) {
		panic(fmt.Sprintf("probe: %d rows, %d labels", x.Rows(), len(y)))
	}
	if classes < 2 {
		panic(fmt.Sprintf("probe: %d classes, want at least 2", classes))
	}
	if x.Rows() == 0 {
		return nil, errors.New("probe: no training rows")
	}
	C := c.C
	if C == 0 {
		C = 1
	}
	maxIter := c.MaxIter
	if maxIter == 0 {
		maxIter = 1000
	}
	tol := c.Tol
	if tol == 0 {
		tol = 1e-8
	}
	k := classes
	if classes == 2 {
		k = 1
	}
	d := x.Cols
	obj := &objective{x: x, y: y, k: k, d: d, scale: 1 / (C * float64(x.Rows()))}
	p := optimize.Problem{Func: obj.value, Grad: obj.gradient}
	settings := &optimize.Settings{GradientThreshold: tol, MajorIterations: maxIter}
	res, err := optimize.Minimize(p, make([]float64, k*(d+1)), settings, &optimize.LBFGS{Store: 10})
	if err != nil && res == nil {
		return nil, fmt.Errorf("probe: logistic regression: %w", err)
	}
	for _, v := range res.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("probe: logistic regression diverged")
		}
	}
	return &Model{Classes: classes, Dim: d, W: slices.Clone(res.X[:k*d]), B: slices.Clone(res.X[k*d:])}, nil
}

// Predict writes the most probable label of each row of x to dst (grown
// as needed) and returns it.
func (m *Model) Predict(x *Matrix, dst []int) []int {
	if x.Cols != m.Dim {
		panic(fmt.Sprintf("probe: %d-column rows for a %d-feature model", x.Cols, m.Dim))
	}
	dst = slices.Grow(dst[:0], x.Rows())[:x.Rows()]
	k := len(m.B)
	for i := range dst {
		if k == 1 {
			dst[i] = 0
			if x.dot(i, m.W)+m.B[0] > 0 {
				dst[i] = 1
			}
			continue
		}
		best, arg := math.Inf(-1), 0
		for c := range k {
			if z := x.dot(i, m.W[c*m.Dim:(c+1)*m.Dim]) + m.B[c]; z > best {
				best, arg = z, c
			}
		}
		dst[i] = arg
	}
	return dst
}

// objective is scale·(½‖W‖² + C Σ loss) with scale = 1/(C·n), that is the
// mean loss plus ‖W‖²/(2Cn): the same minimiser as scikit-learn's
// objective, with a gradient whose size does not grow with n. Parameters
// are the k weight vectors then the k intercepts. value and gradient share
// one pass over the data, cached for the last point.
type objective struct {
	x     *Matrix
	y     []int
	k, d  int
	scale float64

	at   []float64
	f    float64
	grad []float64
	z    []float64
}

func (o *objective) value(w []float64) float64 {
	o.eval(w)
	return o.f
}

func (o *objective) gradient(g, w []float64) {
	o.eval(w)
	copy(g, o.grad)
}

func (o *objective) eval(w []float64) {
	if o.at != nil && slices.Equal(o.at, w) {
		return
	}
	o.at = append(o.at[:0], w...)
	k, d := o.k, o.d
	n := float64(o.x.Rows())
	if o.grad == nil {
		o.grad = make([]float64, len(w))
		o.z = make([]float64, max(k, 2))
	}
	g := o.grad
	clear(g)
	f := 0.0
	for i, yi := range o.y {
		if k == 1 {
			// Logistic loss log(1+exp(-s·z)) with s = ±1, computed stably.
			z := o.x.dot(i, w[:d]) + w[d]
			s := 1.0
			if yi == 0 {
				s = -1
			}
			m := -s * z
			f += softplus(m)
			r := -s * sigmoid(m) / n
			o.x.axpy(i, r, g[:d])
			g[d] += r
			continue
		}
		z := o.z[:k]
		mx := math.Inf(-1)
		for c := range k {
			z[c] = o.x.dot(i, w[c*d:(c+1)*d]) + w[k*d+c]
			mx = max(mx, z[c])
		}
		sum := 0.0
		for c := range k {
			z[c] = math.Exp(z[c] - mx)
			sum += z[c]
		}
		f += math.Log(sum) + mx - (math.Log(z[yi]) + mx)
		for c := range k {
			r := z[c] / sum
			if c == yi {
				r--
			}
			r /= n
			o.x.axpy(i, r, g[c*d:(c+1)*d])
			g[k*d+c] += r
		}
	}
	f /= n
	pen := o.scale
	for j := range k * d {
		f += 0.5 * pen * w[j] * w[j]
		g[j] += pen * w[j]
	}
	o.f = f
}

// softplus returns log(1+exp(x)) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// sigmoid returns 1/(1+exp(-x)) without overflow.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}
