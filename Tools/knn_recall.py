"""Sampled recall of a saved kNN index array (n × k, self first) against exact Euclidean
neighbours on Fashion-MNIST / MNIST (train + t10k, pixels / 255).

    python3 Tools/knn_recall.py --dir ../shared/datasets/fashion-mnist --knn /tmp/ul_s42_knn.npy
"""
import argparse

import numpy as np

from umap_learn_fashion import load


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--knn", required=True)
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    x, _ = load(a.dir, 70000)
    idx = np.load(a.knn)
    k = idx.shape[1]
    q = np.random.default_rng(a.seed).choice(x.shape[0], a.queries, replace=False)
    sq = (x * x).sum(1)
    hits = 0
    for i in q:
        d = sq - 2 * x @ x[i] + sq[i]
        d[i] = -1  # self first
        exact = np.argpartition(d, k)[:k]
        hits += len(set(exact.tolist()) & set(idx[i].tolist()))
    print(f"recall@{k} ({a.queries} queries): {hits / (a.queries * k):.4f}")


if __name__ == "__main__":
    main()
