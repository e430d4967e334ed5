"""Generates quality.json: small seeded inputs and scikit-learn / scipy reference values
for the Quality tests. Run from this folder: python3 make_fixtures.py
(scikit-learn 1.9.1, scipy; values depend only on the seeded inputs below)."""
import json
import numpy as np
from scipy.spatial import procrustes
from scipy.spatial.distance import pdist
from scipy.stats import spearmanr
from sklearn.manifold import trustworthiness
from sklearn.model_selection import LeaveOneOut, cross_val_predict
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

rng = np.random.default_rng(20261123)
n, d = 120, 24
# Float32-representable values so the Swift side (Float storage) sees identical inputs.
centers = rng.normal(scale=3.0, size=(3, d))
labels = rng.integers(0, 3, size=n)
X = (centers[labels] + rng.normal(size=(n, d))).astype(np.float32).astype(np.float64)
Y = (X[:, :2] + 3.0 * rng.normal(size=(n, 2))).astype(np.float32).astype(np.float64)
Y2 = (Y @ np.array([[0.6, -0.8], [0.8, 0.6]]) * 2.5 + 0.3 * rng.normal(size=(n, 2)) + 1.0).astype(np.float32).astype(np.float64)


def ranks_matrix(D):
    """r[i, j] = 1-based rank of j among the other points by distance from i."""
    D = D.copy()
    np.fill_diagonal(D, np.inf)
    order = np.argsort(D, axis=1, kind="stable")
    r = np.empty_like(order)
    m = D.shape[0]
    r[np.arange(m)[:, None], order] = np.arange(1, m + 1)[None, :]
    return r


def knn_sets(D, k):
    D = D.copy()
    np.fill_diagonal(D, np.inf)
    return np.argsort(D, axis=1, kind="stable")[:, :k]


def full_dist(A):
    return np.sqrt(((A[:, None, :] - A[None, :, :]) ** 2).sum(-1))


def direct_trust(DX, DY, k):
    """O(n^2) Venna-Kaski penalty sum: ranks in X of the k neighbours in Y."""
    rX = ranks_matrix(DX)
    nY = knn_sets(DY, k)
    m = DX.shape[0]
    pen = 0.0
    for i in range(m):
        for j in nY[i]:
            pen += max(0, rX[i, j] - k)
    return 1 - 2.0 / (m * k * (2 * m - 3 * k - 1)) * pen


DX, DY = full_dist(X), full_dist(Y)
out = {"n": n, "d": d, "data": X.ravel().tolist(), "embedding": Y.ravel().tolist(),
       "embedding2": Y2.ravel().tolist(), "labels": labels.tolist(), "trustworthiness": {},
       "continuity": {}, "preservation": {}, "knn_accuracy_loo": {}}
for k in [1, 5, 10, 15, 30]:
    t = trustworthiness(X, Y, n_neighbors=k)
    assert abs(t - direct_trust(DX, DY, k)) < 1e-12
    out["trustworthiness"][str(k)] = t
    # Continuity: ranks in the embedding of the k input neighbours (roles exchanged).
    c = direct_trust(DY, DX, k)
    assert abs(c - trustworthiness(Y, X, n_neighbors=k)) < 1e-12
    out["continuity"][str(k)] = c
    nX, nY = knn_sets(DX, k), knn_sets(DY, k)
    out["preservation"][str(k)] = float(np.mean([len(set(nX[i]) & set(nY[i])) / k for i in range(n)]))
for k in [1, 3, 10, 25]:
    pred = cross_val_predict(KNeighborsClassifier(n_neighbors=k, algorithm="brute"), Y, labels, cv=LeaveOneOut())
    out["knn_accuracy_loo"][str(k)] = float(np.mean(pred == labels))
rho = spearmanr(pdist(X), pdist(Y)).statistic
out["distance_correlation"] = float(rho)
out["procrustes"] = float(procrustes(Y, Y2)[2])
json.dump(out, open("quality.json", "w"), indent=0)
print("wrote quality.json", {k: out[k] for k in ["trustworthiness", "continuity", "knn_accuracy_loo"]})
