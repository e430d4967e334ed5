import Clustering
import Datasets
import Embedding

/// A parsed and validated experiment: what to run and what to draw.
///
/// Any field given as a list is a sweep; `Plan` expands the cross product
/// datasets × sizes × options × algorithms × parameters × seeds into tasks.
public struct ExperimentSpec: Sendable {
    /// Experiment name: the folder under `Figures/` (default: the file name without extension).
    public var name: String
    /// One-paragraph description (what figure or claim it reproduces).
    public var description: String
    /// Seeds; every task runs once per seed.
    public var seeds: [UInt64]
    /// Data sets.
    public var datasets: [DatasetSpec]
    /// Algorithms.
    public var algorithms: [AlgorithmSpec]
    /// Quality metrics computed for every task (e.g. "trustworthiness@15").
    public var metrics: [String]
    /// Figures drawn from the results.
    public var figures: [FigureSpec]
    /// Optional clustering of every embedding (Gaussian-mixture model selection).
    public var clustering: ClusteringSpec?
    /// Time limit of every task in seconds (`timeout:`; nil = none). An algorithm's own
    /// `timeout:` and `mbench run --task-timeout` also apply: the smallest limit wins.
    public var timeoutSeconds: Double?
    /// Path of the spec file.
    public var sourcePath: String
    /// SHA-256 (hex) of the spec file's bytes.
    public var sourceHash: String
}

/// One data-set entry of a spec. List-valued fields are sweeps.
public struct DatasetSpec: Sendable {
    /// Registry name ("mnist"), generator name ("swiss-roll"), or "file".
    public var name: String
    /// Display name for figures (default: `name`).
    public var label: String
    /// Sizes n to run (nil = all points).
    public var sizes: [Int?]
    /// "all" | "train" | "test" for registry sets.
    public var split: String?
    /// Held-out split ("train" | "test") embedded with the fitted model's `transform` (nil = none).
    public var transformSplit: String?
    /// "random" | "stratified" | "first".
    public var subsample: String
    /// "none" | "unit" | "standardize".
    public var scaling: String
    /// Input file for name "file".
    public var path: String?
    /// Optional labels file for name "file".
    public var labelsPath: String?
    /// Label column of a CSV file.
    public var labelColumn: String?
    /// Generator options; each may be swept.
    public var options: [(name: String, values: [Double])]
    /// PCA pre-reduction to m dimensions (nil = none); may be swept.
    public var pcaDimensions: [Int?]
    /// A mixed-type table read with typed columns and split into blocks (`columns`, `missing`,
    /// `blocks`, `combine`); nil for matrices.
    public var table: TableRequest? = nil
    /// Views of a matrix data set, each with its own metric (`views`, `combine`); nil otherwise.
    public var views: MatrixViews? = nil
    /// Nested subsample fractions in (0, 1] (`fraction`; nil = all points); may be swept. Each
    /// fraction keeps about that share of the n loaded points, nested across fractions under one seed.
    public var fractions: [Double?] = [nil]
    /// Gaussian random projection to d dimensions (`projection`; nil = none); may be swept.
    public var projections: [Int?] = [nil]
}

/// One algorithm entry of a spec.
public struct AlgorithmSpec: Sendable {
    /// Algorithm name ("pca", "tsne", "umap", …).
    public var name: String
    /// Display name for figures (default: the name in upper case).
    public var label: String
    /// Parameters; each may be swept (a list of values).
    public var parameters: [(name: String, values: [ParameterValue])]
    /// Time limit of this algorithm's tasks in seconds (nil = the experiment's).
    public var timeoutSeconds: Double?
}

/// A figure recipe: which chart, what goes where, and the output file.
public struct FigureSpec: Sendable {
    /// Chart kind (see `FigureRecipes.kinds`).
    public var kind: String
    /// Output file name, relative to the experiment's folder.
    public var file: String
    /// Remaining settings, by key.
    public var settings: [String: FigureSetting]
    /// Where the recipe starts in the spec file, for error messages.
    public var line: Int
    public var column: Int
}

/// A figure setting: a word, a number, a flag or a list of words.
public enum FigureSetting: Sendable, Equatable {
    case text(String)
    case number(Double)
    case flag(Bool)
    case list([String])

    /// The setting as a list of words.
    public var words: [String] {
        switch self {
        case .text(let s): return [s]
        case .list(let l): return l
        case .number(let x): return [ParameterValue.number(x).description]
        case .flag(let b): return [String(b)]
        }
    }
}

/// Clustering of each embedding: a Gaussian-mixture sweep over k and covariance
/// types, the choice by BIC elbow / minimum, and its agreement with the labels; or, with
/// `method: hdbscan`, one HDBSCAN clustering (`hdbscan` set, the GMM fields unused), or with
/// `method: hdbscan-package` the same clustering by the `hdbscan` Python package.
public struct ClusteringSpec: Codable, Sendable, Equatable {
    /// HDBSCAN's options when the spec says `method: hdbscan` or `hdbscan-package` (nil: the GMM sweep).
    public var hdbscan: HDBSCAN.Options? = nil
    /// Who runs HDBSCAN: nil, ours; "hdbscan-package", the `hdbscan` Python package through
    /// `Tools/adapters/hdbscan_ref.py` (a reference, recorded like ours plus its agreement with ours).
    public var implementation: String? = nil
    /// The package's `approx_min_span_tree` (nil: its default, true); only with "hdbscan-package".
    public var approximateTree: Bool? = nil
    /// Cluster counts to sweep.
    public var ks: [Int]
    /// Covariance types ("full", "tied", "diag", "spherical").
    public var covarianceTypes: [String]
    /// EM restarts per setting (the best log-likelihood is kept).
    public var nInit: Int
}
