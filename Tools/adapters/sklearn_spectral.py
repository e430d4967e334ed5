"""mbench adapter: scikit-learn SpectralEmbedding, Laplacian eigenmaps (pip install scikit-learn).
See mbench_adapter.py."""
import mbench_adapter as mb

args = mb.arguments()
phases = mb.Phases()


def load():
    try:
        import numpy
        import sklearn
        from sklearn.manifold import SpectralEmbedding
    except ImportError:
        mb.missing_package("scikit-learn", "pip install scikit-learn")
    return numpy, sklearn, SpectralEmbedding


numpy, sklearn, SpectralEmbedding = phases.measure("import", load)
X = phases.measure("read", lambda: numpy.load(args.input).astype(numpy.float32))
params = dict(args.params)
options = {"n_components": int(mb.take(params, "n_components", 2)), "random_state": args.seed, "n_jobs": args.threads,
           "affinity": mb.take(params, "affinity", "nearest_neighbors")}
if "n_neighbors" in params:
    options["n_neighbors"] = int(params.pop("n_neighbors"))
if "eigen_solver" in params:
    options["eigen_solver"] = params.pop("eigen_solver")
if params:
    mb.fail("unknown parameters for sklearn-spectral: %s" % ", ".join(sorted(params)))
Y = phases.measure("fit", lambda: SpectralEmbedding(**options).fit_transform(X))
phases.measure("write", lambda: mb.write_embedding(numpy, args.output, Y))
phases.report({"scikit-learn": sklearn.__version__, "numpy": numpy.__version__})
