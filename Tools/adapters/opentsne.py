"""mbench adapter: openTSNE (pip install openTSNE). See mbench_adapter.py."""
import mbench_adapter as mb

args = mb.arguments()
phases = mb.Phases()


def load():
    try:
        import numpy
        import openTSNE
    except ImportError:
        mb.missing_package("openTSNE", "pip install openTSNE")
    return numpy, openTSNE


numpy, openTSNE = phases.measure("import", load)
X = phases.measure("read", lambda: numpy.load(args.input).astype(numpy.float64))
params = dict(args.params)
warmup = bool(mb.take(params, "jit_warmup", True))
options = {"n_components": int(mb.take(params, "n_components", 2)), "random_state": args.seed, "n_jobs": args.threads}
for key in ("perplexity", "n_iter", "early_exaggeration_iter", "early_exaggeration", "learning_rate",
            "initialization", "negative_gradient_method", "neighbors"):
    if key in params:
        options[key] = params.pop(key)
if params:
    mb.fail("unknown parameters for opentsne: %s" % ", ".join(sorted(params)))
if warmup:
    rng = numpy.random.default_rng(args.seed)
    small = rng.standard_normal((300, X.shape[1]))
    phases.measure("jit_warmup", lambda: openTSNE.TSNE(**dict(options, n_iter=10, early_exaggeration_iter=10)).fit(small))
embedding = phases.measure("fit", lambda: openTSNE.TSNE(**options).fit(X))
Y = numpy.asarray(embedding)
phases.measure("write", lambda: mb.write_embedding(numpy, args.output, Y))
phases.report({"openTSNE": openTSNE.__version__, "numpy": numpy.__version__},
              diagnostics={"kl_divergence": float(embedding.kl_divergence)})
