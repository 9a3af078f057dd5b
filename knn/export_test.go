package knn

// SetUseCodes turns the 8-bit codes of Flat indexes on or off for the
// indexes built next and returns a function that restores the setting.
func SetUseCodes(on bool) (restore func()) {
	old := useCodes
	useCodes = on
	return func() { useCodes = old }
}

// SetPrepareAfter sets how many queries a Flat index answers before it
// builds its window and returns a function that restores the setting.
func SetPrepareAfter(n int64) (restore func()) {
	old := prepareAfter
	prepareAfter = n
	return func() { prepareAfter = old }
}

// UsesCodes builds f's window and reports whether it has 8-bit codes.
func (f *Flat) UsesCodes() bool {
	w := f.prepare()
	return w != nil && w.codes != nil
}

// UsesWindow builds f's window and reports whether it has one.
func (f *Flat) UsesWindow() bool { return f.prepare() != nil }

// Built reports whether f's window has been built, without building it.
func (f *Flat) Built() bool { return f.win.Load() != nil }
