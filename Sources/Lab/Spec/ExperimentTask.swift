import Datasets
import Embedding
import Foundation

/// Which data a task runs on: one point of a data-set entry's sweep.
public struct DatasetSelection: Codable, Hashable, Sendable {
    public var name: String
    public var n: Int?
    public var split: String?
    /// Held-out split placed by `transform` after the fit (nil = none; absent from the hash when nil).
    public var transform: String?
    public var subsample: String
    public var scaling: String
    public var path: String?
    public var labelsPath: String?
    public var labelColumn: String?
    /// Generator options, one value each.
    public var options: [String: Double]
    /// PCA pre-reduction dimension, if any.
    public var pca: Int?
    /// Typed columns and blocks of a table (absent from the hash when nil).
    public var table: TableRequest? = nil
    /// Views of a matrix data set, each with its own metric (absent from the hash when nil).
    public var views: MatrixViews? = nil
    /// Nested subsample of the loaded points, as a fraction in (0, 1) (absent from the hash when
    /// nil = all of them; see `Preprocessing.nestedSubsampleIndices`).
    public var fraction: Double? = nil
    /// Dimension of a seeded Gaussian random projection of the data (absent from the hash when nil;
    /// see `RandomProjection`).
    public var projection: Int? = nil
}

/// Several views of one matrix, each a block with its own metric (and optional PCA reduction),
/// combined like a table's blocks: e.g. MNIST pixels by cosine ∩ their PCA-50 by euclidean.
public struct MatrixViews: Codable, Hashable, Sendable {
    /// One view: a metric on the matrix or on its first `pca` principal components.
    public struct View: Codable, Hashable, Sendable {
        public var name: String
        public var metric: String
        /// PCA reduction of this view (nil = the matrix as it is).
        public var pca: Int?
        /// Neighbours of this view's graph (nil = the algorithm's n_neighbors).
        public var nNeighbors: Int?
    }
    public var views: [View]
    /// As a table's `combine` (`GraphCombination`).
    public var combine: [String]
}

/// One unit of work: a data selection, an algorithm with concrete parameters, and a seed.
public struct ExperimentTask: Codable, Sendable {
    /// Display name of the data set (not part of the hash).
    public var datasetLabel: String
    public var dataset: DatasetSelection
    public var algorithm: String
    /// Display name of the algorithm (not part of the hash).
    public var algorithmLabel: String
    /// Parameters given in the spec (absent ones take the algorithm's defaults).
    public var parameters: [String: ParameterValue]
    public var seed: UInt64
    /// Stable content hash of everything that determines the result (hex, 16 characters).
    public var id: String

    public init(datasetLabel: String, dataset: DatasetSelection, algorithm: String, algorithmLabel: String,
                parameters: [String: ParameterValue], seed: UInt64) {
        self.datasetLabel = datasetLabel
        self.dataset = dataset
        self.algorithm = algorithm
        self.algorithmLabel = algorithmLabel
        self.parameters = parameters
        self.seed = seed
        self.id = ExperimentTask.contentHash(dataset: dataset, algorithm: algorithm, parameters: parameters, seed: seed)
    }

    /// Version of the hashed content's layout; bump it when the meaning of a field changes.
    static let hashSchema = 1

    private struct HashedContent: Encodable {
        let schema: Int
        let dataset: DatasetSelection
        let algorithm: String
        let parameters: [String: ParameterValue]
        let seed: UInt64
    }

    /// SHA-256 over canonical JSON (sorted keys) of the result-determining fields.
    static func contentHash(dataset: DatasetSelection, algorithm: String, parameters: [String: ParameterValue],
                            seed: UInt64) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let content = HashedContent(schema: hashSchema, dataset: dataset, algorithm: algorithm,
                                    parameters: parameters, seed: seed)
        // Encoding plain strings, numbers and dictionaries cannot fail.
        let bytes = (try? encoder.encode(content)) ?? Data()
        return String(Checksum.sha256(bytes).prefix(16))  // the first 8 bytes of the SHA-256, in hex
    }

    /// A short human-readable description ("umap n_neighbors=15 on mnist n=1000 seed=0").
    public var summary: String {
        var parts = [algorithm]
        parts += parameters.keys.sorted().map { "\($0)=\(parameters[$0]!)" }
        parts.append("on \(dataset.name)")
        if let n = dataset.n { parts.append("n=\(n)") }
        parts += dataset.options.keys.sorted().map { "\($0)=\(ParameterValue.number(dataset.options[$0]!))" }
        if let f = dataset.fraction { parts.append("fraction=\(ParameterValue.number(f))") }
        if let d = dataset.projection { parts.append("projection=\(d)") }
        if let m = dataset.pca { parts.append("pca=\(m)") }
        if let t = dataset.transform { parts.append("transform=\(t)") }
        if let table = dataset.table { parts.append("blocks=" + table.blocks.map(\.name).joined(separator: ",")) }
        if let views = dataset.views { parts.append("views=" + views.views.map(\.name).joined(separator: ",")) }
        parts.append("seed=\(seed)")
        return parts.joined(separator: " ")
    }
}

/// The tasks of an experiment, in a fixed order.
public struct Plan: Sendable {
    public let spec: ExperimentSpec
    public let tasks: [ExperimentTask]

    /// Expands the spec's sweeps: data sets × sizes × options × PCA × algorithms × parameters × seeds.
    public init(spec: ExperimentSpec) {
        self.spec = spec
        var tasks: [ExperimentTask] = []
        for data in spec.datasets {
            let optionGrid = Plan.cartesian(data.options.map { ($0.name, $0.values) })
            for n in data.sizes {
                for options in optionGrid {
                    for (projection, fraction, pca) in Plan.preprocessingGrid(data) {
                        let selection = DatasetSelection(
                            name: data.name, n: n, split: data.split, transform: data.transformSplit,
                            subsample: data.subsample,
                            scaling: data.scaling, path: data.path, labelsPath: data.labelsPath,
                            labelColumn: data.labelColumn, options: options, pca: pca, table: data.table,
                            views: data.views, fraction: fraction, projection: projection)
                        for algorithm in spec.algorithms {
                            for parameters in Plan.cartesian(algorithm.parameters.map { ($0.name, $0.values) }) {
                                for seed in spec.seeds {
                                    tasks.append(ExperimentTask(
                                        datasetLabel: data.label, dataset: selection, algorithm: algorithm.name,
                                        algorithmLabel: algorithm.label, parameters: parameters, seed: seed))
                                }
                            }
                        }
                    }
                }
            }
        }
        // The same task listed twice (e.g. overlapping sweeps) runs once.
        var seen = Set<String>()
        self.tasks = tasks.filter { seen.insert($0.id).inserted }
    }

    /// The projection × fraction × PCA sweep of a data-set entry, projection varying slowest.
    static func preprocessingGrid(_ data: DatasetSpec) -> [(projection: Int?, fraction: Double?, pca: Int?)] {
        data.projections.flatMap { d in data.fractions.flatMap { f in data.pcaDimensions.map { (d, f, $0) } } }
    }

    /// All combinations of the named value lists, first name varying slowest.
    static func cartesian<V>(_ axes: [(String, [V])]) -> [[String: V]] {
        var out: [[String: V]] = [[:]]
        for (name, values) in axes {
            out = out.flatMap { partial in values.map { v in partial.merging([name: v]) { $1 } } }
        }
        return out
    }

    /// The tasks of shard `index` (0-based) out of `count`: every count-th task, deterministic.
    public func shard(_ index: Int, of count: Int) -> [ExperimentTask] {
        tasks.enumerated().filter { $0.offset % count == index }.map(\.element)
    }
}
