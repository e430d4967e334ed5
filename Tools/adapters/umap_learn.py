"""mbench adapter: umap-learn (pip install umap-learn). See mbench_adapter.py.

Numba compiles UMAP's kernels on first use; unless jit_warmup=false an untimed
fit on 5 000 random points runs first (phase "jit_warmup"), so "fit" measures
the algorithm rather than the compiler. seeded=true (default) passes the seed as
random_state, which makes umap-learn reproducible and single-threaded;
seeded=false runs its parallel (unseeded, not reproducible) mode. densmap=true
runs densMAP (dens_lambda, dens_frac, dens_var_shift as umap-learn's); the
warm-up then compiles its density kernels too.
"""
import mbench_adapter as mb

args = mb.arguments()
phases = mb.Phases()


def load():
    try:
        import numpy
        import umap
    except ImportError:
        mb.missing_package("umap-learn", "pip install umap-learn")
    return numpy, umap


numpy, umap = phases.measure("import", load)
X = phases.measure("read", lambda: numpy.load(args.input).astype(numpy.float32))
params = dict(args.params)
warmup = bool(mb.take(params, "jit_warmup", True))
seeded = bool(mb.take(params, "seeded", True))
options = {"n_components": int(mb.take(params, "n_components", 2))}
if seeded:
    # umap-learn's reproducible mode: random_state turns its parallel SGD off.
    options["random_state"] = args.seed
else:
    options["n_jobs"] = -1
for key in ("n_neighbors", "min_dist", "n_epochs", "metric", "init", "learning_rate", "negative_sample_rate", "spread",
            "densmap", "dens_lambda", "dens_frac", "dens_var_shift"):
    if key in params:
        value = params.pop(key)
        if not (key == "n_epochs" and value == "auto"):
            options[key] = value
if params:
    mb.fail("unknown parameters for umap-learn: %s" % ", ".join(sorted(params)))
warnings = []
if warmup:
    rng = numpy.random.default_rng(args.seed)
    # 5 000 points: above umap-learn's 4 096-point switch to pynndescent, so its
    # NN-descent kernels are compiled too, not only the exact-kNN and SGD ones.
    small = rng.standard_normal((min(5000, X.shape[0]), X.shape[1])).astype(numpy.float32)
    phases.measure("jit_warmup", lambda: umap.UMAP(**dict(options, n_epochs=10)).fit_transform(small))
Y = phases.measure("fit", lambda: umap.UMAP(**options).fit_transform(X))
phases.measure("write", lambda: mb.write_embedding(numpy, args.output, Y))
phases.report({"umap-learn": getattr(umap, "__version__", "?"), "numpy": numpy.__version__}, warnings)
