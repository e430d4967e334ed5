"""mbench adapter: scikit-learn PCA (pip install scikit-learn). See mbench_adapter.py."""
import mbench_adapter as mb

args = mb.arguments()
phases = mb.Phases()


def load():
    try:
        import numpy
        import sklearn
        from sklearn.decomposition import PCA
    except ImportError:
        mb.missing_package("scikit-learn", "pip install scikit-learn")
    return numpy, sklearn, PCA


numpy, sklearn, PCA = phases.measure("import", load)
X = phases.measure("read", lambda: numpy.load(args.input).astype(numpy.float32))
params = dict(args.params)
model = PCA(n_components=int(mb.take(params, "n_components", 2)), svd_solver=mb.take(params, "svd_solver", "auto"),
            whiten=bool(mb.take(params, "whiten", False)), random_state=args.seed)
if params:
    mb.fail("unknown parameters for sklearn-pca: %s" % ", ".join(sorted(params)))
Y = phases.measure("fit", lambda: model.fit_transform(X))
phases.measure("write", lambda: mb.write_embedding(numpy, args.output, Y))
phases.report({"scikit-learn": sklearn.__version__, "numpy": numpy.__version__})
