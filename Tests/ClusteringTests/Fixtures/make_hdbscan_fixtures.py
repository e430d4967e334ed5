"""Generates hdbscan.json: small point sets and the `hdbscan` package's labels for them, for
Tests/ClusteringTests/HDBSCANTests. Run from this folder:
/work/refenv/bin/python make_hdbscan_fixtures.py   (hdbscan 0.8.44, scikit-learn 1.9.1)

The data follow the package's own tests (hdbscan/tests/test_hdbscan.py: make_blobs with
n_samples=200, random_state=10, standardised; make_moons with noise), plus blobs of unequal
density with uniform background noise. Coordinates are rounded to float32 so the Swift side
(Float storage) sees identical inputs. `hdbscan.HDBSCAN(algorithm="generic")` uses the exact
mutual-reachability matrix and is the reference; the ARI of the package's default "best"
algorithm (Boruvka on a kd-tree) against it is recorded too (ties in the mutual reachability
can make the two differ slightly).

`labels_stable_sort` runs the package's own generic pipeline step by step (its
mutual_reachability, mst_linkage_core, label, condense_tree, compute_stability, get_clusters)
with one change: the spanning-tree edges are sorted by weight with a *stable* sort. The package
uses numpy's default (unstable) argsort there, so the order of equal-weight edges, and with it
the hierarchy below ties, is numpy's choice; mutual reachability makes such ties common (a
point's core distance is the weight of every tree edge it dominates). ManifoldBench sorts
stably, and its labels equalled `labels_stable_sort` while its spanning tree was Prim's.

`labels_canonical` (what ManifoldBench's labels must equal exactly) runs the same pipeline on a
single-linkage hierarchy that does not depend on which minimum spanning tree was found nor on the
order of equal-weight edges (`canonical_linkage` below, HDBSCAN.singleLinkage on the Swift side):
within a group of edges of equal weight, each new component is formed by binary merges of its
parts, largest part first (ties: smallest point index first), new components in the order of their
smallest point index. `ari_best_vs_canonical` records the agreement with the package's default.
"""
import json
import numpy as np
import hdbscan
from hdbscan._hdbscan_linkage import label, mst_linkage_core
from hdbscan._hdbscan_reachability import mutual_reachability
from hdbscan._hdbscan_tree import compute_stability, condense_tree, get_clusters
from sklearn.metrics import pairwise_distances
from sklearn.datasets import make_blobs, make_moons
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import adjusted_rand_score

cases = []


def canonical_linkage(mst, n):
    """scipy-format linkage (left, right, distance, size) of spanning-tree rows (a, b, weight)."""
    mst = mst[np.argsort(mst[:, 2], kind="stable")]
    parent = list(range(2 * n - 1))
    size = [1] * n + [0] * (n - 1)
    smallest = list(range(n)) + [0] * (n - 1)

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    rows, node, first = [], n, 0
    while first < len(mst):
        last = first
        while last < len(mst) and mst[last, 2] == mst[first, 2]:
            last += 1
        link = {}

        def top(r):
            while link[r] != r:
                r = link[r]
            return r

        for a, b, _ in mst[first:last]:
            ra, rb = find(int(a)), find(int(b))
            link.setdefault(ra, ra)
            link.setdefault(rb, rb)
            x, y = top(ra), top(rb)
            if x != y:
                link[max(x, y)] = min(x, y)
        groups = {}
        for r in link:
            groups.setdefault(top(r), []).append(r)
        ordered = sorted((sorted(g, key=lambda r: (-size[r], smallest[r])) for g in groups.values()),
                         key=lambda g: min(smallest[r] for r in g))
        for parts in ordered:
            joined = parts[0]
            for part in parts[1:]:
                rows.append((joined, part, mst[first, 2], size[joined] + size[part]))
                parent[joined] = parent[part] = node
                size[node] = size[joined] + size[part]
                smallest[node] = min(smallest[joined], smallest[part])
                joined, node = node, node + 1
        first = last
    return np.array(rows, dtype=np.float64)


def add(name, X, settings):
    X = np.asarray(X, dtype=np.float32).astype(np.float64)
    for mcs, ms, method in settings:
        generic = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms, cluster_selection_method=method,
                                  algorithm="generic").fit(X).labels_
        mst = mst_linkage_core(mutual_reachability(pairwise_distances(X, metric="minkowski", p=2), ms))
        tree = condense_tree(label(mst[np.argsort(mst.T[2], kind="stable"), :]), mcs)
        stable = get_clusters(tree, compute_stability(tree), method)[0]
        tree = condense_tree(canonical_linkage(mst, len(X)), mcs)
        canonical = get_clusters(tree, compute_stability(tree), method)[0]
        best = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms, cluster_selection_method=method).fit(X).labels_
        cases.append({"name": f"{name} mcs={mcs} ms={ms} {method}", "n": len(X), "d": X.shape[1],
                      "data": X.ravel().tolist(), "min_cluster_size": mcs, "min_samples": ms,
                      "selection": method, "labels": generic.tolist(), "labels_stable_sort": stable.tolist(),
                      "labels_canonical": canonical.tolist(),
                      "ari_best_vs_canonical": float(adjusted_rand_score(best, canonical)),
                      "ari_generic_vs_stable_sort": float(adjusted_rand_score(generic, stable)),
                      "ari_generic_vs_best": float(adjusted_rand_score(generic, best))})


X, _ = make_blobs(n_samples=200, random_state=10)
X = StandardScaler().fit_transform(X)
add("blobs", X, [(5, 5, "eom"), (5, 5, "leaf"), (10, 3, "eom"), (20, 1, "eom")])

M, _ = make_moons(n_samples=300, noise=0.06, random_state=3)
add("moons", StandardScaler().fit_transform(M), [(10, 5, "eom"), (15, 15, "eom"), (8, 4, "leaf")])

rng = np.random.default_rng(7)
B, _ = make_blobs(n_samples=[300, 150, 60], centers=[[0, 0], [6, 6], [-5, 7]], cluster_std=[1.0, 0.5, 0.3],
                  random_state=4)
noise = rng.uniform(-10, 12, size=(60, 2))
add("density", np.vstack([B, noise]), [(15, 10, "eom"), (25, 5, "eom"), (10, 10, "leaf")])

json.dump({"cases": cases}, open("hdbscan.json", "w"), indent=0)
for c in cases:
    labels = np.array(c["labels"])
    print(c["name"], "clusters", labels.max() + 1, "noise", int((labels < 0).sum()), "ARI best", c["ari_generic_vs_best"],
          "ARI stable sort", c["ari_generic_vs_stable_sort"], "ARI best vs canonical", c["ari_best_vs_canonical"])
