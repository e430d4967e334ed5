"""mbench adapter: scikit-learn TSNE (pip install scikit-learn). See mbench_adapter.py."""
import mbench_adapter as mb

args = mb.arguments()
phases = mb.Phases()


def load():
    try:
        import numpy
        import sklearn
        from sklearn.manifold import TSNE
    except ImportError:
        mb.missing_package("scikit-learn", "pip install scikit-learn")
    return numpy, sklearn, TSNE


numpy, sklearn, TSNE = phases.measure("import", load)
X = phases.measure("read", lambda: numpy.load(args.input).astype(numpy.float32))
params = dict(args.params)
options = {"n_components": int(mb.take(params, "n_components", 2)), "random_state": args.seed, "n_jobs": args.threads}
for key in ("perplexity", "early_exaggeration", "learning_rate", "init", "method", "angle"):
    if key in params:
        options[key] = params.pop(key)
if "max_iter" in params:
    iterations = int(params.pop("max_iter"))
    import inspect
    name = "max_iter" if "max_iter" in inspect.signature(TSNE).parameters else "n_iter"
    options[name] = iterations
if params:
    mb.fail("unknown parameters for sklearn-tsne: %s" % ", ".join(sorted(params)))
Y = phases.measure("fit", lambda: TSNE(**options).fit_transform(X))
phases.measure("write", lambda: mb.write_embedding(numpy, args.output, Y))
phases.report({"scikit-learn": sklearn.__version__, "numpy": numpy.__version__})
