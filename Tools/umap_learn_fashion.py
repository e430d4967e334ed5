"""Run umap-learn on an MNIST-format directory (train + t10k gz IDX, pixels / 255)
and save the embedding as .npy, for evaluation with `mbench evaluate`.

    python3 Tools/umap_learn_fashion.py --dir ../shared/datasets/fashion-mnist \
        --seed 42 --out /tmp/fm_seed42.npy [--stats]
    python3 Tools/umap_learn_fashion.py --dir ... --parallel --out /tmp/fm_par1.npy

--seed N sets random_state (umap-learn then runs single-threaded and sequential);
--parallel leaves random_state unset (numba-parallel NN-descent and Hogwild SGD).
--stats prints intermediate pieces (edges, weight sum, sampling schedule, a/b)
for comparison with ours. Evaluate with the estimators of Sources/Quality:

    mbench evaluate --data <dir>/train-images-idx3-ubyte.gz --data <dir>/t10k-images-idx3-ubyte.gz \
        --labels <dir>/train-labels-idx1-ubyte.gz --labels <dir>/t10k-labels-idx1-ubyte.gz \
        --embedding /tmp/fm_seed42.npy --metric trustworthiness@15 --metric knn-accuracy@10 \
        --seed 42 --exact-limit 0 --queries 1000
"""
import argparse
import gzip
import time

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory, n):
    xs, ys = [], []
    for part in ("train", "t10k"):
        xs.append(read_idx(f"{directory}/{part}-images-idx3-ubyte.gz").reshape(-1, 784))
        ys.append(read_idx(f"{directory}/{part}-labels-idx1-ubyte.gz"))
    x = np.concatenate(xs)[:n].astype(np.float32) / 255
    return x, np.concatenate(ys)[:n].astype(np.int64)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--n", type=int, default=70000)
    p.add_argument("--seed", type=int)
    p.add_argument("--parallel", action="store_true")
    p.add_argument("--out", required=True)
    p.add_argument("--stats", action="store_true")
    a = p.parse_args()
    import umap
    x, y = load(a.dir, a.n)
    # JIT warm-up so the timing measures the algorithm.
    umap.UMAP(n_epochs=10, random_state=None if a.parallel else 0).fit(
        np.random.default_rng(0).random((300, 784), dtype=np.float32))
    model = umap.UMAP(random_state=None if a.parallel else a.seed)
    t = time.time()
    emb = model.fit_transform(x)
    print(f"fit {time.time() - t:.2f} s")
    np.save(a.out, emb.astype(np.float32))
    if a.stats:
        g = model.graph_.tocoo()
        print(f"a {model._a:.6f} b {model._b:.6f}")
        print(f"graph: edges {g.nnz}, weight sum {g.data.sum():.2f}, max {g.data.max():.6f}")
        kept = g.data[g.data >= g.data.max() / 200]
        print(f"edges kept (>= max/200): {kept.size}, samples per 200 epochs {(200 * kept / kept.max()).sum():.0f}")
        idx = model._knn_indices
        np.save(a.out.replace(".npy", "_knn.npy"), idx.astype(np.int32))


if __name__ == "__main__":
    main()
