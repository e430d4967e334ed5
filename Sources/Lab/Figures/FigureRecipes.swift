import Embedding

/// Figure kinds a spec may ask for, each with every setting it accepts declared once:
/// its name, type, range or choices, and help. `SpecParser` validates a spec's figure
/// settings against these declarations (so a bad value is a spec error with its line and
/// column), and the recipes read the validated values.
public enum FigureRecipes {
    /// The settings every kind accepts.
    static let common: [FigureSettingDeclaration] = [
        .init("title", .text, "figure title (default: the experiment name)"),
        .init("width", .number(0.5...40), "width in inches (default depends on the kind)"),
        .init("height", .number(0.5...40), "height in inches (default depends on the kind)"),
        .init("dpi", .number(50...600), "pixels per inch (default 150)"),
        .init("where", .words, "key=value filters on the results drawn (keys: dataset label, data set name `data`, algorithm, seed, n, parameters)"),
    ]

    /// kind → its own settings (besides `kind`, `file` and the common ones).
    static let declarations: [String: [FigureSettingDeclaration]] = [
        // A grid of scatter plots of embeddings: rows × cols chosen among dataset, algorithm,
        // seed, n, layer or a parameter name; coloured by label, coordinate or rgb;
        // layers: fit, transformed (held-out points placed by transform), both.
        "embeddings": [
            .init("rows", .text, "dimension laid out in rows (default dataset)"),
            .init("cols", .text, "dimension laid out in columns (default algorithm)"),
            .init("color", .choice(["label", "coordinate", "rgb", "cluster", "none"]), "what colours the points (default label)"),
            .init("annotate", .words, "metric names printed in each panel"),
            .init("point_size", .number(0.05...50), "marker radius in points (default: by point count)"),
            .init("alpha", .number(0...1), "marker opacity (default: by point count)"),
            .init("layers", .wordsAmong(["fit", "transformed", "both"]), "which points to draw (default fit)"),
            .init("legend", .flag, "draw the shared legend of labels or clusters (default true; false for many classes)"),
        ],
        // Lines of a measured quantity against a swept one, one line per series, mean ± spread over seeds.
        "lines": [
            .init("x", .text, "swept quantity on the x axis (default n)"),
            .init("y", .words, "measured quantities, one panel each (default fit_seconds)"),
            .init("series", .text, "dimension drawn as separate lines (default algorithm)"),
            .init("panels", .text, "dimension laid out in panels"),
            .init("log_x", .flag, "logarithmic x axis"),
            .init("log_y", .flag, "logarithmic y axis"),
            .init("fit_exponent", .flag, "print the fitted power-law exponent in the legend"),
            .init("ratios", .words, "series pairs \"A / B\": one more panel with A's mean over B's mean of the first y at each x (seeds paired by mean)"),
            .init("ratio_target", .number(1e-6...1e6), "a dashed horizontal line on the ratio panel (for example a speed target)"),
            .init("x_label", .text, "x axis label"),
            .init("y_label", .text, "y axis label"),
        ],
        // Gaussian-mixture model selection against k (BIC, silhouette, ARI, …), one line per
        // covariance type, elbow / maximum / chosen setting marked; rows by a dimension.
        "model-selection": [
            .init("rows", .text, "dimension laid out in rows (default n_components)"),
            .init("y", .wordsAmong(["bic", "aic", "silhouette", "ari", "ami"]), "quantities, one column each (default bic, silhouette, ari)"),
        ],
        // The fuzzy cover of 2-D input data: each point's ball of radius = distance to its
        // k-th neighbour (and a fixed-radius cover for contrast), beside the embedding.
        "fuzzy-cover": [
            .init("k", .integer(1...100_000), "neighbour whose distance sets each ball (default n_neighbors − 1)"),
            .init("fixed_radius", .number(1e-12...1e12), "radius of the fixed cover (default: median k-th neighbour distance)"),
        ],
        // Stability under subsampling (the UMAP paper's Figs. 7–8): for every record with a
        // subsample `fraction`, the average Procrustes distance per point between its embedding and
        // the full embedding (the same task without `fraction`) restricted to its points, against
        // the fraction, one line per series, mean over seeds with a min–max band.
        "stability": [
            .init("series", .text, "dimension drawn as separate lines (default algorithm)"),
            .init("panels", .text, "dimension laid out in panels (default dataset)"),
            .init("overlay", .number(1e-6...1), "also draw, per series, the aligned subsample of this fraction (first seed) over the full embedding"),
            .init("log_y", .flag, "logarithmic y axis"),
            .init("x_label", .text, "x axis label"),
            .init("y_label", .text, "y axis label"),
        ],
        // The pictures nearest each cluster's centre, one row per cluster of the chosen clustering.
        "exemplars": [
            .init("count", .integer(1...100), "pictures per cluster (default 8)"),
            .init("space", .choice(["embedding", "input"]), "where centres and distances are measured (default embedding)"),
            .init("scale", .integer(1...16), "canvas pixels per image pixel (default 3)"),
        ],
        // 3-component embeddings through a fixed orthographic camera, drawn farthest first.
        "scatter3d": [
            .init("cols", .text, "dimension laid out in columns (default algorithm)"),
            .init("azimuth", .number(-360...360), "camera azimuth in degrees (default -60, matplotlib's)"),
            .init("elevation", .number(-90...90), "camera elevation in degrees (default 30)"),
            .init("color", .choice(["label", "cluster", "none"]), "what colours the points (default label)"),
            .init("point_size", .number(0.05...50), "marker radius in points (default: by point count)"),
            .init("alpha", .number(0...1), "marker opacity (default: by point count)"),
            .init("legend", .flag, "draw the shared legend (default true)"),
        ],
        // Histograms of a per-point series (e.g. t-SNE σ, neighbour distances), overlaid per series.
        "histograms": [
            .init("values", .words, "stored per-point series, one panel each"),
            .init("series", .text, "dimension overlaid in each panel (default algorithm)"),
            .init("panels", .text, "dimension laid out in panels (default dataset)"),
            .init("bins", .integer(1...10_000), "number of bins (default 40)"),
            .init("density", .flag, "normalise to a density (default true)"),
            .init("log_x", .flag, "logarithmic x axis"),
            .init("x_label", .text, "x axis label"),
        ],
    ]

    /// Every setting of `kind` (its own, then the common ones); nil for an unknown kind.
    public static func settings(of kind: String) -> [FigureSettingDeclaration]? {
        declarations[kind].map { $0 + common }
    }

    /// kind → names of the allowed settings (besides `kind` and `file`).
    public static var kinds: [String: [String]] {
        declarations.mapValues { ($0 + common).map(\.name) }
    }
}

/// One figure setting, declared once.
public struct FigureSettingDeclaration: Sendable {
    /// What values a setting takes.
    public enum ValueType: Sendable {
        /// One word or phrase.
        case text
        /// One word or a list of words.
        case words
        /// One or several words, each among the given ones.
        case wordsAmong([String])
        /// One of the given words.
        case choice([String])
        /// A finite number in the range.
        case number(ClosedRange<Double>)
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// true or false.
        case flag

        /// What values are allowed, in words ("an integer in 1...10000").
        public var allowed: String {
            switch self {
            case .text: return "a word or phrase"
            case .words: return "a word or a list of words"
            case .wordsAmong(let c): return "one or more of \(c.joined(separator: ", "))"
            case .choice(let c): return "one of \(c.joined(separator: ", "))"
            case .number(let r): return "a number in \(ParameterValue.number(r.lowerBound))...\(ParameterValue.number(r.upperBound))"
            case .integer(let r): return "an integer in \(r.lowerBound)...\(r.upperBound)"
            case .flag: return "true or false"
            }
        }
    }

    public let name: String
    public let type: ValueType
    public let help: String

    init(_ name: String, _ type: ValueType, _ help: String) {
        self.name = name; self.type = type; self.help = help
    }

    /// Why `value` is not acceptable for this setting, or nil when it is.
    public func problem(with value: FigureSetting) -> String? {
        let ok: Bool
        switch (type, value) {
        case (.text, .text), (.text, .number), (.words, .text), (.words, .list), (.words, .number): ok = true
        case (.wordsAmong(let choices), _): ok = value.words.allSatisfy(choices.contains)
        case (.choice(let choices), .text(let s)): ok = choices.contains(s)
        case (.number(let range), .number(let x)): ok = x.isFinite && range.contains(x)
        case (.integer(let range), .number(let x)):
            ok = x.isFinite && x == x.rounded() && x >= Double(range.lowerBound) && x <= Double(range.upperBound)
        case (.flag, .flag): ok = true
        default: ok = false
        }
        return ok ? nil : "'\(name)' = \(value.words.joined(separator: ", ")) is not allowed; allowed: \(type.allowed)"
    }
}
