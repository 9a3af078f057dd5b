package embedding

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/latent-go/latent/internal/f32"
)

// Method is how a query scores a candidate against its positive and
// negative terms (words or vectors).
type Method int

const (
	// CosAdd ranks candidates by their cosine with the normalised sum
	// Σ pos − Σ neg of the unit term vectors (Mikolov et al. 2013; gensim's
	// most_similar). With one positive word it is plain cosine similarity.
	CosAdd Method = iota
	// CosMul ranks candidates x by Π_pos s(x, p) / (Π_neg s(x, n) + 1e-6)
	// with s = (1 + cos)/2, the cosine shifted into [0, 1] (Levy and
	// Goldberg 2014, equation 4 and footnote 7; gensim's
	// most_similar_cosmul). A single large cosine dominates it less than
	// CosAdd, which usually helps on analogies.
	CosMul
)

// String returns "3cosadd" or "3cosmul".
func (m Method) String() string {
	switch m {
	case CosAdd:
		return "3cosadd"
	case CosMul:
		return "3cosmul"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod reads "3cosadd" (also "cosadd", "add") or "3cosmul" ("cosmul",
// "mul"), in any case.
func ParseMethod(s string) (Method, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "3cosadd", "cosadd", "add":
		return CosAdd, nil
	case "3cosmul", "cosmul", "mul":
		return CosMul, nil
	}
	return 0, fmt.Errorf("embedding: unknown method %q (want 3cosadd or 3cosmul)", s)
}

// MarshalText writes the method's name, so that JSON holds "3cosadd".
func (m Method) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads a name ParseMethod accepts.
func (m *Method) UnmarshalText(b []byte) error {
	v, err := ParseMethod(string(b))
	if err == nil {
		*m = v
	}
	return err
}

// Neighbor is one answer to a query: a row of the table and its score
// (a cosine for CosAdd, the 3CosMul ratio for CosMul).
type Neighbor struct {
	Key   string  `json:"key"`
	Row   int     `json:"row"`
	Score float64 `json:"score"`
}

// UnknownWordError reports a query word that is not a key of the table.
type UnknownWordError struct{ Word string }

func (e *UnknownWordError) Error() string {
	return fmt.Sprintf("embedding: unknown word %s", quote([]byte(e.Word)))
}

// DefaultK is the number of answers a query with K = 0 returns.
const DefaultK = 10

// Query asks for the keys nearest to a combination of words and vectors.
// Words are looked up exactly (case matters). The rows of the query's words
// are never among the answers, as in gensim.
type Query struct {
	// Positive words pull the answers toward them, Negative words push
	// them away: Positive [king woman], Negative [man] asks for
	// king − man + woman.
	Positive, Negative []string
	// Vector, if not nil, is one more positive term (of length Dim). Like
	// every term it is normalised to unit length first, so only its
	// direction counts.
	Vector []float32
	// Method scores the candidates; the zero value is CosAdd.
	Method Method
	// K is how many answers to return; 0 means DefaultK.
	K int
	// Restrict, when positive, makes only the first Restrict rows
	// candidates (vector files list frequent words first, so this drops
	// rare words from the answers; gensim's restrict_vocab). The query
	// words themselves may lie beyond it.
	Restrict int
}

// Space answers similarity queries on a table. It holds a unit-length copy
// of every vector, made once, so that each query is one pass of dot
// products over the matrix (about 34 million multiply-adds for 341k words
// of dimension 100) and batches of queries are matrix products. A Space is
// safe for concurrent use; it does not see later changes to the table.
type Space struct {
	t    *Table
	unit []float32
}

// NewSpace returns a Space over t (which it keeps; the vectors are copied
// and normalised). Zero vectors stay zero: their cosine with anything is 0.
func NewSpace(t *Table) *Space {
	if t.Dim < 1 || len(t.Vectors) != len(t.Keys)*t.Dim {
		panic(fmt.Sprintf("embedding: NewSpace: %d values for %d keys of dimension %d", len(t.Vectors), len(t.Keys), t.Dim))
	}
	t.Index("") // build the index now, so that queries may run concurrently
	s := &Space{t: t, unit: make([]float32, len(t.Vectors))}
	d := t.Dim
	parallelRows(len(t.Keys), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			unitTo(s.unit[i*d:(i+1)*d], t.Vectors[i*d:(i+1)*d])
		}
	})
	return s
}

// normalize scales v to unit length in place (a zero vector stays zero).
func normalize(v []float32) { unitTo(v, v) }

// unitTo writes v scaled to unit length into dst (zero stays zero); the
// norm is accumulated in float64.
func unitTo(dst, v []float32) {
	// Four partial sums break the dependency chain of the additions.
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		s0 += float64(v[i]) * float64(v[i])
		s1 += float64(v[i+1]) * float64(v[i+1])
		s2 += float64(v[i+2]) * float64(v[i+2])
		s3 += float64(v[i+3]) * float64(v[i+3])
	}
	for ; i < len(v); i++ {
		s0 += float64(v[i]) * float64(v[i])
	}
	ss := (s0 + s1) + (s2 + s3)
	if ss == 0 {
		clear(dst)
		return
	}
	inv := float32(1 / math.Sqrt(ss))
	dst = dst[:len(v)]
	for j, x := range v {
		dst[j] = x * inv
	}
}

// parallelRows runs f over [0, n) split between the available CPUs.
func parallelRows(n int, f func(lo, hi int)) {
	w := min(runtime.GOMAXPROCS(0), max(1, n/4096))
	var wg sync.WaitGroup
	for i := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i*n/w, (i+1)*n/w)
		}()
	}
	wg.Wait()
}

// Table returns the table the space was made from.
func (s *Space) Table() *Table { return s.t }

// Unit returns the unit-length vector of row i (not a copy; do not modify).
func (s *Space) Unit(i int) []float32 {
	d := s.t.Dim
	return s.unit[i*d : (i+1)*d : (i+1)*d]
}

// Cosine returns the cosine similarity of two words.
func (s *Space) Cosine(a, b string) (float64, error) {
	i, ok := s.t.Index(a)
	if !ok {
		return 0, &UnknownWordError{a}
	}
	j, ok := s.t.Index(b)
	if !ok {
		return 0, &UnknownWordError{b}
	}
	return float64(f32.Dot(s.Unit(i), s.Unit(j))), nil
}

// Similar returns the k keys nearest word by cosine (k = 0 means DefaultK),
// best first; ties go to the earlier row.
func (s *Space) Similar(word string, k int) ([]Neighbor, error) {
	return s.Nearest(Query{Positive: []string{word}, K: k})
}

// SimilarToVector returns the k keys whose vectors have the largest cosine
// with v.
func (s *Space) SimilarToVector(v []float32, k int) ([]Neighbor, error) {
	return s.Nearest(Query{Vector: v, K: k})
}

// Analogy answers "positive − negative" with method m: Analogy([king
// woman], [man], CosAdd, 1) asks what is to woman as king is to man
// (queen).
func (s *Space) Analogy(positive, negative []string, m Method, k int) ([]Neighbor, error) {
	return s.Nearest(Query{Positive: positive, Negative: negative, Method: m, K: k})
}

// Nearest answers one query.
func (s *Space) Nearest(q Query) ([]Neighbor, error) {
	r, err := s.NearestBatch([]Query{q})
	if err != nil {
		return nil, err
	}
	return r[0], nil
}

// NearestBatch answers several queries in one pass over the matrix: the
// cosines of all their terms with a block of rows are one matrix product,
// so a batch costs little more than its largest query. Results are in the
// order of qs and the same as answering each alone, but for the last bits
// of the scores (a large batch sums its dot products in another order), so
// that near-ties may fall the other way.
func (s *Space) NearestBatch(qs []Query) ([][]Neighbor, error) {
	var b batch
	b.rows = map[int]int{}
	for _, q := range qs {
		pq, err := s.plan(&b, q)
		if err != nil {
			return nil, err
		}
		b.qs = append(b.qs, pq)
	}
	return s.run(&b), nil
}

// plan resolves q's words to rows and its terms to columns of the batch.
func (s *Space) plan(b *batch, q Query) (planned, error) {
	p := planned{method: q.Method, k: q.K, restrict: q.Restrict}
	if p.k <= 0 {
		p.k = DefaultK
	}
	if p.method != CosAdd && p.method != CosMul {
		return p, fmt.Errorf("embedding: unknown method %d", int(q.Method))
	}
	for sign, words := range [2][]string{q.Positive, q.Negative} {
		for _, w := range words {
			i, ok := s.t.Index(w)
			if !ok {
				return p, &UnknownWordError{w}
			}
			p.terms = append(p.terms, b.wordTerm(i))
			p.neg = append(p.neg, sign == 1)
			p.exclude = append(p.exclude, i)
		}
	}
	if q.Vector != nil {
		if len(q.Vector) != s.t.Dim {
			return p, fmt.Errorf("embedding: query vector of length %d, the table's dimension is %d", len(q.Vector), s.t.Dim)
		}
		v := slices.Clone(q.Vector)
		normalize(v)
		p.terms = append(p.terms, b.vectorTerm(v))
		p.neg = append(p.neg, false)
	}
	if len(p.terms) == 0 {
		return p, errors.New("embedding: a query needs at least one word or vector")
	}
	if p.method == CosMul && !slices.Contains(p.neg, false) {
		return p, errors.New("embedding: a 3CosMul query needs at least one positive word or vector")
	}
	return p, nil
}

// batch is a set of planned queries and the terms they use; each distinct
// word is one column of the cosine block however many queries use it.
type batch struct {
	qs      []planned
	rows    map[int]int // table row → term
	termRow []int       // term → table row, or -1 for a vector
	vecs    [][]float32 // term → unit vector when termRow is -1
}

func (b *batch) wordTerm(row int) int {
	if t, ok := b.rows[row]; ok {
		return t
	}
	b.rows[row] = len(b.termRow)
	b.termRow = append(b.termRow, row)
	b.vecs = append(b.vecs, nil)
	return len(b.termRow) - 1
}

func (b *batch) vectorTerm(v []float32) int {
	b.termRow = append(b.termRow, -1)
	b.vecs = append(b.vecs, v)
	return len(b.termRow) - 1
}

// planned is a query resolved against the table.
type planned struct {
	method   Method
	k        int
	restrict int
	terms    []int  // columns of the batch
	neg      []bool // whether terms[i] is negative
	exclude  []int  // rows never returned (the query's words)
}

// blockRows is how many rows one matrix product covers: the cosine block
// (terms × blockRows float32) stays in the cache for a few terms, and with
// the ~900 distinct words of an analogy test set it is 7 MB.
const blockRows = 2048

// dotRowsTerms is the most terms for which the cosines are dot products row
// by row (f32.DotRows) rather than a matrix product: Gemm's register tiles
// are 6 or 12 terms tall, so with one term it would do 12 times the work.
// The two kernels sum in different orders, so a query's scores may differ
// in the last bits between a small batch and a large one.
const dotRowsTerms = 4

// blockIDs numbers the rows of a block, for f32.DotRows.
var blockIDs = func() []int32 {
	ids := make([]int32, blockRows)
	for i := range ids {
		ids[i] = int32(i)
	}
	return ids
}()

func (s *Space) run(b *batch) [][]Neighbor {
	n, d := len(s.t.Keys), s.t.Dim
	nt := len(b.termRow)
	terms := make([]float32, nt*d)
	for t, r := range b.termRow {
		if r >= 0 {
			copy(terms[t*d:], s.Unit(r))
		} else {
			copy(terms[t*d:], b.vecs[t])
		}
	}
	// CosAdd scores are Σ± cos(x, t) / |Σ± t|: the cosine of x with the
	// normalised sum, computed without forming it so that every query of a
	// batch shares the cosine block. scale holds 1/|Σ± t| (0 for a zero sum,
	// where gensim's unit vector of zero makes every score 0).
	scale := make([]float32, len(b.qs))
	end := 0
	for qi := range b.qs {
		q := &b.qs[qi]
		if q.restrict <= 0 || q.restrict > n {
			q.restrict = n
		}
		end = max(end, q.restrict)
		if q.method == CosAdd {
			sum := make([]float64, d)
			for i, t := range q.terms {
				w := 1.0
				if q.neg[i] {
					w = -1
				}
				for j, v := range terms[t*d : (t+1)*d] {
					sum[j] += w * float64(v)
				}
			}
			var ss float64
			for _, v := range sum {
				ss += v * v
			}
			if ss > 0 {
				scale[qi] = float32(1 / math.Sqrt(ss))
			}
		}
	}

	blocks := (end + blockRows - 1) / blockRows
	workers := min(runtime.GOMAXPROCS(0), blocks)
	tops := make([][]topK, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		tops[w] = make([]topK, len(b.qs))
		for qi, q := range b.qs {
			tops[w][qi].cap = q.k + len(q.exclude)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cos := make([]float32, nt*blockRows)
			acc := make([]float32, blockRows)
			den := make([]float32, blockRows)
			for {
				blk := int(next.Add(1) - 1)
				if blk >= blocks {
					return
				}
				lo := blk * blockRows
				hi := min(lo+blockRows, end)
				m := hi - lo
				// cos[t][j] = unit(t) · unit(lo+j)
				if nt <= dotRowsTerms {
					for t := range nt {
						f32.DotRows(cos[t*blockRows:], terms[t*d:(t+1)*d], s.unit[lo*d:hi*d], blockIDs[:m])
					}
				} else {
					f32.Gemm(false, true, nt, m, d, 1, terms, d, s.unit[lo*d:hi*d], d, 0, cos, blockRows)
				}
				for qi := range b.qs {
					q := &b.qs[qi]
					if q.restrict <= lo {
						continue
					}
					mq := min(hi, q.restrict) - lo
					if q.analogy() {
						// b − a + c: one fused pass, nothing written.
						row := func(t int) []float32 { return cos[t*blockRows : t*blockRows+mq] }
						tops[w][qi].scanAnalogy(row(q.terms[0]), row(q.terms[1]), row(q.terms[2]), lo, q.method == CosMul)
						continue
					}
					a := acc[:mq]
					score(a, den[:mq], q, cos)
					tops[w][qi].scan(a, lo)
				}
			}
		}()
	}
	wg.Wait()

	out := make([][]Neighbor, len(b.qs))
	for qi, q := range b.qs {
		var all []cand
		for w := range tops {
			all = append(all, tops[w][qi].c...)
		}
		slices.SortFunc(all, better)
		res := make([]Neighbor, 0, q.k)
		for _, c := range all {
			if len(res) == q.k {
				break
			}
			if slices.Contains(q.exclude, c.row) {
				continue
			}
			v := c.score
			if q.method == CosAdd {
				v *= scale[qi]
			}
			res = append(res, Neighbor{Key: s.t.Keys[c.row], Row: c.row, Score: float64(v)})
		}
		out[qi] = res
	}
	return out
}

// analogy reports whether q is two positive terms and one negative, the
// shape of every analogy question, which scanAnalogy answers fast.
func (q *planned) analogy() bool {
	return len(q.terms) == 3 && !q.neg[0] && !q.neg[1] && q.neg[2]
}

// score writes the query's unscaled score of each row of the block into a:
// Σ± cos for CosAdd, the 3CosMul ratio for CosMul, using den as scratch.
// Like gensim it works in float32.
func score(a, den []float32, q *planned, cos []float32) {
	m := len(a)
	row := func(t int) []float32 { return cos[t*blockRows : t*blockRows+m] }
	if q.method == CosAdd {
		clear(a)
		for i, t := range q.terms {
			w := float32(1)
			if q.neg[i] {
				w = -1
			}
			f32.Axpy(w, row(t), a)
		}
		return
	}
	// CosMul: numerator and denominator accumulated row by row.
	for j := range a {
		a[j] = 1
	}
	hasNeg := false
	for i, t := range q.terms {
		c := row(t)
		if !q.neg[i] {
			for j, v := range c {
				a[j] *= (1 + v) / 2
			}
			continue
		}
		if !hasNeg {
			hasNeg = true
			for j := range den {
				den[j] = 1
			}
		}
		for j, v := range c {
			den[j] *= (1 + v) / 2
		}
	}
	if !hasNeg {
		// No negatives: gensim divides by the empty product 1 plus ε.
		for j := range a {
			a[j] /= 1 + 1e-6
		}
		return
	}
	for j := range a {
		a[j] /= den[j] + 1e-6
	}
}

// cand is a candidate answer; better orders by score, then by row.
type cand struct {
	score float32
	row   int
}

func better(a, b cand) int {
	switch {
	case a.score > b.score:
		return -1
	case a.score < b.score:
		return 1
	}
	return a.row - b.row
}

// topK keeps the cap best candidates seen, best first. Rows arrive in
// increasing order, so a tie never displaces a kept row.
type topK struct {
	cap int
	c   []cand
}

func (t *topK) scan(a []float32, base int) {
	thr := float32(math.Inf(-1))
	full := len(t.c) == t.cap
	if full {
		thr = t.c[len(t.c)-1].score
	}
	for j, v := range a {
		if full && !(v > thr) {
			continue
		}
		if v != v { // NaN never ranks
			continue
		}
		t.insert(cand{v, base + j})
		if full = len(t.c) == t.cap; full {
			thr = t.c[len(t.c)-1].score
		}
	}
}

// scanAnalogy is score and scan fused for b + c − a (rows of the cosine
// block), with the same float32 operations in the same order, so the same
// scores. For 3CosMul the ratio is only computed for rows whose numerator
// can beat the threshold.
func (t *topK) scanAnalogy(b, c, a []float32, base int, mul bool) {
	c = c[:len(b)]
	a = a[:len(b)]
	thr := float32(math.Inf(-1))
	full := len(t.c) == t.cap
	if full {
		thr = t.c[len(t.c)-1].score
	}
	for j := range b {
		var v float32
		if mul {
			num := 1 * ((1 + b[j]) / 2) * ((1 + c[j]) / 2)
			den := 1*((1+a[j])/2) + 1e-6
			// num/den > thr ⇔ num > thr·den (den > 0); the slack covers
			// rounding, the exact test follows.
			if full && num < thr*den*(1-1e-5) {
				continue
			}
			v = num / den
		} else {
			v = 0 + b[j]
			v += c[j]
			v += -1 * a[j]
		}
		if full && !(v > thr) || v != v {
			continue
		}
		t.insert(cand{v, base + j})
		if full = len(t.c) == t.cap; full {
			thr = t.c[len(t.c)-1].score
		}
	}
}

func (t *topK) insert(c cand) {
	i, _ := slices.BinarySearchFunc(t.c, c, better)
	if len(t.c) < t.cap {
		t.c = slices.Insert(t.c, i, c)
		return
	}
	if i >= len(t.c) {
		return
	}
	copy(t.c[i+1:], t.c[i:len(t.c)-1])
	t.c[i] = c
}

// OddOneOut returns the word that fits least with the others: the one
// whose unit vector has the smallest cosine with the normalised mean of all
// the words' unit vectors (gensim's doesnt_match). Unlike gensim, which
// drops unknown words with a warning, an unknown word is an error. Ties go
// to the word that sorts first, as in gensim.
func (s *Space) OddOneOut(words []string) (string, error) {
	if len(words) == 0 {
		return "", errors.New("embedding: odd one out of no words")
	}
	d := s.t.Dim
	mean := make([]float64, d)
	rows := make([]int, len(words))
	for i, w := range words {
		r, ok := s.t.Index(w)
		if !ok {
			return "", &UnknownWordError{w}
		}
		rows[i] = r
		for j, v := range s.Unit(r) {
			mean[j] += float64(v)
		}
	}
	best, bestCos := 0, math.Inf(1)
	for i, r := range rows {
		var c float64
		for j, v := range s.Unit(r) {
			c += float64(v) * mean[j]
		}
		if c < bestCos || c == bestCos && words[i] < words[best] {
			best, bestCos = i, c
		}
	}
	return words[best], nil
}
