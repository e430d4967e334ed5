"""Fixtures for FuzzySetAlgebraTests: umap-learn's fuzzy-set combination on small hand-made graphs.

Run with the reference environment (umap-learn 0.5.x):
    /work/refenv/bin/python Tests/EmbeddingTests/Fixtures/make_fuzzy_set_fixtures.py
Writes fuzzy_set_algebra.json beside this script. Every graph is given densely (n x n, 0 = no entry).
"""
import json
import os

import numpy as np
import scipy.sparse
import umap
from umap.umap_ import (
    discrete_metric_simplicial_set_intersection,
    general_simplicial_set_intersection,
    general_simplicial_set_union,
    reset_local_connectivity,
)


def dense(m):
    return np.asarray(m.toarray(), dtype=np.float64).round(12).tolist()


def sym_graph(rng, n, density):
    """A symmetric fuzzy set: random memberships in (0, 1] on a random symmetric pattern, no diagonal."""
    a = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            if rng.random() < density:
                a[i, j] = a[j, i] = rng.uniform(0.05, 1.0)
    # every point has at least one edge
    for i in range(n):
        if not a[i].any():
            j = (i + 1) % n
            a[i, j] = a[j, i] = rng.uniform(0.05, 1.0)
    return scipy.sparse.csr_matrix(a)


def main():
    rng = np.random.default_rng(17)
    cases = []
    for case, (n, dl, dr) in enumerate([(6, 0.5, 0.5), (8, 0.3, 0.6), (7, 0.7, 0.2)]):
        left = sym_graph(rng, n, dl)
        right = sym_graph(rng, n, dr)
        labels = rng.integers(0, 3, size=n)
        labels[0] = -1  # one unlabelled point
        codes = rng.integers(0, 2, size=(n, 2)).astype(np.float64)
        entry = {"n": n, "left": dense(left), "right": dense(right), "labels": labels.tolist(),
                 "codes": codes.astype(int).tolist()}
        # Every call gets fresh copies: with right_complement umap-learn writes the result into
        # the left matrix's own data array (tocoo() shares it), which would corrupt later cases.
        L, R = (lambda: left.copy()), (lambda: right.copy())
        entry["intersection"] = {}
        for w in (0.5, 0.3, 0.8):
            entry["intersection"][str(w)] = dense(general_simplicial_set_intersection(L(), R(), weight=w).tocsr())
        entry["difference"] = dense(
            general_simplicial_set_intersection(L(), R(), weight=0.5, right_complement=True).tocsr())
        entry["union"] = dense(general_simplicial_set_union(L(), R()).tocsr())
        entry["reset"] = dense(reset_local_connectivity(L().tocoo(), False).tocsr())
        entry["reset_metric"] = dense(reset_local_connectivity(L().tocoo(), True).tocsr())
        # Model algebra exactly as UMAP.__mul__, __add__, __sub__ build the combined graph.
        entry["model_product"] = dense(reset_local_connectivity(
            general_simplicial_set_intersection(L(), R(), 0.5), True).tocsr())
        entry["model_sum"] = dense(reset_local_connectivity(
            general_simplicial_set_union(L(), R()), True).tocsr())
        entry["model_difference"] = dense(reset_local_connectivity(
            general_simplicial_set_intersection(L(), R(), weight=0.5, right_complement=True), False).tocsr())
        # Supervised UMAP: categorical labels (far_dist from target_weight 0.5) and a metric target.
        entry["label_intersection"] = dense(discrete_metric_simplicial_set_intersection(
            L(), labels, far_dist=2.5 * (1.0 / (1.0 - 0.5))).tocsr())
        entry["hamming_intersection"] = dense(discrete_metric_simplicial_set_intersection(
            L(), codes, metric="hamming", metric_scale=5.0).tocsr())
        cases.append(entry)
    out = {"umap_learn_version": umap.__version__, "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzzy_set_algebra.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", path)


if __name__ == "__main__":
    main()
