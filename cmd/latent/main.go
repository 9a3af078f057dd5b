// Command latent trains autoencoders on tables and images, compares them with
// PCA at the same bottleneck, and turns data into codes, reconstructions and
// reconstruction errors. Run "latent help" for the verbs.
//
// Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/latent-go/latent"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usageError marks bad flags, bad arguments and bad input data: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError.
func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// badInput marks err as a problem with the user's input: exit code 2.
func badInput(err error) error {
	if err == nil {
		return nil
	}
	return usageError{err}
}

// exitCode maps an error to the process exit code, in this one place.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		return 2
	default:
		return 1
	}
}

// env is what every verb writes to.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "latent",
		Short: "Autoencoders and embeddings in pure Go",
		Long: `latent trains autoencoders on tables and images, compares them with PCA at the
same bottleneck, and turns data into codes, reconstructions and errors; it
detects anomalies with calibrated false-positive rates; it trains word2vec and
GloVe vectors from text and evaluates them; and it searches, clusters and maps
vectors (autoencoder codes or word vectors).

Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.`,
		Example: `  latent demo                                  # train on built-in digits, compare with PCA
  latent train --data train.csv --layers 64,16 --out model.latent
  latent encode --model model.latent --data train.csv --out codes.csv
  latent eval --model model.latent --data test.csv
  latent anomaly eval --data builtin:digits --anomaly-label 9
  latent project --method tsne --data codes.csv --plot map.png
  latent words train corpus.txt --out vectors.txt`,
		Version:       latent.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see 'latent %s --help')", err, c.Name())}
	})
	root.AddCommand(demoCmd(e), trainCmd(e), encodeCmd(e), reconstructCmd(e), evalCmd(e), pcaCmd(e), infoCmd(e), anomalyCmd(e), reportCmd(e), neighborsCmd(e), clusterCmd(e), projectCmd(e), indexCmd(e), wordsCmd(e))
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		if cmd != nil && isCobraUsage(err) {
			err = usageError{err}
		}
		fmt.Fprintf(stderr, "latent: %v\n", err)
	}
	return exitCode(err)
}

// isCobraUsage reports errors cobra raises for bad command lines (unknown
// verbs, wrong argument counts), which it returns as plain errors.
func isCobraUsage(err error) bool {
	var ue usageError
	if errors.As(err, &ue) {
		return false
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires exactly", "received "} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
