import Datasets
import Foundation
import Linalg
import Quality

/// Connects `Lab` to the `Datasets` module: names, options, loading.
enum DatasetBridge {
    static var names: [String] { DatasetLoader.registryNames + DatasetLoader.generatorNames + ["file"] }

    static func options(for name: String) -> [String] { DatasetLoader.allowedOptions(for: name) }

    /// Registry data sets with both a train and a test split (what `transform` can hold out).
    static var splitNames: [String] {
        DatasetRegistry.standard.entries.filter { Set($0.splits).isSuperset(of: ["train", "test"]) }.map(\.name)
    }

    static func hasSplits(_ name: String) -> Bool { splitNames.contains(name) }

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
        let dataset = try DatasetLoader.load(request, seed: seed)
        return PreparedData(matrix: dataset.data, labels: dataset.labels, coordinate: dataset.coordinate,
                            colors: dataset.colors, checksum: dataset.checksum, warnings: [])
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
