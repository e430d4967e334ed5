"""Reference runs for issue 18's HDBSCAN and Laplacian-eigenmaps measurements (README numbers).

  python Tools/methods_reference_runs.py prepare DIR     # DIR/mnist20k.npy (first 20 000 MNIST
                                                          # training images / 255) and labels
  python Tools/methods_reference_runs.py hdbscan Y.npy OURS.json MCS MS   # the hdbscan package on
                                                          # Y.npy, timed: its default (Boruvka, approximate
                                                          # spanning tree), approx_min_span_tree=False and
                                                          # algorithm="generic"; ARI against our labels
  python Tools/methods_reference_runs.py hdbscan-alternating Y.npy MBENCH MCS MS ROUNDS
                                                          # ROUNDS rounds of: `MBENCH cluster --method hdbscan`
                                                          # (its in-process seconds), the package's default,
                                                          # its exact Boruvka (approx_min_span_tree=False);
                                                          # times, ratios ours / package, ARI
  python Tools/methods_reference_runs.py spectral X.npy K OUT.npy       # scikit-learn's
                                                          # SpectralEmbedding(n_neighbors=K), timed

Needs numpy, scikit-learn and hdbscan (pip install hdbscan); MBENCH_MIRROR points at the
MNIST folder's parent (the IDX files)."""
import gzip
import json
import os
import sys
import time

import numpy as np


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    command = sys.argv[1]
    if command == "prepare":
        out = sys.argv[2]
        root = os.path.join(os.environ["MBENCH_MIRROR"], "mnist")
        X = idx(os.path.join(root, "train-images-idx3-ubyte.gz"))[:20000].reshape(20000, -1).astype(np.float32) / 255
        y = idx(os.path.join(root, "train-labels-idx1-ubyte.gz"))[:20000].astype(np.int64)
        np.save(os.path.join(out, "mnist20k.npy"), X)
        np.save(os.path.join(out, "mnist20k-labels.npy"), y)
    elif command == "hdbscan":
        import hdbscan
        from sklearn.metrics import adjusted_rand_score
        Y = np.load(sys.argv[2]).astype(np.float64)
        ours = np.array(json.load(open(sys.argv[3]))["result"]["labels"])
        mcs, ms = int(sys.argv[4]), int(sys.argv[5])
        start = time.perf_counter()
        labels = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms).fit(Y).labels_
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        exact_tree = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms, approx_min_span_tree=False).fit(Y).labels_
        exact_tree_seconds = time.perf_counter() - start
        start = time.perf_counter()
        generic = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms, algorithm="generic").fit(Y).labels_
        generic_seconds = time.perf_counter() - start
        print(json.dumps({"package_seconds": seconds, "package_clusters": int(labels.max() + 1),
                          "package_noise": int((labels < 0).sum()), "ari_ours_vs_package": adjusted_rand_score(labels, ours),
                          "identical": bool((labels == ours).all()), "generic_seconds": generic_seconds,
                          "exact_tree_seconds": exact_tree_seconds,
                          "ari_ours_vs_exact_tree": adjusted_rand_score(exact_tree, ours),
                          "ari_ours_vs_generic": adjusted_rand_score(generic, ours)}))
    elif command == "hdbscan-alternating":
        import subprocess
        import hdbscan
        from sklearn.metrics import adjusted_rand_score
        path, mbench, mcs, ms, rounds = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        Y = np.load(path).astype(np.float64)
        rows = []
        for r in range(rounds):
            out = subprocess.run([mbench, "cluster", "--input", path, "--method", "hdbscan", "--min-cluster-size", str(mcs),
                                  "--min-samples", str(ms)], check=True, capture_output=True, text=True).stdout
            ours = json.loads(out)
            labels = np.array(ours["result"]["labels"])
            start = time.perf_counter()
            default = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms).fit(Y).labels_
            default_seconds = time.perf_counter() - start
            start = time.perf_counter()
            exact = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms, approx_min_span_tree=False).fit(Y).labels_
            exact_seconds = time.perf_counter() - start
            row = {"round": r + 1, "ours_seconds": ours["seconds"], "package_default_seconds": default_seconds,
                   "package_exact_seconds": exact_seconds, "ratio_ours_over_default": ours["seconds"] / default_seconds,
                   "ratio_ours_over_exact": ours["seconds"] / exact_seconds,
                   "ari_ours_vs_default": adjusted_rand_score(default, labels),
                   "ari_ours_vs_exact": adjusted_rand_score(exact, labels)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    elif command == "spectral":
        from sklearn.manifold import SpectralEmbedding
        X = np.load(sys.argv[2])
        k = int(sys.argv[3])
        start = time.perf_counter()
        Y = SpectralEmbedding(n_components=2, affinity="nearest_neighbors", n_neighbors=k, random_state=0).fit_transform(X)
        print(json.dumps({"seconds": time.perf_counter() - start}))
        np.save(sys.argv[4], Y.astype(np.float32))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
