"""umap-learn's equivalents of Experiments/mixed-types.yaml, measured the same way as mbench.

    MBENCH_MIRROR=/work/shared/datasets /work/refenv/bin/python Tools/mixed_types_umap_learn.py [--out FILE.json]

For each panel of the experiment it builds the same blocks (same encodings, same missing-value
policy: medians for numbers, "NA" as its own value for categories and a missing label = -1) and
combines them the way umap-learn offers:
  - numeric ∩ island, position ∩ state: supervised fit, y = the category codes,
    target_metric categorical, target_weight 0.5 (umap-learn's far-distance rule);
  - bill ∪ body, position ∪ name: model_a + model_b;  position ∩ name: model_a * model_b;
  - levenshtein and Gower: metric="precomputed" on the full distance matrix (umap-learn has
    neither metric built in for strings / mixed columns).
Every fit uses n_neighbors 30 for the penguins and 15 for the airports (10 for the name block), as
in the spec, and random_state 42. The spec's "position ∩ name, weight 0.25" has no equivalent:
umap-learn's `*` fixes the weight at 0.5.
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
import umap
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors

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


def fit(x, y=None, n_neighbors=15, **kw):
    return umap.UMAP(random_state=42, n_neighbors=n_neighbors, **kw).fit(x, y=y)


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
    bill = fit(num[:, :2], n_neighbors=30)
    body = fit(num[:, 2:], n_neighbors=30)
    panels = {
        "penguins: numeric": lambda: fit(num, n_neighbors=30).embedding_,
        "penguins: numeric ∩ island": lambda: fit(num, n_neighbors=30, y=island, target_metric="categorical", target_weight=0.5).embedding_,
        "penguins: bill ∪ body": lambda: (bill + body).embedding_,
        "penguins: Gower": lambda: fit(gower, n_neighbors=30, metric="precomputed").embedding_,
        "penguins: one-hot euclidean": lambda: fit(encoded, n_neighbors=30).embedding_,
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
    position = fit(rad, metric="haversine")
    name_model = fit(lev, metric="precomputed", n_neighbors=10)
    panels = {
        "airports: position": lambda: position.embedding_,
        "airports: name": lambda: name_model.embedding_,
        "airports: position ∩ state": lambda: fit(rad, metric="haversine", y=state, target_metric="categorical",
                                                  target_weight=0.5).embedding_,
        "airports: position ∪ name": lambda: (position + name_model).embedding_,
        "airports: position ∩ name": lambda: (position * name_model).embedding_,
        "airports: Gower": lambda: fit(gower, metric="precomputed").embedding_,
        "airports: one-hot euclidean": lambda: fit(encoded).embedding_,
    }
    return panels, blocks, encoded, labels


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
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    results = {"umap_learn_version": umap.__version__, "panels": {}}
    for make in (penguins, airports):
        panels, blocks, encoded, labels = make()
        for label, embed in panels.items():
            start = time.time()
            embedding = embed()
            seconds = time.time() - start
            metrics = measure(embedding, blocks, encoded, labels)
            metrics["seconds"] = seconds
            results["panels"][label] = metrics
            print(label, {k: round(v, 4) for k, v in metrics.items()}, flush=True)
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
