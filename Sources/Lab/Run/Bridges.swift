import Datasets
import Foundation
import Linalg
import Neighbors
import Embedding
import Quality

/// Connects `Lab` to the `Datasets` module: names, options, loading.
enum DatasetBridge {
    static var names: [String] { DatasetLoader.registryNames + DatasetLoader.generatorNames + DatasetLoader.indexedGeneratorNames + ["file"] }

    static func options(for name: String) -> [String] { DatasetLoader.allowedOptions(for: name) }

    /// Registry data sets with both a train and a test split (what `transform` can hold out).
    static var splitNames: [String] {
        DatasetRegistry.standard.entries.filter { Set($0.splits).isSuperset(of: ["train", "test"]) }.map(\.name)
    }

    static func hasSplits(_ name: String) -> Bool { splitNames.contains(name) }

    /// Registry sets that are tables (read with typed columns and blocks).
    static var tableNames: [String] { DatasetRegistry.standard.entries.filter { $0.format == .table }.map(\.name) }

    /// Loads the held-out `transform` split of a selection: all of its points, same scaling.
    static func loadHeldOut(_ selection: DatasetSelection, seed: UInt64) throws -> PreparedData? {
        guard let held = selection.transform else { return nil }
        var heldOut = selection
        heldOut.split = held
        heldOut.n = nil
        heldOut.transform = nil
        return try load(heldOut, seed: seed)
    }

    /// Loads the selection (without PCA pre-reduction, which `DataPreparation` applies).
    static func load(_ selection: DatasetSelection, seed: UInt64) throws -> PreparedData {
        guard let subsample = Subsample(rawValue: selection.subsample),
              let scaling = Scaling(rawValue: selection.scaling) else {
            throw LabError.invalid("unknown subsample '\(selection.subsample)' or scaling '\(selection.scaling)'")
        }
        let request = DatasetRequest(name: selection.name, n: selection.n, split: selection.split,
                                     subsample: subsample, scaling: scaling, path: selection.path,
                                     labelsPath: selection.labelsPath, labelColumn: selection.labelColumn,
                                     options: selection.options)
        if let table = selection.table { return try loadTable(request, table: table, seed: seed) }
        let dataset = try DatasetLoader.load(request, seed: seed)
        return PreparedData(matrix: dataset.data, labels: dataset.labels, coordinate: dataset.coordinate,
                            colors: dataset.colors, checksum: dataset.checksum, warnings: [], imageShape: dataset.imageShape)
    }
}

extension DatasetBridge {
    /// Loads a table and turns its encoded blocks into UMAP's graph blocks (one `BlockDistance` each).
    static func loadTable(_ request: DatasetRequest, table: TableRequest, seed: UInt64) throws -> PreparedData {
        let loaded = try DatasetLoader.loadTable(request, table: table, seed: seed)
        func graphBlock(_ block: EncodedBlock) throws -> GraphBlock {
            let distance: BlockDistance
            switch block.features {
            case .vectors(let m): distance = .vectors(m, try Metric(name: block.metric))
            case .categories(let codes, let w): distance = .categorical(codes: codes, columns: w)
            case .ranks(let r, let w): distance = .ordinal(ranks: r, columns: w)
            case .strings(let s): distance = .strings(s)
            case .gower(let m, let codes, let w): distance = .gower(numeric: m, codes: codes, codeColumns: w)
            }
            return GraphBlock(name: block.name, distance: distance, nNeighbors: block.nNeighbors)
        }
        let blocks = try loaded.blocks.map(graphBlock)
        var prepared = PreparedData(matrix: loaded.encoded, labels: loaded.labels, coordinate: nil, colors: nil,
                                    checksum: loaded.checksum, warnings: [])
        prepared.blocks = blocks
        prepared.measuredBlocks = try loaded.measured.map(graphBlock)
        prepared.combine = try table.combine.map { try GraphCombination(parsing: $0) }
        prepared.table = loaded.table.summary
        let inferred = loaded.table.summary.columns.filter { $0.used && $0.inferred }
        if !inferred.isEmpty {
            prepared.warnings.append("\(URL(fileURLWithPath: loaded.table.source).lastPathComponent): column types inferred: "
                + inferred.map { "\($0.name) \($0.kind)" + ($0.levels.map { " (\($0) levels)" } ?? "") }.joined(separator: ", ")
                + "; declare them under 'columns:' to fix them")
        }
        if loaded.table.summary.rowsUsed < loaded.table.summary.rowsRead {
            prepared.warnings.append("\(loaded.table.summary.rowsRead - loaded.table.summary.rowsUsed) of \(loaded.table.summary.rowsRead) rows not used (missing values: \(table.missing.rawValue), or n)")
        }
        return prepared
    }
}

/// Array files (.npy) in the result store, through `Datasets.NPY`.
enum ArrayFiles {
    /// Writes a float32 matrix atomically; returns the SHA-256 (hex) of the bytes.
    static func write(_ matrix: Matrix, to url: URL) throws -> String {
        let bytes = Data(NPY.encode(matrix))
        try ResultStore.writeAtomically(bytes, to: url)
        return sha256(bytes)
    }

    /// Writes int64 labels atomically; returns the SHA-256 (hex) of the bytes.
    static func write(labels: [Int], to url: URL) throws -> String {
        let bytes = Data(NPY.encode(labels: labels))
        try ResultStore.writeAtomically(bytes, to: url)
        return sha256(bytes)
    }

    static func readMatrix(_ url: URL) throws -> Matrix { try NPY.readMatrix(from: url) }

    static func readLabels(_ url: URL) throws -> [Int] { try NPY.readLabels(from: url) }

    static func sha256(of url: URL) throws -> String {
        guard let bytes = FileManager.default.contents(atPath: url.path) else {
            throw LabError.io("cannot read \(url.path)")
        }
        return sha256(bytes)
    }

    static func sha256(_ bytes: Data) -> String { Checksum.sha256(bytes) }
}

/// Connects `Lab` to the `Quality` module: metric names and evaluation.
enum MetricBridge {
    static var names: [String] { QualityMetric.knownNames }

    static func problem(_ name: String) -> String? {
        do {
            _ = try QualityMetric(parsing: name)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Whether a metric name measures held-out points placed by `transform`.
    static func needsHeldOut(_ name: String) -> Bool { (try? QualityMetric(parsing: name))?.needsHeldOut ?? false }

    /// Whether a metric name needs class labels (it is skipped, with no record, on unlabelled data).
    static func needsLabels(_ name: String) -> Bool { (try? QualityMetric(parsing: name))?.needsLabels ?? false }

    /// Held-out metrics of `names` for the transformed points, by the spec's spelling.
    static func evaluateHeldOut(_ names: [String], training: Matrix, trainingLabels: [Int]?, heldOut: Matrix,
                                heldOutLabels: [Int]?) throws -> [MetricRecord] {
        let wanted = names.filter(needsHeldOut)
        guard !wanted.isEmpty, let trainingLabels, let heldOutLabels else { return [] }
        let metrics = try wanted.map { try QualityMetric(parsing: $0) }
        let results = try QualityEvaluator.evaluateHeldOut(metrics, training: training, trainingLabels: trainingLabels,
                                                           heldOut: heldOut, heldOutLabels: heldOutLabels)
        return records(results, metrics: metrics, names: wanted)
    }

    /// Results as records named in the spec's spelling of each metric, so records match the spec.
    private static func records(_ results: [MetricResult], metrics: [QualityMetric], names: [String]) -> [MetricRecord] {
        results.map { result in
            let specName = zip(metrics, names).first { $0.0.name == result.name }?.1 ?? result.name
            return MetricRecord(name: specName, value: result.value, standardError: result.standardError,
                                seconds: result.seconds, detail: result.detail)
        }
    }

    /// Per-block measurements of a table's embedding, named "<metric>[<block>]": for each
    /// `trustworthiness@k` of the spec, trustworthiness with input ranks under every non-categorical
    /// block's own distance; for each `knn-accuracy@k`, the kNN accuracy of every categorical block's
    /// values (its purity in the embedding).
    static func evaluateBlocks(_ names: [String], blocks: [GraphBlock], embedding: Matrix) throws -> [MetricRecord] {
        var out: [MetricRecord] = []
        for name in names {
            guard let metric = try? QualityMetric(parsing: name) else { continue }
            for block in blocks {
                let clock = Clock.wallSeconds()
                switch (metric, block.distance) {
                case (.trustworthiness(let k), let distance) where !distance.isCategorical:
                    let value = try NeighborhoodMetrics.trustworthiness(block: distance, embedding: embedding, k: k)
                    out.append(MetricRecord(name: "\(metric.name)[\(block.name)]", value: value,
                                            seconds: Clock.wallSeconds() - clock))
                case (.knnAccuracy(let k), .categorical(let codes, let width)):
                    var index: [[Int32]: Int] = [:]
                    let labels = (0..<embedding.rows).map { i -> Int in
                        let key = Array(codes[i * width ..< (i + 1) * width])
                        if let code = index[key] { return code }
                        index[key] = index.count
                        return index.count - 1
                    }
                    let value = try KNNAccuracy.leaveOneOut(embedding: embedding, labels: labels, ks: [k])[k] ?? .nan
                    out.append(MetricRecord(name: "\(metric.name)[\(block.name)]", value: value,
                                            seconds: Clock.wallSeconds() - clock))
                default: break
                }
            }
        }
        return out
    }

    static func evaluate(_ names: [String], data: Matrix, embedding: Matrix, labels: [Int]?,
                         seed: UInt64) throws -> [MetricRecord] {
        let names = names.filter { !needsHeldOut($0) }
        if names.isEmpty { return [] }
        let metrics = try names.map { try QualityMetric(parsing: $0) }
        // Metrics that need labels are skipped (with no record) on unlabelled data.
        let usable = labels == nil ? metrics.filter { !$0.needsLabels } : metrics
        let results = try QualityEvaluator.evaluate(usable, data: data, embedding: embedding, labels: labels, seed: seed)
        return records(results, metrics: metrics, names: names)
    }
}
