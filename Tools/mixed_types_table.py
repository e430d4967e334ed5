"""The README's mixed-types table: mean ± sd over seeds, ours / umap-learn's, per panel.

    mbench run Experiments/mixed-types.yaml
    MBENCH_MIRROR=/work/shared/datasets /work/refenv/bin/python Tools/mixed_types_umap_learn.py \
        --seeds 42 43 44 45 46 --out umap-learn.json
    python3 Tools/mixed_types_table.py Figures/mixed-types/results umap-learn.json

With Figures/airports-min-dist/results and the JSON of `mixed_types_umap_learn.py --position-min-dist
0.1 0.5 1.0 --seeds ...` it prints the min_dist table of Experiments/airports-min-dist.yaml instead.

Ours: the stored records of the spec's run (one per panel and seed); umap-learn's: the JSON of
mixed_types_umap_learn.py. Columns: 10-NN accuracy of the colouring label, purity (10-NN accuracy
of the island / state), trustworthiness@15 under the numeric / position block's own distance, and
under the name block's. Each cell is "ours / umap-learn", each side mean ± sample sd over the seeds.
"""
import glob
import json
import os
import statistics
import sys

# (table, our panel label, umap-learn's panel label, row name)
PANELS = [
    ("penguins", "numeric", "penguins: numeric", "penguins: numeric (euclidean, standardised)"),
    ("penguins", "numeric ∩ island", "penguins: numeric ∩ island", "penguins: numeric ∩ island"),
    ("penguins", "bill ∪ body", "penguins: bill ∪ body", "penguins: bill ∪ body"),
    ("penguins", "Gower", "penguins: Gower", "penguins: Gower"),
    ("penguins", "one-hot + euclidean", "penguins: one-hot euclidean", "penguins: one-hot + euclidean"),
    ("airports", "position", "airports: position", "airports: position (haversine)"),
    ("airports", "name", "airports: name", "airports: name (Levenshtein, 10 neighbours)"),
    ("airports", "position ∩ state", "airports: position ∩ state", "airports: position ∩ state"),
    ("airports", "position ∪ name", "airports: position ∪ name", "airports: position ∪ name"),
    ("airports", "position ∩ name, w 0.25", "airports: position ∩ name, weight 0.25", "airports: position ∩ name, weight 0.25"),
    ("airports", "position ∩ name", "airports: position ∩ name", "airports: position ∩ name"),
    ("airports", "Gower", "airports: Gower", "airports: Gower"),
    ("airports", "one-hot + euclidean", "airports: one-hot euclidean", "airports: one-hot + euclidean"),
]
COLUMNS = {
    "penguins": ["knn-accuracy@10", "knn-accuracy@10[island]", "trustworthiness@15[numeric]", None],
    "airports": ["knn-accuracy@10", "knn-accuracy@10[state]", "trustworthiness@15[position]", "trustworthiness@15[name]"],
}


def summary(values):
    if not values:
        return "–"
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:.3f} ± {sd:.3f}"


def main():
    results, reference = sys.argv[1], sys.argv[2]
    ours = {}
    for path in glob.glob(os.path.join(results, "*.json")):
        with open(path) as f:
            record = json.load(f)
        task = record["task"]
        key = (task["dataset"]["name"], task["datasetLabel"], task["seed"])
        if "min_dist" in task["parameters"]:
            key += (float(task["parameters"]["min_dist"]),)
        if key in ours:
            sys.exit(f"two records for {key}: run into an empty folder")
        ours[key] = {m["name"]: m["value"] for m in record["metrics"]}
    with open(reference) as f:
        theirs = json.load(f)
    seeds = [int(s) for s in theirs["seeds"]]
    print(f"seeds {seeds}; umap-learn {theirs['umap_learn_version']}")
    prefix = "airports: position, min_dist "
    if any(p.startswith(prefix) for p in theirs["panels"]):
        print("| min_dist | acc (ours / umap-learn) | purity: state | T[position] |")
        print("| --- | --- | --- | --- |")
        for panel in theirs["panels"]:
            d = float(panel[len(prefix):])
            cells = []
            for metric in ("knn-accuracy@10", "knn-accuracy@10[state]", "trustworthiness@15[position]"):
                a = [ours[("airports", "position", s, d)][metric] for s in seeds]
                b = [theirs["panels"][panel][str(s)][metric] for s in seeds]
                cells.append(f"{summary(a)} / {summary(b)}")
            print(f"| {d} | " + " | ".join(cells) + " |")
        return
    print("| panel | acc (ours / umap-learn) | purity: island or state | T[numeric] or T[position] | T[name] |")
    print("| --- | --- | --- | --- | --- |")
    for table, label, reference_label, row in PANELS:
        cells = []
        for metric in COLUMNS[table]:
            if metric is None:
                cells.append("–")
                continue
            a = [ours[(table, label, s)][metric] for s in seeds if (table, label, s) in ours]
            if len(a) != len(seeds):
                sys.exit(f"ours: {len(a)} of {len(seeds)} seeds for {table}: {label}")
            b = [theirs["panels"][reference_label][str(s)][metric] for s in seeds if str(s) in theirs["panels"].get(reference_label, {})]
            cells.append(f"{summary(a)} / {summary(b)}")
        print(f"| {row} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
