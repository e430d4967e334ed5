"""Fixtures for UMAPBlocksTests: umap-learn's model algebra on fitted models.

Run with the reference environment (umap-learn 0.5.x):
    /work/refenv/bin/python Tests/EmbeddingTests/Fixtures/make_fitted_model_fixtures.py
Writes fitted_model_algebra.json beside this script.

Two views of the same 60 points are fitted as ordinary umap-learn models (exact neighbours below
4 096 points, 500 epochs). Fitting lays each graph out, and the layout sets every weight below
max/n_epochs to an explicit 0 inside the model's own graph_ (a COO view sharing the data array), so
`model_a * model_b` combines graphs with stored zeros: the fuzzy-set floors become 1e-8 and a pruned
entry counts as membership 0. Recorded: each fitted graph_ as (i, j, w) triplets, zeros included,
and the combined graphs exactly as UMAP.__mul__ / __add__ build them before their own layout.
"""
import json
import os

import numpy as np
import scipy.sparse
import umap
from umap.umap_ import general_simplicial_set_intersection, general_simplicial_set_union, reset_local_connectivity


def triplets(m):
    c = m.tocoo()
    order = np.lexsort((c.col, c.row))
    return [[int(c.row[k]), int(c.col[k]), float(c.data[k])] for k in order]


def dense(m):
    return np.asarray(m.toarray(), dtype=np.float64).tolist()  # not rounded: memberships as small as 1e-31 matter for the pattern


def views(rng, n):
    """View a: twelve clusters of five points (sd 0.3), so a point's memberships outside its cluster
    are tiny and some fall below max/500; view b: a noisy ring."""
    a = np.concatenate([rng.normal(rng.uniform(-5, 5, size=2), 0.3, size=(5, 2)) for _ in range(n // 5)])
    angle = rng.uniform(0, 2 * np.pi, size=n)
    b = np.column_stack([np.cos(angle), np.sin(angle)]) * rng.uniform(0.5, 2.0, size=(n, 1))
    # Three decimals, then float32: the same numbers in Swift.
    return a.round(3).astype(np.float32), b.round(3).astype(np.float32)


def main():
    rng = np.random.default_rng(23)
    n, k = 60, 8
    xa, xb = views(rng, n)
    ma = umap.UMAP(n_neighbors=k, random_state=0).fit(xa)
    mb = umap.UMAP(n_neighbors=k, random_state=0).fit(xb)
    ga, gb = ma.graph_.tocsr(), mb.graph_.tocsr()
    assert (ga.data == 0).any(), "no pruned entries: the fixture would not test them"
    product = reset_local_connectivity(general_simplicial_set_intersection(ga.copy(), gb.copy(), 0.5), True)
    weighted = reset_local_connectivity(general_simplicial_set_intersection(ga.copy(), gb.copy(), 0.25), True)
    total = reset_local_connectivity(general_simplicial_set_union(ga.copy(), gb.copy()), True)
    # The operator itself: its graph_ is the product, pruned in place by its own layout.
    operator = (ma * mb).graph_.tocsr()
    cut = product.max() / 500
    kept = product.tocsr().copy()
    kept.data[kept.data < cut] = 0
    kept.eliminate_zeros()
    operator.eliminate_zeros()
    assert abs(kept - operator).max() == 0, "model_a * model_b differs from the recorded product"
    out = {"umap_learn_version": umap.__version__, "n_neighbors": k, "epochs": 500,
           "a": xa.astype(np.float64).tolist(), "b": xb.astype(np.float64).tolist(),
           "a_fitted": triplets(ga), "b_fitted": triplets(gb),
           "product": dense(product), "intersection_0.25": dense(weighted), "sum": dense(total)}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fitted_model_algebra.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", path, "pruned entries:", int((ga.data == 0).sum()), int((gb.data == 0).sum()))


if __name__ == "__main__":
    main()
