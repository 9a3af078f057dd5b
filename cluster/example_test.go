package cluster_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/latent-go/latent/cluster"
)

func Example() {
	// Six points in two obvious groups.
	x := []float32{
		0, 0, 0.2, 0, 0, 0.2,
		5, 5, 5.2, 5, 5, 5.2,
	}
	km, err := cluster.FitKMeans(x, 6, 2, cluster.KMeansConfig{K: 2}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		fmt.Println(err)
		return
	}
	same := km.Labels[0] == km.Labels[1] && km.Labels[1] == km.Labels[2] && km.Labels[3] == km.Labels[4] && km.Labels[4] == km.Labels[5]
	fmt.Printf("groups found: %v, inertia %.4f\n", same && km.Labels[0] != km.Labels[3], km.Inertia)

	sil, _ := cluster.Silhouette(x, 6, 2, km.Labels, cluster.SilhouetteOptions{})
	fmt.Printf("silhouette %.3f\n", sil)

	// Against known labels, whatever their names. (scikit-learn gives the
	// same: silhouette_score 0.9678, adjusted_rand_score -0.1111.)
	truth, _ := cluster.Codes([]string{"cat", "cat", "cat", "dog", "dog", "dog"})
	fmt.Printf("ARI %.3f, NMI %.3f\n", cluster.AdjustedRandIndex(truth, km.Labels), cluster.NMI(truth, km.Labels))
	fmt.Printf("ARI of a poor split %.3f\n", cluster.AdjustedRandIndex(truth, []int{0, 0, 1, 1, 0, 1}))
	// Output:
	// groups found: true, inertia 0.1067
	// silhouette 0.968
	// ARI 1.000, NMI 1.000
	// ARI of a poor split -0.111
}
