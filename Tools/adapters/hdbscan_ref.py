"""mbench adapter: the hdbscan package's clustering (pip install hdbscan), a reference for a spec's
`clustering: {method: hdbscan-package}`. Input: the embedding; output: one column of labels (−1 noise)
as float32. Parameters: min_cluster_size, min_samples, selection (eom | leaf) and
approx_min_span_tree (true, the package's default, or false: its exact tree). See mbench_adapter.py."""
import mbench_adapter as mb

args = mb.arguments()
phases = mb.Phases()


def load():
    try:
        import numpy
        import hdbscan
    except ImportError:
        mb.missing_package("hdbscan", "pip install hdbscan")
    return numpy, hdbscan


numpy, hdbscan = phases.measure("import", load)
X = phases.measure("read", lambda: numpy.load(args.input).astype(numpy.float64))
params = dict(args.params)
options = {"min_cluster_size": int(mb.take(params, "min_cluster_size", 5)),
           "cluster_selection_method": mb.take(params, "selection", "eom"),
           "core_dist_n_jobs": args.threads}
if "min_samples" in params:
    options["min_samples"] = int(params.pop("min_samples"))
approx = mb.take(params, "approx_min_span_tree", True)
if approx not in (True, False):
    mb.fail("approx_min_span_tree must be true or false, got %s" % approx)
options["approx_min_span_tree"] = approx
if params:
    mb.fail("unknown parameters for hdbscan-package: %s" % ", ".join(sorted(params)))
labels = phases.measure("fit", lambda: hdbscan.HDBSCAN(**options).fit(X).labels_)
phases.measure("write", lambda: mb.write_embedding(numpy, args.output, labels.reshape(-1, 1)))
phases.report({"hdbscan": getattr(hdbscan, "__version__", "unknown"), "numpy": numpy.__version__})
