package autodiff

// Log1p01 exposes log1p01 to the tests.
var Log1p01 = log1p01
