package embedding_test

import (
	"fmt"
	"strings"

	"github.com/latent-go/latent/embedding"
)

// toyVectors is a small word2vec text file: royalty along the first axis,
// "male" along the second, "female" along the third.
const toyVectors = `8 3
king 0.9 0.8 0.1
queen 0.9 0.1 0.8
man 0.1 0.9 0.05
woman 0.1 0.15 0.9
prince 0.8 0.7 0.2
princess 0.75 0.15 0.7
apple -0.5 0.1 0.1
banana -0.6 0.05 0.15
`

func toy() *embedding.Table {
	t, err := embedding.ReadWord2VecText(strings.NewReader(toyVectors), "toy.txt", embedding.Options{})
	if err != nil {
		panic(err)
	}
	return t
}

func ExampleSpace_Similar() {
	s := embedding.NewSpace(toy())
	near, err := s.Similar("king", 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range near {
		fmt.Printf("%s %.4f\n", n.Key, n.Score)
	}
	_, err = s.Similar("kiwi", 2)
	fmt.Println(err)
	// Output:
	// prince 0.9947
	// man 0.7437
	// embedding: unknown word "kiwi"
}

// king − man + woman, with both scorings.
func ExampleSpace_Analogy() {
	s := embedding.NewSpace(toy())
	for _, m := range []embedding.Method{embedding.CosAdd, embedding.CosMul} {
		ans, _ := s.Analogy([]string{"king", "woman"}, []string{"man"}, m, 1)
		fmt.Printf("%v: %s %.4f\n", m, ans[0].Key, ans[0].Score)
	}
	// Output:
	// 3cosadd: queen 0.9555
	// 3cosmul: queen 1.2086
}

func ExampleSpace_OddOneOut() {
	s := embedding.NewSpace(toy())
	odd, _ := s.OddOneOut([]string{"king", "queen", "apple", "prince"})
	fmt.Println(odd)
	// Output:
	// apple
}

// Queries batch: the answers of several queries come from one pass over
// the matrix. Restrict keeps only the first rows as answers.
func ExampleSpace_NearestBatch() {
	s := embedding.NewSpace(toy())
	res, _ := s.NearestBatch([]embedding.Query{
		{Positive: []string{"apple"}, K: 1},
		{Positive: []string{"queen"}, K: 2, Restrict: 4},
	})
	for _, r := range res {
		var line []string
		for _, n := range r {
			line = append(line, fmt.Sprintf("%s (row %d) %.4f", n.Key, n.Row, n.Score))
		}
		fmt.Println(strings.Join(line, "  "))
	}
	// Output:
	// banana (row 7) 0.9925
	// woman (row 3) 0.7439  king (row 0) 0.6644

}

func ExampleScorePairs() {
	pairs, err := embedding.ReadPairs(strings.NewReader(
		"# word1\tword2\tscore\n"+
			"king\tqueen\t8\n"+
			"King\tprince\t9\n"+ // compared upper-cased: King is king
			"apple\tbanana\t9.5\n"+
			"king\tapple\t1\n"+
			"queen\tkiwi\t3\n"), // kiwi is not in the table
		"pairs.tsv")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, policy := range []embedding.OOVPolicy{embedding.OOVSkip, embedding.OOVZero} {
		r, err := embedding.ScorePairs(toy(), pairs, "pairs.tsv", embedding.EvalOptions{OOV: policy})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("OOV %s: Spearman %.3f Pearson %.3f, %d of %d pairs used, %.0f%% OOV\n",
			r.Policy, r.Spearman, r.Pearson, r.Used, r.Pairs, 100*r.OOVFraction)
	}
	// Output:
	// OOV skip: Spearman 0.800 Pearson 0.997, 4 of 5 pairs used, 20% OOV
	// OOV zero: Spearman 0.900 Pearson 0.990, 5 of 5 pairs used, 20% OOV
}

func ExampleScoreAnalogies() {
	secs, err := embedding.ReadAnalogies(strings.NewReader(`: royals
man king woman queen
man prince woman princess
: fruit
apple banana king queen
apple kiwi man woman
`), "questions.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := embedding.ScoreAnalogies(embedding.NewSpace(toy()), secs, "questions.txt", embedding.EvalOptions{})
	fmt.Printf("%d questions, %d OOV, cut-off %d words\n", r.Questions, r.OOV, r.Restrict)
	for _, m := range r.Methods {
		fmt.Printf("%v:", m.Method)
		for _, s := range append(m.Sections, m.Overall) {
			fmt.Printf(" %s %d/%d", s.Name, s.Correct, s.Scored)
		}
		fmt.Println()
	}
	// Output:
	// 4 questions, 1 OOV, cut-off 8 words
	// 3cosadd: royals 1/2 fruit 0/1 Total accuracy 1/3
	// 3cosmul: royals 1/2 fruit 1/1 Total accuracy 2/3
}

// Malformed evaluation files are errors naming the file and the line.
func ExampleReadPairs_errors() {
	_, err := embedding.ReadPairs(strings.NewReader("tiger\tcat\t7.35\ntiger\ttiger\tten\n"), "ws.tsv")
	fmt.Println(err)
	_, err = embedding.ReadAnalogies(strings.NewReader(": family\nboy girl brother\n"), "q.txt")
	fmt.Println(err)
	// Output:
	// embedding: ws.tsv line 2: score "ten" is not a number
	// embedding: q.txt line 2: want 4 words (a b c d: a is to b as c is to d), got 3
}
