/// Figure kinds a spec may ask for, and the settings each accepts.
public enum FigureRecipes {
    /// kind → allowed settings (besides `kind` and `file`).
    public static let kinds: [String: [String]] = [
        // A grid of scatter plots of embeddings: rows × cols chosen among dataset, algorithm,
        // seed, n, layer or a parameter name; coloured by label, coordinate or rgb;
        // layers: fit, transformed (held-out points placed by transform), both.
        "embeddings": ["title", "rows", "cols", "color", "annotate", "point_size", "alpha", "width", "height", "dpi", "where",
                       "layers"],
        // Lines of a measured quantity against a swept one, one line per series, mean ± spread over seeds.
        "lines": ["title", "x", "y", "series", "panels", "log_x", "log_y", "fit_exponent", "width", "height", "dpi", "where",
                  "x_label", "y_label"],
        // Gaussian-mixture model selection against k (BIC, silhouette, ARI, …), one line per
        // covariance type, elbow / maximum / chosen setting marked; rows by a dimension.
        "model-selection": ["title", "rows", "y", "width", "height", "dpi", "where"],
        // The fuzzy cover of 2-D input data: each point's ball of radius = distance to its
        // k-th neighbour (and a fixed-radius cover for contrast), beside the embedding.
        "fuzzy-cover": ["title", "k", "fixed_radius", "width", "height", "dpi", "where"],
        // Histograms of a per-point series (e.g. t-SNE σ, neighbour distances), overlaid per series.
        "histograms": ["title", "values", "series", "panels", "bins", "density", "log_x", "width", "height", "dpi", "where",
                       "x_label"],
    ]
}
