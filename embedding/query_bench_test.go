package embedding

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var fullOnce struct {
	sync.Once
	s *Space
}

// fullSpace is the Space of GloVe 6B 100-d, or a skip when the file is not
// in the cache.
func fullSpace(b *testing.B) *Space {
	p := fullGloVePath()
	if _, err := os.Stat(p); err != nil {
		b.Skipf("%s is missing (scripts/get-data.sh glove makes it)", p)
	}
	fullOnce.Do(func() {
		t, err := Load(p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		fullOnce.s = NewSpace(t)
	})
	return fullOnce.s
}

// BenchmarkSimilarFull is one interactive query on 341k words.
func BenchmarkSimilarFull(b *testing.B) {
	s := fullSpace(b)
	for b.Loop() {
		if _, err := s.Similar("king", 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalogyFull is one 3CosMul analogy on 341k words.
func BenchmarkAnalogyFull(b *testing.B) {
	s := fullSpace(b)
	for b.Loop() {
		if _, err := s.Analogy([]string{"king", "woman"}, []string{"man"}, CosMul, 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewSpaceFull is the one-off normalisation after loading.
func BenchmarkNewSpaceFull(b *testing.B) {
	t := fullSpace(b).Table()
	for b.Loop() {
		NewSpace(t)
	}
}

// BenchmarkAnalogiesFull is the whole Google analogy set, both methods,
// cut-off 300,000.
func BenchmarkAnalogiesFull(b *testing.B) {
	s := fullSpace(b)
	secs, err := LoadAnalogies(filepath.Join(wordsim, "questions-words.txt"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ScoreAnalogies(s, secs, "questions-words.txt", EvalOptions{})
	}
}
