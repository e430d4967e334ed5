"""mbench adapter: FIt-SNE (Linderman et al. 2019; KlugerLab's `fitsne` package).

Install: `apt-get install libfftw3-dev` (FFTW headers), then `pip install cython numpy wheel` and
`pip install --no-build-isolation fitsne` (its setup.py imports Cython and NumPy). See mbench_adapter.py.

FIt-SNE's defaults already match our `tsne` (openTSNE's): perplexity 30, 750 iterations of which
250 with early exaggeration 12, learning rate max(200, n/12), momentum 0.5 then 0.8, steps clipped
to norm 5, and a PCA initialisation scaled to standard deviation 1e-4 in its first column.
The C++ core prints its progress on standard output; the adapter sends it to standard error so
mbench reads only the JSON line. The final KL divergence is the C++ core's own cost at the last
iteration (FIt-SNE evaluates it every 50 iterations and at the last), which the Python wrapper
computes but does not return: the adapter reads it from the cost array it hands to the core.
"""
import ctypes
import os
import sys

import mbench_adapter as mb

args = mb.arguments()
phases = mb.Phases()
INSTALL = "apt-get install libfftw3-dev && pip install cython numpy wheel && pip install --no-build-isolation fitsne"


def load():
    try:
        import numpy
        import fitsne
        from fitsne import cywrap
    except ImportError:
        mb.missing_package("fitsne", INSTALL)
    return numpy, fitsne, cywrap


numpy, fitsne, cywrap = phases.measure("import", load)
X = phases.measure("read", lambda: numpy.ascontiguousarray(numpy.load(args.input), dtype=numpy.float64))
params = dict(args.params)
options = {
    "no_dims": int(mb.take(params, "n_components", 2)),
    "perplexity": float(mb.take(params, "perplexity", 30.0)),
    "max_iter": int(mb.take(params, "max_iter", 750)),
    "stop_early_exag_iter": int(mb.take(params, "stop_early_exag_iter", 250)),
    "early_exag_coeff": float(mb.take(params, "early_exag_coeff", 12.0)),
    "initialization": str(mb.take(params, "initialization", "pca")),
    "n_trees": int(mb.take(params, "n_trees", 50)),
    "df": float(mb.take(params, "df", 1.0)),
    # FIt-SNE draws its seed as a C int; -1 would mean "random", so keep it non-negative.
    "rand_seed": args.seed % 2147483647,
    "nthreads": max(1, args.threads),
}
learning_rate = mb.take(params, "learning_rate", "auto")
options["learning_rate"] = learning_rate if learning_rate == "auto" else float(learning_rate)
knn = mb.take(params, "knn", "annoy")
if knn not in ("annoy", "vptree"):
    mb.fail("fitsne: knn must be annoy or vptree, got %r" % knn)
options["ann_not_vptree"] = knn == "annoy"
if options["initialization"] not in ("pca", "random"):
    mb.fail("fitsne: initialization must be pca or random, got %r" % options["initialization"])
if params:
    mb.fail("unknown parameters for fitsne: %s" % ", ".join(sorted(params)))

# The wrapper allocates the per-iteration cost array and passes it to the C++ core positionally
# (argument 20 of _TSNErun); keep a handle on it to read the final KL divergence.
captured = {}
core = cywrap._TSNErun


def capturing_core(*arguments):
    costs = arguments[20]
    if isinstance(costs, numpy.ndarray) and costs.shape == (options["max_iter"],):
        captured["costs"] = costs
    return core(*arguments)


cywrap._TSNErun = capturing_core


def fit():
    """FItSNE with the C++ core's standard output sent to standard error."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        return fitsne.FItSNE(X, **options)
    finally:
        ctypes.CDLL(None).fflush(None)
        os.dup2(saved, 1)
        os.close(saved)


Y = phases.measure("fit", fit)
phases.measure("write", lambda: mb.write_embedding(numpy, args.output, Y))
diagnostics = {}
if "costs" in captured and captured["costs"][-1] > 0:
    diagnostics["kl_divergence"] = float(captured["costs"][-1])
version = getattr(fitsne, "__version__", None)
if version is None:
    try:
        from fitsne import _version
        version = _version.__version__
    except (ImportError, AttributeError):
        version = "unknown"
phases.report({"fitsne": version, "numpy": numpy.__version__}, diagnostics=diagnostics)
