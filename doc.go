// Package latent is autoencoders and embeddings in pure Go: one library and
// one binary (cmd/latent) from raw data to a trained autoencoder, its codes,
// reconstructions and errors, side by side with PCA.
//
// The packages, bottom up:
//
//	internal/f32      unchecked float32 kernels (GEMM, dot, axpy); the plain loop is the specification
//	tensor            dense row-major float32 matrices; shape checks
//	autodiff          reverse-mode tape; each op beside its gradient
//	nn                activations, dense layers, reconstruction losses
//	optim             SGD (momentum, Nesterov), Adam, AdamW; schedules; clipping
//	dataset           CSV, NPY, IDX, PNG-folder readers; scalers; seeded splits
//	noise             corruption for denoising: Gaussian, salt-and-pepper, speckle, masking
//	train             the minibatch loop: validation, early stopping, NaN guard, hooks
//	autoencoder       the model family and the model file
//	projection/pca    principal component analysis, the baseline every model is compared with
//	anomaly           anomaly scores, conformal p-values and thresholds, ROC/PR metrics
//	distance, knn     metrics on vectors; exact and HNSW nearest-neighbour search (knn/knntest: the conformance suite)
//	embedding         vector tables with keys and labels; word2vec, GloVe, TSV, NPY and CSV files
//	cluster           k-means, silhouette, adjusted Rand index, NMI
//	projection/...    t-SNE and UMAP maps (tsne, umap) and their quality measures (quality)
//	corpus            tokeniser, vocabulary and the corpus as IDs, for the word-vector trainers
//	word2vec, glove   word-vector trainers that produce embedding tables
//	probe             extrinsic evaluation: a document classifier on word vectors
//	plot, report      figures (PNG/SVG) and the self-contained HTML run report
//	cmd/latent        the command line
//
// Error policy. Shape and index mistakes are programmer errors and panic with
// a "pkg:" prefix. Numerical failures that depend on the data return an
// error (train.ErrDiverged) or ok bool. Files, formats and flags return an
// error naming the file, line or flag. The training loop recovers panics into
// errors at its boundary. cmd/latent maps errors to exit codes in one place:
// 0 success, 1 runtime failure, 2 bad usage or bad input. Files are written to
// a temporary file and renamed, so nothing is ever half-written.
package latent

// Version is latent's version, recorded in every model file.
const Version = "0.1.0"
