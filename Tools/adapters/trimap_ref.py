"""mbench adapter: TriMap (pip install "trimap<1.2"; 1.2 and later need JAX). See mbench_adapter.py."""
import mbench_adapter as mb

args = mb.arguments()
phases = mb.Phases()


def load():
    try:
        import numpy
        import trimap
    except ImportError:
        mb.missing_package("trimap", "pip install \"trimap<1.2\"")
    return numpy, trimap


numpy, trimap = phases.measure("import", load)
X = phases.measure("read", lambda: numpy.load(args.input).astype(numpy.float32))
params = dict(args.params)
options = {"n_dims": int(mb.take(params, "n_components", 2))}
for key in ("n_inliers", "n_outliers", "n_random", "n_iters"):
    if key in params:
        options[key] = int(params.pop(key))
warmup = bool(mb.take(params, "jit_warmup", True))
if params:
    mb.fail("unknown parameters for trimap: %s" % ", ".join(sorted(params)))
# TriMap < 1.2 draws its triplets from numpy's global generator.
numpy.random.seed(args.seed % (2 ** 32))
if warmup:
    # Numba compiles TriMap's kernels on the first fit: an untimed fit on 300 points first.
    phases.measure("jit_warmup", lambda: trimap.TRIMAP(n_dims=options["n_dims"], n_inliers=5, n_outliers=3,
                                                       n_random=2, n_iters=10, verbose=False).fit_transform(X[:300]))
numpy.random.seed(args.seed % (2 ** 32))
Y = phases.measure("fit", lambda: trimap.TRIMAP(verbose=False, **options).fit_transform(X))
phases.measure("write", lambda: mb.write_embedding(numpy, args.output, Y))
phases.report({"trimap": getattr(trimap, "__version__", "unknown"), "numpy": numpy.__version__})
