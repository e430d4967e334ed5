#!/usr/bin/env python3
"""Writes a synthetic benchmark history (mbench history format 1) for the report's browser test
and the README screenshot: 30 commits on one machine, three benchmarks with ±15 % seeded noise,
a 30 % slowdown of one benchmark's time at commit 18 and a 25 % memory saving of another at
commit 10. Usage: synthetic-history.py DIR [COMMITS [BENCHMARKS]] (more benchmarks than three
repeat them with other names; the timing of the report uses 200 commits × 20 benchmarks)."""
import json, os, random, sys

folder = os.path.join(sys.argv[1], "runs")
os.makedirs(folder, exist_ok=True)
rng = random.Random(19)
machine = {"id": "synthetic-ci", "idSource": "--machine", "hostName": "ci", "cpuModel": "Synthetic CPU",
           "cores": 2, "memoryBytes": 25769803776, "os": "Linux"}
commits = int(sys.argv[2]) if len(sys.argv) > 2 else 30
count = int(sys.argv[3]) if len(sys.argv) > 3 else 3
base = [("PCA on blobs n=4000", 2.0, 60.0), ("t-SNE on blobs n=1000", 9.0, 120.0), ("UMAP on blobs n=2000", 6.0, 150.0)]
benchmarks = [(name + ("" if i < 3 else " #%d" % (i // 3)), t, m) for i, (name, t, m) in ((i, base[i % 3]) for i in range(count))]
for c in range(commits):
    entry = {"format": 1, "commit": "%040x" % rng.getrandbits(160), "commitTime": 1767225600 + 3600 * c,
             "recordedAt": "2026-%02d-%02dT%02d:00:00Z" % (1 + c // 672, 1 + (c // 24) % 28, c % 24), "experiment": "ci-bench", "machine": machine,
             "calibrationUnitSeconds": 0.05, "threads": 1, "benchmarks": []}
    for b, (name, time, memory) in enumerate(benchmarks):
        t = time * (1.3 if b == 0 and c >= 18 else 1.0)
        m = memory * (0.75 if b == 2 and c >= 10 else 1.0)
        entry["benchmarks"].append({"name": "ci-bench: " + name, "id": "b%d" % b, "measures": [
            {"name": "time", "unit": "calibrated units", "smallerIsBetter": True,
             "samples": [t * (1 + rng.uniform(-0.15, 0.15)) for _ in range(5)]},
            {"name": "peak memory", "unit": "MiB", "smallerIsBetter": True,
             "samples": [m * (1 + rng.uniform(-0.02, 0.02)) for _ in range(5)]},
            {"name": "trustworthiness@15", "unit": "", "smallerIsBetter": False, "samples": [0.95 + rng.uniform(-0.002, 0.002)]}]})
    with open(os.path.join(folder, "%03d.json" % c), "w") as f:
        json.dump(entry, f, indent=1)
