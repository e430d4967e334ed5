import Datasets
import Embedding

/// What a spec may name: algorithms, data sets, metrics. `Lab` is the only
/// module that knows all of them; the lists come from the modules themselves.
public enum Catalog {
    /// Algorithms that specs and `mbench embed` can run.
    static var algorithms: [any EmbeddingAlgorithm.Type] {
        [PCA.self, TSNE.self, UMAP.self, DensMAP.self, LargeVis.self, LaplacianEigenmaps.self, NeighborDistanceProfile.self] + ExternalAdapters.types + TestAlgorithms.types
    }

    /// Names of the algorithms.
    public static var algorithmNames: [String] { algorithms.map { $0.name } }

    /// Parameter documentation of an algorithm, or nil if unknown.
    public static func parameterDocs(algorithm: String) -> [ParameterDoc]? {
        algorithms.first { $0.name == algorithm }?.parameterDocs
    }

    /// Builds an algorithm from its name and parameters (validated).
    public static func makeAlgorithm(_ name: String, parameters: Parameters) throws -> any EmbeddingAlgorithm {
        guard let type = algorithms.first(where: { $0.name == name }) else {
            throw LabError.invalid("unknown algorithm '\(name)'; known: \(algorithmNames.joined(separator: ", "))")
        }
        return try type.init(parameters: parameters)
    }

    /// Whether the algorithm can place new points into a fitted embedding (`TransformingAlgorithm`).
    public static func supportsTransform(_ name: String) -> Bool {
        algorithms.first { $0.name == name } is any TransformingAlgorithm.Type
    }

    /// Data set names a spec may use (registry sets, generators, and "file").
    public static var datasetNames: [String] { DatasetBridge.names }

    /// Registry data sets that are tables (they need blocks).
    public static var tableNames: [String] { DatasetBridge.tableNames }

    /// Block metrics with what columns each takes, for `mbench list`.
    public static var blockMetrics: [(name: String, help: String)] { TableBlocks.metricHelp }

    /// How blocks may be combined, in words.
    public static var combineSpellings: String { GraphCombination.spellings }

    /// Options a data-set generator accepts.
    public static func generatorOptions(_ name: String) -> [String] { DatasetBridge.options(for: name) }

    /// Metric names and patterns a spec may use.
    public static var metricNames: [String] { MetricBridge.names }

    /// nil when `name` is a known metric, else a message saying what is allowed.
    public static func metricProblem(_ name: String) -> String? { MetricBridge.problem(name) }
}
