"""Generates clustering.json: small seeded inputs and scikit-learn reference values for the
Clustering tests (GaussianMixture for all four covariance types from fixed initial parameters,
k-means (Lloyd) from fixed initial centres, silhouette, ARI, AMI).
Run from this folder: python3 make_fixtures.py   (scikit-learn 1.9.1)."""
import json
import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

rng = np.random.default_rng(7)
n, d, k = 150, 3, 3
centres = np.array([[0, 0, 0], [4, 1, -1], [1, 5, 2]], dtype=float)
scales = np.array([0.6, 1.2, 0.9])
truth = rng.integers(0, k, size=n)
A = rng.normal(size=(d, d)) * 0.4 + np.eye(d)
X = centres[truth] + (rng.normal(size=(n, d)) @ A) * scales[truth][:, None]
X = X.astype(np.float32).astype(np.float64)
means_init = X[[3, 50, 100]] + 0.5
out = {"n": n, "d": d, "k": k, "data": X.ravel().tolist(), "truth": truth.tolist(),
       "means_init": means_init.ravel().tolist(), "gmm": {}}

# GMM: initial responsibilities = nearest initial mean; weights and covariances from them
# (as sklearn's _initialize does), means = means_init; every initial parameter passed in.
dist = ((X[:, None, :] - means_init[None, :, :]) ** 2).sum(-1)
resp = np.eye(k)[np.argmin(dist, axis=1)]
for cov_type in ["full", "tied", "diag", "spherical"]:
    w, _, cov = _estimate_gaussian_parameters(X, resp, 1e-6, cov_type)
    w = w / n
    if cov_type == "full":
        prec = np.array([np.linalg.inv(c) for c in cov])
    elif cov_type == "tied":
        prec = np.linalg.inv(cov)
    else:
        prec = 1.0 / cov
    g = GaussianMixture(n_components=k, covariance_type=cov_type, tol=1e-3, reg_covar=1e-6, max_iter=100,
                        weights_init=w, means_init=means_init, precisions_init=prec, random_state=0).fit(X)
    out["gmm"][cov_type] = {
        "score": g.score(X), "bic": g.bic(X), "aic": g.aic(X), "n_iter": int(g.n_iter_),
        "lower_bound": float(g.lower_bound_), "weights": g.weights_.tolist(), "means": g.means_.ravel().tolist(),
        "predict": g.predict(X).tolist(), "proba_first": g.predict_proba(X)[:5].ravel().tolist(),
        "sample_scores_first": g.score_samples(X)[:5].tolist(),
    }

km = KMeans(n_clusters=k, init=means_init, n_init=1, algorithm="lloyd", tol=1e-4).fit(X)
out["kmeans"] = {"inertia": float(km.inertia_), "labels": km.labels_.tolist(),
                 "centers": km.cluster_centers_.ravel().tolist(), "n_iter": int(km.n_iter_)}

out["silhouette_truth"] = float(silhouette_score(X, truth))
out["silhouette_kmeans"] = float(silhouette_score(X, km.labels_))
pairs = []
for t in range(4):
    a = rng.integers(0, 2 + t, size=60)
    b = rng.integers(0, 3 + 2 * t, size=60)
    pairs.append({"a": a.tolist(), "b": b.tolist(), "ari": adjusted_rand_score(a, b),
                  "ami": adjusted_mutual_info_score(a, b)})
pairs.append({"a": truth.tolist(), "b": km.labels_.tolist(), "ari": adjusted_rand_score(truth, km.labels_),
              "ami": adjusted_mutual_info_score(truth, km.labels_)})
out["agreement"] = pairs
json.dump(out, open("clustering.json", "w"))
print({t: (v["score"], v["n_iter"]) for t, v in out["gmm"].items()}, out["kmeans"]["inertia"])
