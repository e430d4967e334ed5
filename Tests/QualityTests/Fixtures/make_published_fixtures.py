"""Generates published.json: a small seeded input and reference values of the measures of
issue 18 from their published implementations, for Tests/QualityTests/PublishedMeasureTests.
Run from this folder: /work/refenv/bin/python make_published_fixtures.py
(zadu 0.5.4, pyDRMetrics 0.0.8, scikit-learn 1.9.1, scipy 1.17.1, numpy 2.4.6).

Sources of each reference value:
- normalized-stress, scale-normalized-stress, shepard-correlation, neighborhood-hit@k: ZADU
  (Jeon et al. 2023) `zadu.measures.{stress, scale_normalized_stress, spearman_rho, neighborhood_hit}`;
- qnx@K: pyDRMetrics' co-ranking `QNN`, rescaled by (n-1)/n: pyDRMetrics divides by K (n-1)
  where Lee & Verleysen's Q_NX divides by K n (asserted against a direct computation below);
- rnx-auc: Lee, Peluffo-Ordonez & Verleysen 2015, computed from pyDRMetrics' co-ranking matrix;
- knc@k: Kobak & Berens 2019's `embedding_quality` (class means, sklearn NearestNeighbors),
  reproduced line by line below;
- triplet-accuracy: the PaCMAP paper's `random_triplet_eval` comparison (d(i,j) < d(i,l) in
  both spaces), evaluated over every anchor and unordered pair instead of random draws.
"""
import json
import numpy as np
from scipy.spatial.distance import pdist, squareform
from sklearn.neighbors import NearestNeighbors
from zadu.measures import stress, scale_normalized_stress, spearman_rho, neighborhood_hit
from pyDRMetrics.pyDRMetrics import DRMetrics

rng = np.random.default_rng(20261202)
n, d, classes = 150, 20, 6
centers = rng.normal(scale=2.5, size=(classes, d))
labels = rng.integers(0, classes, size=n)
# Float32-representable values so the Swift side (Float storage) sees identical inputs.
X = (centers[labels] + rng.normal(size=(n, d))).astype(np.float32).astype(np.float64)
Y = (X @ rng.normal(scale=0.4, size=(d, 2)) + 0.8 * rng.normal(size=(n, 2))).astype(np.float32).astype(np.float64)

out = {"n": n, "d": d, "data": X.ravel().tolist(), "embedding": Y.ravel().tolist(), "labels": labels.tolist()}
out["normalized_stress"] = float(stress.measure(X, Y)["stress"])
out["scale_normalized_stress"] = float(scale_normalized_stress.measure(X, Y)["scale_normalized_stress"])
out["shepard_correlation"] = float(spearman_rho.measure(X, Y)["spearman_rho"])
out["neighborhood_hit"] = {str(k): float(neighborhood_hit.measure(Y, labels, k=k)["neighborhood_hit"]) for k in [1, 5, 10, 20]}

# Co-ranking.
drm = DRMetrics(X, Y)
Q = drm.Q[1:, 1:]  # q_kl for ranks k, l = 1 .. n-1
DX, DY = squareform(pdist(X)), squareform(pdist(Y))


def knn_sets(D, k):
    D = D.copy()
    np.fill_diagonal(D, np.inf)
    return np.argsort(D, axis=1, kind="stable")[:, :k]


qnx = {}
for K in [1, 5, 15, 40, 100]:
    value = drm.QNN[K - 1] * (n - 1) / n
    direct = np.mean([len(set(a) & set(b)) for a, b in zip(knn_sets(DX, K), knn_sets(DY, K))]) / K
    assert abs(value - direct) < 1e-12, (K, value, direct)
    qnx[str(K)] = float(value)
out["qnx"] = qnx
Ks = np.arange(1, n - 1)  # 1 .. n-2
QNX = np.array([Q[:K, :K].sum() / (K * n) for K in Ks])
RNX = ((n - 1) * QNX - Ks) / (n - 1 - Ks)
out["rnx_auc"] = float(np.sum(RNX / Ks) / np.sum(1.0 / Ks))


# KNC, Kobak & Berens 2019 (rnaseqTsne's embedding_quality, the mnn_global part).
def knc(X, Z, classes, knn_classes):
    cl, cl_inv = np.unique(classes, return_inverse=True)
    C = cl.size
    mu1 = np.zeros((C, X.shape[1]))
    mu2 = np.zeros((C, Z.shape[1]))
    for c in range(C):
        mu1[c, :] = np.mean(X[cl_inv == c, :], axis=0)
        mu2[c, :] = np.mean(Z[cl_inv == c, :], axis=0)
    ind1 = NearestNeighbors(n_neighbors=knn_classes).fit(mu1).kneighbors(return_distance=False)
    ind2 = NearestNeighbors(n_neighbors=knn_classes).fit(mu2).kneighbors(return_distance=False)
    intersections = 0.0
    for i in range(C):
        intersections += len(set(ind1[i]) & set(ind2[i]))
    return intersections / C / knn_classes


out["knc"] = {str(k): float(knc(X, Y, labels, k)) for k in [1, 2, 3, 4]}

# Random-triplet accuracy over every triplet (PaCMAP's comparison rule).
agree = 0
total = 0
for i in range(n):
    others = np.array([j for j in range(n) if j != i])
    dx, dy = DX[i, others], DY[i, others]
    jj, ll = np.triu_indices(len(others), k=1)
    agree += int(np.sum((dx[jj] < dx[ll]) == (dy[jj] < dy[ll])))
    total += len(jj)
assert total == n * (n - 1) * (n - 2) // 2
out["triplet_accuracy"] = agree / total

json.dump(out, open("published.json", "w"), indent=0)
print("wrote published.json", {k: v for k, v in out.items() if k not in ("data", "embedding", "labels")})
