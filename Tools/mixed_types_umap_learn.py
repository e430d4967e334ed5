"""umap-learn's equivalents of Experiments/mixed-types.yaml, measured the same way as mbench.

    MBENCH_MIRROR=/work/shared/datasets /work/refenv/bin/python Tools/mixed_types_umap_learn.py \
        [--seeds 42 43 44 45 46] [--out FILE.json]

For each panel of the experiment it builds the same blocks (same encodings, same missing-value
policy: medians for numbers, "NA" as its own value for categories and a missing label = -1) and
combines them the way umap-learn offers:
  - numeric ∩ island, position ∩ state: supervised fit, y = the category codes,
    target_metric categorical, target_weight 0.5 (umap-learn's far-distance rule);
  - bill ∪ body, position ∪ name: model_a + model_b;  position ∩ name: model_a * model_b;
  - levenshtein and Gower: metric="precomputed" on the full distance matrix (umap-learn has
    neither metric built in for strings / mixed columns).
Every fit uses n_neighbors 30 for the penguins and 15 for the airports (10 for the name block), as
in the spec, and random_state = the seed. `*` and `+` are done step by step as UMAP.__mul__ and
__add__ do them (`combined`), because the operators lay the result out with random_state 42
whatever the models' seeds; with seed 42 the step-by-step result is checked to equal the
operator's. The spec's "position ∩ name, weight 0.25" has no operator (`*` fixes the weight at
0.5): it is umap-learn's general_simplicial_set_intersection at weight 0.25, laid out as `*` does.
Measured as mbench measures: 10-NN leave-one-out accuracy (uniform vote, ties to the smallest
label, neighbour ties to the lower index), trustworthiness@15 (scikit-learn's formula) on the
standardised / one-hot encoding of the non-text columns and under each block's own distance,
and the 10-NN accuracy of each categorical block's values.
"""
import argparse
import csv
import json
import os
import time

import numba
import numpy as np
import scipy.sparse.csgraph
import umap
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state
from umap.umap_ import (general_simplicial_set_intersection, general_simplicial_set_union, reset_local_connectivity,
                        simplicial_set_embedding)

MISSING = {"", "NA", "NaN"}


def read_table(name):
    mirror = os.environ.get("MBENCH_MIRROR", "/work/shared/datasets")
    with open(os.path.join(mirror, "tables", name + ".csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return {h: [r[c].strip() for r in body] for c, h in enumerate(header)}


def numeric(cells):
    present = [float(c) for c in cells if c not in MISSING]
    median = float(np.median(present))
    return np.array([float(c) if c not in MISSING else median for c in cells])


def codes(cells):
    values = [c if c not in MISSING else "NA" for c in cells]
    levels = sorted(set(values))
    index = {v: i for i, v in enumerate(levels)}
    return np.array([index[v] for v in values])


def label_codes(cells):
    levels = sorted(set(c for c in cells if c not in MISSING))
    index = {v: i for i, v in enumerate(levels)}
    return np.array([index.get(c, -1) for c in cells])


def standardize(x):
    x = np.asarray(x, dtype=np.float64)
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def one_hot(c):
    return np.eye(c.max() + 1)[c]


@numba.njit(parallel=True)
def levenshtein_matrix(chars, lengths):
    n = lengths.shape[0]
    out = np.zeros((n, n), dtype=np.float64)
    for i in numba.prange(n):
        a = chars[i, : lengths[i]]
        prev = np.empty(chars.shape[1] + 1, dtype=np.int64)
        cur = np.empty(chars.shape[1] + 1, dtype=np.int64)
        for j in range(i + 1, n):
            b = chars[j, : lengths[j]]
            for q in range(len(b) + 1):
                prev[q] = q
            for p in range(1, len(a) + 1):
                cur[0] = p
                for q in range(1, len(b) + 1):
                    sub = prev[q - 1] + (0 if a[p - 1] == b[q - 1] else 1)
                    cur[q] = min(sub, min(prev[q], cur[q - 1]) + 1)
                for q in range(len(b) + 1):
                    prev[q] = cur[q]
            out[i, j] = prev[len(b)]
            out[j, i] = prev[len(b)]
    return out


def levenshtein(strings):
    width = max(len(s) for s in strings)
    chars = np.zeros((len(strings), width), dtype=np.int64)
    for i, s in enumerate(strings):
        chars[i, : len(s)] = [ord(ch) for ch in s]
    return levenshtein_matrix(chars, np.array([len(s) for s in strings]))


def haversine_matrix(rad):
    lat, lon = rad[:, :1], rad[:, 1:]
    s_lat = np.sin(0.5 * (lat.T - lat))
    s_lon = np.sin(0.5 * (lon.T - lon))
    h = s_lat ** 2 + np.cos(lat) * np.cos(lat.T) * s_lon ** 2
    return 2 * np.arcsin(np.minimum(1, np.sqrt(h)))


def gower_matrix(numeric_cols, code_cols):
    n = len(numeric_cols[0]) if numeric_cols else len(code_cols[0])
    total = np.zeros((n, n))
    for v in numeric_cols:
        lo, hi = v.min(), v.max()
        s = (v - lo) / (hi - lo) if hi > lo else np.zeros_like(v)
        s = s.astype(np.float32).astype(np.float64)
        total += np.abs(s[:, None] - s[None, :])
    for c in code_cols:
        total += (c[:, None] != c[None, :])
    return total / (len(numeric_cols) + len(code_cols))


def knn_accuracy(embedding, labels, k=10):
    nn = NearestNeighbors(n_neighbors=k + 1).fit(embedding)
    _, idx = nn.kneighbors(embedding)
    correct = 0
    for i in range(len(labels)):
        neighbours = [j for j in idx[i] if j != i][:k]
        votes = {}
        for j in neighbours:
            votes[labels[j]] = votes.get(labels[j], 0) + 1
        best = max(votes.values())
        correct += min(l for l, v in votes.items() if v == best) == labels[i]
    return correct / len(labels)


def fit(x, seed, y=None, n_neighbors=15, **kw):
    return umap.UMAP(random_state=seed, n_neighbors=n_neighbors, **kw).fit(x, y=y)


def combined(a, b, seed, op="*", weight=0.5):
    """model_a * model_b (op "*", at `weight`) or model_a + model_b (op "+") as UMAP.__mul__ / __add__
    build it, laid out with random_state `seed` (the operators use 42)."""
    if op == "*":
        graph = general_simplicial_set_intersection(a.graph_, b.graph_, weight)
    else:
        graph = general_simplicial_set_union(a.graph_, b.graph_)
    graph = reset_local_connectivity(graph, True)
    init = "random" if scipy.sparse.csgraph.connected_components(graph)[0] > 1 else "spectral"
    embedding, _ = simplicial_set_embedding(
        None, graph, 2, 1.0, np.mean([a._a, b._a]), np.mean([a._b, b._b]), 1.0, 5, None, init,
        check_random_state(seed), "euclidean", {}, False,
        {"lambda": 2.0, "frac": 0.3, "var_shift": 0.1, "n_neighbors": max(a.n_neighbors, b.n_neighbors)},
        False, parallel=False)
    return embedding


def check_combined(a, b):
    """The step-by-step `combined` equals the operators at random_state 42."""
    for op, result in (("*", a * b), ("+", a + b)):
        assert np.array_equal(combined(a, b, 42, op), result.embedding_), f"combined {op} differs from umap-learn's operator"


def penguins():
    t = read_table("penguins")
    cols = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    raw = {c: numeric(t[c]) for c in cols}
    num = np.column_stack([standardize(raw[c]) for c in cols])
    island = codes(t["island"])
    species = label_codes(t["species"])
    encoded = np.column_stack([num, one_hot(island)])
    gower = gower_matrix([raw[c] for c in cols], [island])
    blocks = {"numeric": ("euclidean", num), "island": ("categorical", island)}

    def bill_body(seed):
        bill, body = fit(num[:, :2], seed, n_neighbors=30), fit(num[:, 2:], seed, n_neighbors=30)
        if seed == 42:
            check_combined(bill, body)
        return combined(bill, body, seed, "+")

    panels = {
        "penguins: numeric": lambda seed: fit(num, seed, n_neighbors=30).embedding_,
        "penguins: numeric ∩ island": lambda seed: fit(num, seed, n_neighbors=30, y=island, target_metric="categorical",
                                                       target_weight=0.5).embedding_,
        "penguins: bill ∪ body": bill_body,
        "penguins: Gower": lambda seed: fit(gower, seed, n_neighbors=30, metric="precomputed").embedding_,
        "penguins: one-hot euclidean": lambda seed: fit(encoded, seed, n_neighbors=30).embedding_,
    }
    return panels, blocks, encoded, species


def airports():
    t = read_table("airports")
    lat, lon = numeric(t["latitude"]), numeric(t["longitude"])
    rad = np.column_stack([lat, lon]) * np.pi / 180
    rad = rad.astype(np.float32).astype(np.float64)
    state = codes(t["state"])
    labels = label_codes(t["state"])
    names = [c if c not in MISSING else "NA" for c in t["name"]]
    lev = levenshtein(names)
    encoded = np.column_stack([standardize(lat), standardize(lon), one_hot(state)])
    gower = gower_matrix([lat, lon], [state])
    blocks = {"position": ("precomputed", haversine_matrix(rad)), "state": ("categorical", state),
              "name": ("precomputed", lev)}
    models = {}

    def position(seed):
        if ("position", seed) not in models:
            models["position", seed] = fit(rad, seed, metric="haversine")
        return models["position", seed]

    def name_model(seed):
        if ("name", seed) not in models:
            models["name", seed] = fit(lev, seed, metric="precomputed", n_neighbors=10)
        return models["name", seed]

    def with_names(seed, op, weight=0.5):
        if seed == 42 and op == "*" and weight == 0.5:
            check_combined(position(seed), name_model(seed))
        return combined(position(seed), name_model(seed), seed, op, weight)

    panels = {
        "airports: position": lambda seed: position(seed).embedding_,
        "airports: name": lambda seed: name_model(seed).embedding_,
        "airports: position ∩ state": lambda seed: fit(rad, seed, metric="haversine", y=state, target_metric="categorical",
                                                       target_weight=0.5).embedding_,
        "airports: position ∪ name": lambda seed: with_names(seed, "+"),
        "airports: position ∩ name, weight 0.25": lambda seed: with_names(seed, "*", 0.25),
        "airports: position ∩ name": lambda seed: with_names(seed, "*"),
        "airports: Gower": lambda seed: fit(gower, seed, metric="precomputed").embedding_,
        "airports: one-hot euclidean": lambda seed: fit(encoded, seed).embedding_,
    }
    return panels, blocks, encoded, labels


def position_min_dist(values):
    """The airports' position block alone at each min_dist (Experiments/airports-min-dist.yaml)."""
    t = read_table("airports")
    lat, lon = numeric(t["latitude"]), numeric(t["longitude"])
    rad = (np.column_stack([lat, lon]) * np.pi / 180).astype(np.float32).astype(np.float64)
    state = codes(t["state"])
    encoded = np.column_stack([standardize(lat), standardize(lon), one_hot(state)])
    blocks = {"position": ("precomputed", haversine_matrix(rad)), "state": ("categorical", state)}
    panels = {f"airports: position, min_dist {d}": (lambda seed, d=d: fit(rad, seed, metric="haversine", min_dist=d).embedding_)
              for d in values}
    return panels, blocks, encoded, label_codes(t["state"])


def measure(embedding, blocks, encoded, labels):
    out = {"knn-accuracy@10": knn_accuracy(embedding, labels),
           "trustworthiness@15": trustworthiness(encoded, embedding, n_neighbors=15)}
    for name, (metric, values) in blocks.items():
        if metric == "categorical":
            out[f"knn-accuracy@10[{name}]"] = knn_accuracy(embedding, values)
        elif metric == "precomputed":
            out[f"trustworthiness@15[{name}]"] = trustworthiness(values, embedding, n_neighbors=15, metric="precomputed")
        else:
            out[f"trustworthiness@15[{name}]"] = trustworthiness(values, embedding, n_neighbors=15, metric=metric)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[42])
    parser.add_argument("--position-min-dist", type=float, nargs="+", default=None,
                        help="only the airports' position block, at these min_dist (Experiments/airports-min-dist.yaml)")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    results = {"umap_learn_version": umap.__version__, "seeds": args.seeds, "panels": {}}
    makers = (penguins, airports) if args.position_min_dist is None else (lambda: position_min_dist(args.position_min_dist),)
    for make in makers:
        panels, blocks, encoded, labels = make()
        for label, embed in panels.items():
            for seed in args.seeds:
                start = time.time()
                embedding = embed(seed)
                seconds = time.time() - start
                metrics = measure(embedding, blocks, encoded, labels)
                metrics["seconds"] = seconds
                results["panels"].setdefault(label, {})[str(seed)] = metrics
                print(label, seed, {k: round(v, 4) for k, v in metrics.items()}, flush=True)
        if args.position_min_dist is not None:
            continue
        # input-space accuracy of the label under each block's own distance (the "space itself" numbers)
        for name, (metric, values) in blocks.items():
            if metric == "precomputed":
                d = values.copy()
                np.fill_diagonal(d, np.inf)
                order = np.argsort(d, axis=1, kind="stable")[:, :10]
                acc = np.mean([np.bincount(labels[o] + 1).argmax() - 1 == labels[i] for i, o in enumerate(order)])
                results.setdefault("input_space", {})[f"{make.__name__}: knn-accuracy@10 in {name} distances"] = float(acc)
                print(f"{make.__name__}: input-space 10-NN label accuracy under {name}: {acc:.4f}", flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
