"""Alternating timing and radius correlation of umap-learn's densMAP (parallel, JIT
warmed) and `mbench embed ... densmap` on the first N MNIST images (train then test
files), ROUNDS rounds of ours, theirs, so both see the same machine state. Both
embeddings of the last round are scored by `mbench evaluate` with the same measures
(radius-correlation@15, trustworthiness@15, knn-accuracy@10).

    python3 Tools/densmap_alternating_bench.py N ROUNDS [mnist directory] [mbench binary]
"""
import gzip, json, os, re, subprocess, sys, time, warnings
import numpy as np
import umap

warnings.filterwarnings("ignore")


def idx(path, offset, shape):
    return np.frombuffer(gzip.open(path).read(), np.uint8, offset=offset).reshape(shape)


n = int(sys.argv[1])
rounds = int(sys.argv[2])
d = (sys.argv[3] if len(sys.argv) > 3 else "../shared/datasets/mnist").rstrip("/") + "/"
mbench = sys.argv[4] if len(sys.argv) > 4 else ".build/release/mbench"
X = np.vstack([idx(d + "train-images-idx3-ubyte.gz", 16, (-1, 784)), idx(d + "t10k-images-idx3-ubyte.gz", 16, (-1, 784))])
y = np.concatenate([idx(d + "train-labels-idx1-ubyte.gz", 8, (-1,)), idx(d + "t10k-labels-idx1-ubyte.gz", 8, (-1,))])
X = (X[:n].astype(np.float32) / 255.0)
y = y[:n].astype(np.int64)
work = "/tmp/densmap-bench-%d" % n
os.makedirs(work, exist_ok=True)
np.save(work + "/X.npy", X)
np.save(work + "/y.npy", y)
umap.UMAP(densmap=True, n_jobs=-1, n_epochs=10).fit_transform(X[:5000])  # JIT warm-up incl. pynndescent and densMAP
for r in range(rounds):
    out = subprocess.run([mbench, "embed", "--input", work + "/X.npy", "--algorithm", "densmap", "--seed", "42",
                          "--out", work + "/ours.npy"], capture_output=True, text=True, check=True).stdout
    ours = float(re.search(r"in ([0-9.]+) s", out).group(1))
    t = time.time()
    Y = umap.UMAP(densmap=True, n_jobs=-1).fit_transform(X)
    theirs = time.time() - t
    np.save(work + "/theirs.npy", Y.astype(np.float32))
    print("round %d: ours %.1f s, umap-learn densMAP (parallel) %.1f s, ratio %.2f" % (r, ours, theirs, ours / theirs), flush=True)
for who in ("ours", "theirs"):
    report = subprocess.run([mbench, "evaluate", "--data", work + "/X.npy", "--embedding", "%s/%s.npy" % (work, who),
                             "--labels", work + "/y.npy", "--metric", "radius-correlation@15", "--metric", "trustworthiness@15",
                             "--metric", "knn-accuracy@10"], capture_output=True, text=True, check=True).stdout
    values = {m["name"]: m["value"] for m in json.loads(report)["metrics"]}
    print("%s: %s" % (who, ", ".join("%s %.4f" % kv for kv in values.items())), flush=True)
