"""Generates spectral.json: a small seeded point set and scikit-learn's Laplacian eigenmaps
(`sklearn.manifold.SpectralEmbedding(affinity="nearest_neighbors")`) of it, for
Tests/EmbeddingTests/LaplacianEigenmapsTests. Run from this folder:
/work/refenv/bin/python make_spectral_fixtures.py   (scikit-learn 1.9.1)"""
import json
import numpy as np
from sklearn.manifold import SpectralEmbedding

rng = np.random.default_rng(20261202)
n = 400
# A noisy 2-D strip rolled up in 3-D (a small swiss roll) plus two noise dimensions.
t = 1.5 * np.pi * (1 + 2 * rng.uniform(size=n))
h = 10 * rng.uniform(size=n)
X = np.column_stack([t * np.cos(t), h, t * np.sin(t), 0.3 * rng.normal(size=n), 0.3 * rng.normal(size=n)])
X = X.astype(np.float32).astype(np.float64)
out = {"n": n, "d": X.shape[1], "data": X.ravel().tolist(), "cases": []}
for k, c in [(10, 2), (20, 3)]:
    Y = SpectralEmbedding(n_components=c, affinity="nearest_neighbors", n_neighbors=k, random_state=0,
                          eigen_solver="arpack").fit_transform(X)
    out["cases"].append({"n_neighbors": k, "n_components": c, "embedding": Y.ravel().tolist()})
json.dump(out, open("spectral.json", "w"), indent=0)
print("wrote spectral.json")
