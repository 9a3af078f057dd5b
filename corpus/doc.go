// Package corpus turns text into what embedding trainers learn from:
// tokens, a vocabulary with counts, and the corpus re-written as
// vocabulary IDs.
//
// It is written here, rather than borrowed from a text-processing library,
// because the trainers (word2vec, GloVe) need three things together that no
// pure-Go library offers: streaming over corpora larger than memory (files,
// gzip files, standard input, read more than once by spooling it), a
// vocabulary count that stays bounded in memory the way the original
// word2vec's does, and a compact ID file that parallel workers can split at
// sentence boundaries and re-read for every epoch without tokenising the
// text again.
//
// A typical pipeline:
//
//	src := &corpus.Source{Paths: []string{"corpus.txt"}}
//	voc, err := corpus.BuildVocab(ctx, src, corpus.VocabOptions{MinCount: 5})
//	enc, err := corpus.Encode(ctx, src, voc, "")
//	defer enc.Close()
//	enc.Part(0, 2).Each(ctx, func(ids []int32) error { ... })
//
// Text must be UTF-8. A NUL byte (a binary file) or an invalid UTF-8
// sequence is an error naming the file and the line, never silently
// skipped: a corpus that is not what its owner thinks should stop the run.
package corpus
