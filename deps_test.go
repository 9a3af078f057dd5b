package latent_test

// This file enforces the layering of DESIGN.md §2, in the manner of the Go
// standard library's go/build/deps_test.go: which package may import which,
// and what a library package must never do.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/latent-go/latent"

// light lists the packages that must not depend, directly or through other
// packages, on the training stack: the data, search, projection and
// word-vector code stays usable without autodiff. Patterns are relative to
// the module; "x/..." means x and every package below it. New packages join
// by adding a line. Planned packages may be listed before they exist; a
// pattern that is not planned must match a package, so typos cannot make a
// rule vacuous.
var light = []struct {
	pkg     string
	planned bool
}{
	{"tensor", false},
	{"internal/f32", false},
	{"internal/parallel", false},
	{"internal/safetensors", false},
	{"dataset/...", false},
	{"noise", false},
	{"projection/...", false},
	{"distance/...", false},
	{"knn/...", false},
	{"embedding/...", false},
	{"cluster/...", false},
	{"plot/...", false},
	{"corpus", false},
	{"word2vec", false},
	{"glove", false},
	{"probe", false},
}

// heavy is the training stack the light packages must not import.
var heavy = []string{"autodiff/...", "nn", "train", "autoencoder"}

// forbiddenImports may not be imported by a library package (anything but a
// main package, which cmd/... and tools are).
var forbiddenImports = map[string]string{
	"flag": "flags belong to cmd/latent",
}

// forbiddenSelectors may not be used by a library package: they end the
// process or write to standard output, which only cmd/latent may do. Keys
// are import path and name.
var forbiddenSelectors = map[[2]string]string{
	{"os", "Exit"}:      "only cmd/latent ends the process",
	{"syscall", "Exit"}: "only cmd/latent ends the process",
	{"log", "Fatal"}:    "log.Fatal calls os.Exit",
	{"log", "Fatalf"}:   "log.Fatalf calls os.Exit",
	{"log", "Fatalln"}:  "log.Fatalln calls os.Exit",
	{"os", "Stdout"}:    "libraries write to an io.Writer they are given",
	{"fmt", "Print"}:    "fmt.Print writes to os.Stdout",
	{"fmt", "Printf"}:   "fmt.Printf writes to os.Stdout",
	{"fmt", "Println"}:  "fmt.Println writes to os.Stdout",
}

// listedPackage is the part of `go list -json` output the tests read.
type listedPackage struct {
	ImportPath     string
	Name           string
	Dir            string
	GoFiles        []string
	CgoFiles       []string
	IgnoredGoFiles []string
	Imports        []string
	Deps           []string
	Error          *struct{ Err string }
}

// rel returns p relative to the module ("." for the root), or "" for a
// package outside it.
func rel(p string) string {
	switch {
	case p == module:
		return "."
	case strings.HasPrefix(p, module+"/"):
		return strings.TrimPrefix(p, module+"/")
	}
	return ""
}

// matches reports whether the module-relative path p matches pattern,
// where "x/..." matches x and everything below it.
func matches(pattern, p string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return p == base || strings.HasPrefix(p, base+"/")
	}
	return p == pattern
}

// listPackages runs `go list -e -json ./...` in the module root and returns
// the module's packages by module-relative path. It skips the test when the
// go command is not on PATH.
func listPackages(t *testing.T) map[string]*listedPackage {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	cmd := exec.Command(goCmd, "list", "-e", "-json", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	pkgs := make(map[string]*listedPackage)
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		if p.Error != nil {
			t.Errorf("go list: %s: %s", p.ImportPath, p.Error.Err)
		}
		if r := rel(p.ImportPath); r != "" {
			pkgs[r] = p
		}
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages")
	}
	return pkgs
}

// importChain returns the shortest chain of module-internal imports from
// package from to package to, as module-relative paths, or nil.
func importChain(pkgs map[string]*listedPackage, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == to {
			var chain []string
			for ; p != ""; p = prev[p] {
				chain = append(chain, p)
			}
			slices.Reverse(chain)
			return chain
		}
		lp := pkgs[p]
		if lp == nil {
			continue
		}
		for _, imp := range lp.Imports {
			r := rel(imp)
			if _, seen := prev[r]; r == "" || seen {
				continue
			}
			prev[r] = p
			queue = append(queue, r)
		}
	}
	return nil
}

// TestLightPackagesAvoidTrainingStack checks that no light package depends
// on the training stack, directly or transitively.
func TestLightPackagesAvoidTrainingStack(t *testing.T) {
	pkgs := listPackages(t)
	names := slices.Sorted(maps.Keys(pkgs))
	for _, rule := range light {
		matched := 0
		for _, p := range names {
			if !matches(rule.pkg, p) {
				continue
			}
			matched++
			for _, dep := range pkgs[p].Deps {
				d := rel(dep)
				if d == "" {
					continue
				}
				for _, h := range heavy {
					if matches(h, d) {
						t.Errorf("package %s imports %s (via %s); %s must not depend on %s",
							p, d, strings.Join(importChain(pkgs, p, d), " → "), rule.pkg, strings.Join(heavy, ", "))
					}
				}
			}
		}
		if matched == 0 {
			if rule.planned {
				t.Logf("rule %s: no such package yet", rule.pkg)
			} else {
				t.Errorf("rule %s matches no package; fix or remove it", rule.pkg)
			}
		}
	}
}

// TestLibrariesStayQuiet checks every non-test file of every library
// package (all but main packages) for imports of "flag" and for uses of
// os.Exit, os.Stdout and the functions that end the process or print to
// standard output. Files excluded by build constraints are checked too,
// except those of package main (generators run with go run).
func TestLibrariesStayQuiet(t *testing.T) {
	pkgs := listPackages(t)
	fset := token.NewFileSet()
	checked := 0
	for _, r := range slices.Sorted(maps.Keys(pkgs)) {
		p := pkgs[r]
		if p.Name == "main" || matches("cmd/...", r) {
			continue
		}
		files := slices.Concat(p.GoFiles, p.CgoFiles, p.IgnoredGoFiles)
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			path := filepath.Join(p.Dir, name)
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			if f.Name.Name == "main" {
				continue
			}
			checked++
			for _, msg := range quietViolations(fset, f) {
				t.Errorf("package %s: %s/%s: %s", r, r, msg.where(name), msg.text)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no library files checked")
	}
}

// violation is one forbidden import or use in a file.
type violation struct {
	pos  token.Position
	text string
}

// where formats the violation's position in file name.
func (v violation) where(name string) string { return fmt.Sprintf("%s:%d", name, v.pos.Line) }

// quietViolations returns the forbidden imports and selector expressions of
// f. A selector X.Sel counts when X is the file's name for the forbidden
// package, renamed imports included.
func quietViolations(fset *token.FileSet, f *ast.File) []violation {
	var vs []violation
	local := make(map[string]string) // name in the file → import path
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		if why, bad := forbiddenImports[path]; bad {
			vs = append(vs, violation{fset.Position(imp.Pos()), fmt.Sprintf("imports %q (%s)", path, why)})
		}
		name := filepath.Base(path)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		local[name] = path
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		path, ok := local[id.Name]
		if !ok {
			return true
		}
		if why, bad := forbiddenSelectors[[2]string{path, sel.Sel.Name}]; bad {
			vs = append(vs, violation{fset.Position(sel.Pos()), fmt.Sprintf("uses %s.%s (%s)", path, sel.Sel.Name, why)})
		}
		return true
	})
	return vs
}

// TestQuietViolationsFinds checks the checker itself on a file that breaks
// every rule, with a renamed import, and on one that breaks none.
func TestQuietViolationsFinds(t *testing.T) {
	const bad = `package p

import (
	"flag"
	"fmt"
	stdos "os"
)

var v = flag.Bool("v", false, "")

func f() {
	fmt.Fprintln(stdos.Stdout, "x")
	fmt.Println("y")
	stdos.Exit(1)
}
`
	const good = `package p

import (
	"fmt"
	"io"
	"os"
)

type T struct{ Stdout io.Writer }

func f(w io.Writer, t T) {
	fmt.Fprintln(w, "x")
	fmt.Fprintln(os.Stderr, "y")
	fmt.Fprintln(t.Stdout, "z")
	_ = os.Getenv("HOME")
}
`
	fset := token.NewFileSet()
	parse := func(src string) *ast.File {
		f, err := parser.ParseFile(fset, "x.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	var got []string
	for _, v := range quietViolations(fset, parse(bad)) {
		got = append(got, fmt.Sprintf("%d: %s", v.pos.Line, v.text))
	}
	want := []string{
		`4: imports "flag" (flags belong to cmd/latent)`,
		"12: uses os.Stdout (libraries write to an io.Writer they are given)",
		"13: uses fmt.Println (fmt.Println writes to os.Stdout)",
		"14: uses os.Exit (only cmd/latent ends the process)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations in the bad file:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if vs := quietViolations(fset, parse(good)); len(vs) != 0 {
		t.Errorf("violations in the good file: %v", vs)
	}
}

// TestMatches checks the package patterns of the rules.
func TestMatches(t *testing.T) {
	for _, tt := range []struct {
		pattern, p string
		want       bool
	}{
		{"nn", "nn", true},
		{"nn", "nn/x", false},
		{"nn", "nnx", false},
		{"autodiff/...", "autodiff", true},
		{"autodiff/...", "autodiff/autodifftest", true},
		{"autodiff/...", "autodiffx", false},
		{"projection/...", "projection/pca", true},
	} {
		if got := matches(tt.pattern, tt.p); got != tt.want {
			t.Errorf("matches(%q, %q) = %t, want %t", tt.pattern, tt.p, got, tt.want)
		}
	}
}

// Internal packages are only importable from inside the module; the go
// command enforces that, so there is no rule for it here.
