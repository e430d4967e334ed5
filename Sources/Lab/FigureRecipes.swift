/// Figure kinds a spec may ask for, and the settings each accepts.
public enum FigureRecipes {
    /// kind → allowed settings (besides `kind` and `file`).
    public static let kinds: [String: [String]] = [
        // A grid of scatter plots of embeddings: rows × cols chosen among
        // dataset, algorithm, seed, n or a parameter name; coloured by label or coordinate.
        "embeddings": ["title", "rows", "cols", "color", "annotate", "point_size", "alpha", "width", "height", "dpi", "where"],
        // Lines of a measured quantity against a swept one, one line per series, mean ± spread over seeds.
        "lines": ["title", "x", "y", "series", "panels", "log_x", "log_y", "fit_exponent", "width", "height", "dpi", "where",
                  "x_label", "y_label"],
        // Histograms of a per-point series (e.g. t-SNE σ, neighbour distances), overlaid per series.
        "histograms": ["title", "values", "series", "panels", "bins", "density", "log_x", "width", "height", "dpi", "where",
                       "x_label"],
    ]
}
