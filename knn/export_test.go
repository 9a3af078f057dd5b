package knn

// SetUseCodes turns the 8-bit codes of Euclidean Flat indexes on or off
// for the indexes built next and returns a function that restores the
// setting.
func SetUseCodes(on bool) (restore func()) {
	old := useCodes
	useCodes = on
	return func() { useCodes = old }
}

// UsesCodes reports whether f searches with 8-bit codes.
func (f *Flat) UsesCodes() bool { return f.codes != nil }

// UsesWindow reports whether f searches within a window of projections.
func (f *Flat) UsesWindow() bool { return f.axis != nil }
