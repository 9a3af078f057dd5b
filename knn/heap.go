package knn

// candHeap keeps the best cap candidates seen so far, by score, as a max-heap
// whose root is the worst one kept, so that the test a new candidate must
// pass is one comparison with the root. Among equal scores the larger ID
// counts as worse.
type candHeap struct {
	score []float32
	id    []int32
	cap   int
}

func (h *candHeap) reset(capacity int) {
	h.cap = capacity
	h.score = h.score[:0]
	h.id = h.id[:0]
}

func (h *candHeap) full() bool { return len(h.score) == h.cap }

// worst returns the score a candidate must beat, +Inf-like (the largest
// float32) while the heap is not full.
func (h *candHeap) worst() float32 {
	if len(h.score) < h.cap {
		return maxFloat32
	}
	return h.score[0]
}

const maxFloat32 = 3.40282346638528859811704183484516925440e+38

func (h *candHeap) less(i, j int) bool { // i is worse than j
	return h.score[i] > h.score[j] || h.score[i] == h.score[j] && h.id[i] > h.id[j]
}

// push adds a candidate; the caller has checked that it beats worst() when
// the heap is full.
func (h *candHeap) push(s float32, id int32) {
	if len(h.score) < h.cap {
		h.score = append(h.score, s)
		h.id = append(h.id, id)
		i := len(h.score) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !h.less(i, p) {
				break
			}
			h.swap(i, p)
			i = p
		}
		return
	}
	h.score[0], h.id[0] = s, id
	h.down(0)
}

func (h *candHeap) swap(i, j int) {
	h.score[i], h.score[j] = h.score[j], h.score[i]
	h.id[i], h.id[j] = h.id[j], h.id[i]
}

func (h *candHeap) down(i int) {
	n := len(h.score)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		w := l
		if r := l + 1; r < n && h.less(r, l) {
			w = r
		}
		if !h.less(w, i) {
			return
		}
		h.swap(i, w)
		i = w
	}
}

// exactHeap keeps the best cap candidates by float64 distance, worst at
// the root.
type exactHeap struct {
	c   []cand
	cap int
}

// offer adds c if it is among the best cap seen. IDs must be offered in
// increasing order, so an equal distance never displaces a kept one.
func (h *exactHeap) offer(c cand) {
	if len(h.c) < h.cap {
		h.c = append(h.c, c)
		for i := len(h.c) - 1; i > 0; {
			p := (i - 1) / 2
			if compareCand(h.c[i], h.c[p]) <= 0 {
				break
			}
			h.c[i], h.c[p] = h.c[p], h.c[i]
			i = p
		}
		return
	}
	if !(c.d < h.c[0].d) {
		return
	}
	h.c[0] = c
	for i := 0; ; {
		l := 2*i + 1
		if l >= len(h.c) {
			return
		}
		w := l
		if r := l + 1; r < len(h.c) && compareCand(h.c[r], h.c[l]) > 0 {
			w = r
		}
		if compareCand(h.c[w], h.c[i]) <= 0 {
			return
		}
		h.c[i], h.c[w] = h.c[w], h.c[i]
		i = w
	}
}
