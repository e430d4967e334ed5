"""Our t-SNE against FIt-SNE (issue 18), side by side: the same points, seed and thread count,
alternating A B / B A over rounds so both see the same machine state.

Ours runs as a one-task spec through `mbench run` (its record gives the fit phases, the final
KL divergence and the embedding); FIt-SNE runs through Tools/adapters/fitsne_ref.py (its JSON
gives the library's own fit time, without Python start-up or imports, and the C++ core's final
KL divergence). Both embeddings are then scored by the same `mbench evaluate` call
(trustworthiness@15, estimated from 1 000 sampled points above 20 000 points with its standard
error; 10-NN accuracy, leave-one-out over all points). Fit times: ours = neighbors + affinities
+ early_exaggeration + optimize phases; FIt-SNE = its FItSNE call (PCA initialisation included,
as ours includes its own).

    MBENCH_MIRROR=... MBENCH_PYTHON=/work/refenv/bin/python python3 Tools/fitsne_alternating_bench.py \
        [--mbench .build/release/mbench] [--datasets mnist fashion-mnist] [--n 70000] [--rounds 2] [--seed 42]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--mbench", default=".build/release/mbench")
ap.add_argument("--datasets", nargs="+", default=["mnist", "fashion-mnist"])
ap.add_argument("--n", type=int, default=70000)
ap.add_argument("--rounds", type=int, default=2)
ap.add_argument("--seed", type=int, default=42)
ap.add_argument("--threads", type=int, default=os.cpu_count())
ap.add_argument("--python", default=os.environ.get("MBENCH_PYTHON", sys.executable))
args = ap.parse_args()
tmp = tempfile.mkdtemp(prefix="vs-fitsne-")
OUR_FIT_PHASES = ("neighbors", "affinities", "early_exaggeration", "optimize")


def load():
    return "%.1f %.1f %.1f" % os.getloadavg()


def ours(dataset, tag):
    spec = os.path.join(tmp, "ours.yaml")
    with open(spec, "w") as f:
        f.write("name: ours\nseeds: [%d]\ndatasets:\n  - name: %s\n    n: %d\nalgorithms:\n  - name: tsne\n"
                % (args.seed, dataset, args.n))
    out = os.path.join(tmp, "ours-" + tag)
    subprocess.run([args.mbench, "run", spec, "--output", out, "--force", "--threads", str(args.threads)],
                   check=True, capture_output=True)
    [path] = glob.glob(os.path.join(out, "ours", "results", "*.json"))
    record = json.load(open(path))
    fit = sum(p["wallSeconds"] for p in record["phases"] if p["name"] in OUR_FIT_PHASES)
    base = path[:-len(".json")]
    return fit, record["diagnostics"]["kl_divergence"], base + ".npy", base + ".labels.npy"


def fitsne(x_path, tag):
    y_path = os.path.join(tmp, "fitsne-%s.npy" % tag)
    run = subprocess.run([args.python, os.path.join(here, "adapters", "fitsne_ref.py"), "--input", x_path,
                          "--output", y_path, "--seed", str(args.seed), "--threads", str(args.threads)],
                         capture_output=True, text=True)
    report = json.loads([line for line in run.stdout.splitlines() if line.startswith("{")][-1])
    if "error" in report:
        sys.exit("fitsne: %s" % report)
    fit = next(p["wall"] for p in report["phases"] if p["name"] == "fit")
    return fit, report["diagnostics"].get("kl_divergence", float("nan")), y_path


def quality(x_path, y_path, labels_path):
    out = subprocess.run([args.mbench, "evaluate", "--data", x_path, "--embedding", y_path, "--labels", labels_path,
                          "--metric", "trustworthiness@15", "--metric", "knn-accuracy@10", "--seed", str(args.seed)],
                         check=True, capture_output=True, text=True).stdout
    metrics = {m["name"]: m for m in json.loads(out)["metrics"]}
    t = metrics["trustworthiness@15"]
    return t["value"], t.get("standardError") or 0.0, metrics["knn-accuracy@10"]["value"]


for dataset in args.datasets:
    x_path = os.path.join(tmp, "%s.npy" % dataset)
    subprocess.run([args.mbench, "datasets", "info", dataset, "--n", str(args.n), "--seed", str(args.seed),
                    "--save", x_path], check=True, capture_output=True)
    labels_path = x_path.replace(".npy", ".labels.npy")
    for r in range(args.rounds):
        tag = "%s-%d" % (dataset, r)
        order = ("ours", "fitsne") if r % 2 == 0 else ("fitsne", "ours")
        result, loads = {}, []
        for who in order:
            loads.append(load())
            if who == "ours":
                fit, kl, y_path, our_labels = ours(dataset, tag)
                if not np.array_equal(np.load(our_labels), np.load(labels_path)):
                    sys.exit("the spec's points are not those of `mbench datasets info`")
            else:
                fit, kl, y_path = fitsne(x_path, tag)
            result[who] = (fit, kl) + quality(x_path, y_path, labels_path)
        (a, ka, ta, sa, na), (b, kb, tb, sb, nb) = result["ours"], result["fitsne"]
        print("%s n=%d round %d (%s first; load %s): fit ours %.1f s, FIt-SNE %.1f s, ratio %.2f; "
              "KL ours %.4f FIt-SNE %.4f (%+.2f %%); T@15 ours %.4f±%.4f FIt-SNE %.4f±%.4f; 10-NN ours %.4f FIt-SNE %.4f"
              % (dataset, args.n, r, order[0], " / ".join(loads), a, b, a / b, ka, kb, 100 * (ka / kb - 1),
                 ta, sa, tb, sb, na, nb), flush=True)
