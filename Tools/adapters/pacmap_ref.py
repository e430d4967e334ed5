"""mbench adapter: PaCMAP (pip install pacmap). See mbench_adapter.py."""
import mbench_adapter as mb

args = mb.arguments()
phases = mb.Phases()


def load():
    try:
        import numpy
        import pacmap
    except ImportError:
        mb.missing_package("pacmap", "pip install pacmap")
    return numpy, pacmap


numpy, pacmap = phases.measure("import", load)
X = phases.measure("read", lambda: numpy.load(args.input).astype(numpy.float32))
params = dict(args.params)
options = {"n_components": int(mb.take(params, "n_components", 2)), "random_state": args.seed}
if "n_neighbors" in params:
    options["n_neighbors"] = int(params.pop("n_neighbors"))
for key in ("MN_ratio", "FP_ratio"):
    if key in params:
        options[key] = float(params.pop(key))
for key in ("num_iters", "apply_pca"):
    if key in params:
        options[key] = params.pop(key)
warmup = bool(mb.take(params, "jit_warmup", True))
if params:
    mb.fail("unknown parameters for pacmap: %s" % ", ".join(sorted(params)))
if warmup:
    # Numba compiles PaCMAP's kernels on the first fit: an untimed fit on 300 points first.
    phases.measure("jit_warmup", lambda: pacmap.PaCMAP(**{**options, "n_neighbors": 10}).fit_transform(X[:300]))
Y = phases.measure("fit", lambda: pacmap.PaCMAP(**options).fit_transform(X))
phases.measure("write", lambda: mb.write_embedding(numpy, args.output, Y))
phases.report({"pacmap": getattr(pacmap, "__version__", "unknown"), "numpy": numpy.__version__})
