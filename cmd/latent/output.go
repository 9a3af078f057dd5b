package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/latent-go/latent/dataset"
	"github.com/latent-go/latent/embedding"
	"github.com/latent-go/latent/internal/atomicfile"
)

// writeJSON prints v as one indented JSON object.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table prints aligned "name  value" rows.
type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer) *table { return &table{tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)} }

func (t *table) row(cells ...string) { fmt.Fprintln(t.tw, strings.Join(cells, "\t")) }

func (t *table) flush() error { return t.tw.Flush() }

// checkWritable fails early, before any work, when path's directory does not
// exist or path is a directory.
func checkWritable(path string) error {
	if path == "" {
		return usagef("--out is required")
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usagef("--out %s is a directory", path)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usagef("--out %s: directory %s does not exist", path, dir)
	}
	return nil
}

// writeMatrix writes n rows of d values to path atomically: as CSV with
// key and label columns, or, when path ends in .npy, as float32 NPY with the
// keys and labels beside it in PATH.keys.txt and PATH.labels.txt (one per
// line), since NPY holds numbers only, or, when path ends in .tsv, as
// TensorFlow Embedding Projector files (see writeProjectorTSV).
func writeMatrix(path string, x []float32, n, d int, keys, labels []string) error {
	if err := checkWritable(path); err != nil {
		return err
	}
	if strings.EqualFold(filepath.Ext(path), ".tsv") {
		return writeProjectorTSV(path, x, n, d, keys, labels)
	}
	if !strings.EqualFold(filepath.Ext(path), ".npy") {
		return atomicfile.Write(path, func(w io.Writer) error {
			return dataset.WriteCSV(w, &dataset.Set{X: x, N: n, D: d, Keys: keys, Labels: labels})
		})
	}
	for _, side := range []struct {
		ext  string
		vals []string
	}{{".keys.txt", keys}, {".labels.txt", labels}} {
		if side.vals == nil {
			continue
		}
		if err := atomicfile.Write(path+side.ext, func(w io.Writer) error {
			for _, v := range side.vals {
				if _, err := fmt.Fprintln(w, v); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return atomicfile.Write(path, func(w io.Writer) error { return dataset.WriteNPY(w, n, d, x) })
}

// writeJSONFile writes v as indented JSON to path atomically.
func writeJSONFile(path string, v any) error {
	return atomicfile.Write(path, func(w io.Writer) error { return writeJSON(w, v) })
}

// writeProjectorTSV writes the vectors to path, tab-separated, and the keys
// (with a label column when there are labels) to the projector's metadata
// file beside it: "vectors" replaced by "metadata" in the file name when it
// has it (vectors.tsv → metadata.tsv, which embedding.Load finds), else
// PATH with .tsv replaced by .metadata.tsv. Rows without keys are named by
// their number.
func writeProjectorTSV(path string, x []float32, n, d int, keys, labels []string) error {
	if keys == nil {
		keys = make([]string, n)
		for i := range keys {
			keys[i] = strconv.Itoa(i)
		}
	}
	t, err := embedding.New(keys, d, x)
	if err != nil {
		return err
	}
	t.Labels = labels
	if err := atomicfile.Write(metadataPath(path), func(w io.Writer) error { return embedding.WriteTSV(io.Discard, w, t) }); err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error { return embedding.WriteTSV(w, nil, t) })
}

// metadataPath names the projector metadata file of the vectors file path.
func metadataPath(path string) string {
	dir, base := filepath.Split(path)
	if strings.Contains(base, "vectors") {
		return dir + strings.Replace(base, "vectors", "metadata", 1)
	}
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".metadata.tsv"
}
