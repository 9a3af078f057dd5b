package probe

import "fmt"

// Matrix is a sparse matrix in compressed-row form: row i's entries are
// Index[RowPtr[i]:RowPtr[i+1]] (column numbers, increasing) and the Value
// entries beside them. Dense features are rows with every column present.
type Matrix struct {
	// Cols is the number of columns.
	Cols   int
	RowPtr []int
	Index  []int32
	Value  []float64
}

// NewMatrix returns an empty matrix with cols columns.
func NewMatrix(cols int) *Matrix { return &Matrix{Cols: cols, RowPtr: []int{0}} }

// Rows returns the number of rows.
func (m *Matrix) Rows() int { return len(m.RowPtr) - 1 }

// AppendRow adds a row with the given entries (columns increasing). It
// panics if a column is out of range or out of order.
func (m *Matrix) AppendRow(index []int32, value []float64) {
	if len(index) != len(value) {
		panic(fmt.Sprintf("probe: %d columns, %d values", len(index), len(value)))
	}
	for k, j := range index {
		if j < 0 || int(j) >= m.Cols || (k > 0 && j <= index[k-1]) {
			panic(fmt.Sprintf("probe: column %d out of range or order in a row of a %d-column matrix", j, m.Cols))
		}
	}
	m.Index = append(m.Index, index...)
	m.Value = append(m.Value, value...)
	m.RowPtr = append(m.RowPtr, len(m.Index))
}

// AppendDense adds a row holding every column of x.
func (m *Matrix) AppendDense(x []float64) {
	if len(x) != m.Cols {
		panic(fmt.Sprintf("probe: dense row of %d values in a %d-column matrix", len(x), m.Cols))
	}
	for j, v := range x {
		m.Index = append(m.Index, int32(j))
		m.Value = append(m.Value, v)
	}
	m.RowPtr = append(m.RowPtr, len(m.Index))
}

// Row returns the columns and values of row i (slices of m, not copies).
func (m *Matrix) Row(i int) ([]int32, []float64) {
	a, b := m.RowPtr[i], m.RowPtr[i+1]
	return m.Index[a:b], m.Value[a:b]
}

// dot returns row i of m times the dense vector w.
func (m *Matrix) dot(i int, w []float64) float64 {
	idx, val := m.Row(i)
	s := 0.0
	for k, j := range idx {
		s += val[k] * w[j]
	}
	return s
}

// axpy adds a times row i of m to the dense vector g.
func (m *Matrix) axpy(i int, a float64, g []float64) {
	idx, val := m.Row(i)
	for k, j := range idx {
		g[j] += a * val[k]
	}
}
