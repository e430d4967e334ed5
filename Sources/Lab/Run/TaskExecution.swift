import Datasets
import Embedding
import Neighbors
import Foundation
import Linalg

/// What a task needs of its spec besides the task itself (so a worker needs no YAML).
public struct TaskContext: Codable, Sendable {
    /// Experiment name (the results folder).
    public var experiment: String
    /// SHA-256 of the spec file.
    public var specHash: String
    /// Metrics to compute, as spelled in the spec.
    public var metrics: [String]
    /// The clustering step, if the spec has one.
    public var clustering: ClusteringSpec?

    init(_ spec: ExperimentSpec) {
        experiment = spec.name
        specHash = spec.sourceHash
        metrics = spec.metrics
        clustering = spec.clustering
    }
}

/// Runs one task: fit, measure, write its arrays; returns the record, which the caller stores
/// last (the record on disk is what marks the task complete).
///
/// It runs inside whichever process runs the task: a worker (`Worker`) or, for tests and
/// `--in-process`, `mbench run` itself.
struct TaskExecution {
    let task: ExperimentTask
    let context: TaskContext
    let store: ResultStore
    let data: PreparedData
    var timer: PhaseTimer
    var progress: ProgressHandler?
    /// A stored result of the same task (same content hash) whose embedding is reused instead of fitting.
    var earlier: EmbeddingReuse.Found?
    /// The fingerprints recorded with the result.
    var fingerprint: TaskFingerprint

    func run() throws -> RunRecord {
        let rssBeforeFit = Clock.residentBytes()
        var timer = self.timer
        let result: EmbeddingResult
        var transformed: Matrix?
        let fitWall: Double, fitCPU: Double
        if let earlier {
            // The embedding is a pure function of the task: reuse it with its original timings.
            result = try earlier.result()
            transformed = try earlier.transformed()
            fitWall = earlier.record.fitWallSeconds
            fitCPU = earlier.record.fitCPUSeconds
            timer.append(earlier.record.phases.filter { !["load_data", "metrics", "clustering"].contains($0.name) })
        } else {
            let algorithm = try Catalog.makeAlgorithm(task.algorithm, parameters: task.parameters)
            // CPU time includes child processes (external reference implementations).
            let clock = FitClock()
            if let heldOut = data.heldOut {
                guard let transforming = algorithm as? any TransformingAlgorithm else {
                    throw LabError.invalid("algorithm '\(task.algorithm)' cannot place held-out points with transform")
                }
                (result, transformed) = try transforming.fitTransform(data.matrix, labels: data.labels, newData: heldOut,
                                                                      seed: task.seed, progress: progress)
            } else if let blocks = data.blocks {
                guard let umap = algorithm as? UMAP else {
                    throw LabError.invalid("data set '\(task.datasetLabel)' has blocks with their own metrics, which only umap combines; algorithm '\(task.algorithm)' cannot run on it")
                }
                guard !umap.supervised else {
                    throw LabError.invalid("supervised umap on blocks: add the label column as a categorical block instead (the same far-distance rule)")
                }
                result = try umap.fitBlocks(blocks, combine: data.combine, initData: data.matrix, seed: task.seed,
                                            progress: progress)
            } else {
                result = try algorithm.fit(data.matrix, labels: data.labels, seed: task.seed, progress: progress)
            }
            (fitWall, fitCPU) = clock.stop(result)
            timer.append(result.phases)
        }
        if let bad = result.embedding.firstNonFinite() {
            throw LabError.taskFailed(task: task.summary,
                                      message: "embedding has a non-finite value at row \(bad.row); not stored")
        }
        if let bad = transformed?.firstNonFinite() {
            throw LabError.taskFailed(task: task.summary,
                                      message: "transformed held-out point \(bad.row) is not finite; not stored")
        }
        var metrics = try timer.measure("metrics") {
            var records = try MetricBridge.evaluate(context.metrics, data: data.matrix, embedding: result.embedding,
                                                    labels: data.labels, seed: task.seed)
            if let transformed {
                records += try MetricBridge.evaluateHeldOut(context.metrics, training: result.embedding, trainingLabels: data.labels,
                                                            heldOut: transformed, heldOutLabels: data.heldOutLabels)
            }
            if let blocks = data.blocks {
                // Each distinct block once: a measured block with the name of a combined one is the same block.
                let measuredOnly = data.measuredBlocks.filter { m in !blocks.contains { $0.name == m.name } }
                records += try MetricBridge.evaluateBlocks(context.metrics, blocks: blocks + measuredOnly,
                                                           embedding: result.embedding)
            }
            return records
        }
        var clusteringFiles: (report: String, clusters: String)?
        if let clustering = context.clustering {
            let outcome = try timer.measure("clustering") {
                try ClusteringStep.run(clustering, embedding: result.embedding, labels: data.labels, seed: task.seed,
                                       store: store, taskID: task.id)
            }
            metrics += outcome.metrics
            clusteringFiles = (outcome.report, outcome.clusters)
        }
        let peak = earlier?.record.peakRSSBytes ?? Clock.peakRSSBytes()
        var referencePeak = earlier?.record.referencePeakRSSBytes
        if referencePeak == nil, let reported = result.diagnostics[referencePeakRSSDiagnostic] {
            referencePeak = try Checked.rounded(reported, referencePeakRSSDiagnostic, in: 0...Int.max)
        }
        // Arrays beside the record, named "<task id>.<name>.npy"; each write returns the file's SHA-256.
        func write(_ matrix: Matrix, _ name: String?) throws -> (file: String, hash: String) {
            let file = name.map { "\(task.id).\($0).npy" } ?? "\(task.id).npy"
            return (file, try ArrayFiles.write(matrix, to: store.url(file)))
        }
        func write(labels: [Int], _ name: String) throws -> String {
            let file = "\(task.id).\(name).npy"
            _ = try ArrayFiles.write(labels: labels, to: store.url(file))
            return file
        }
        let (embeddingFile, embeddingHash) = try write(result.embedding, nil)
        let labelsFile = try data.labels.map { try write(labels: $0, "labels") }
        let coordinateFile = try data.coordinate.map {
            try write(try Matrix(rows: $0.count, cols: 1, storage: $0), "coordinate").file
        }
        let colorsFile = try data.colors.map { try write($0, "colors").file }
        let subsampleFile = try data.subsampleRows.map { try write(labels: $0, "subsample") }
        let transformedFiles = try transformed.map { try write($0, "transformed") }
        let transformedLabelsFile = transformed == nil ? nil
            : try data.heldOutLabels.map { try write(labels: $0, "transformed.labels") }
        var seriesFiles: [String: String] = [:]
        for (name, values) in result.series.sorted(by: { $0.key < $1.key }) {
            seriesFiles[name] = try write(try Matrix(rows: values.count, cols: 1, storage: values.map { Float($0) }), name).file
        }
        var record = RunRecord(
            experiment: context.experiment, task: task,
            provenance: .current(specHash: context.specHash, dataChecksum: data.checksum),
            dataRows: data.matrix.rows, dataCols: data.matrix.cols, phases: timer.phases,
            fitWallSeconds: fitWall, fitCPUSeconds: fitCPU, peakRSSBytes: peak,
            diagnostics: result.diagnostics, metrics: metrics, warnings: data.warnings + result.warnings,
            embeddingFile: embeddingFile, embeddingSHA256: embeddingHash, labelsFile: labelsFile,
            coordinateFile: coordinateFile, seriesFiles: seriesFiles,
            clusteringFile: clusteringFiles?.report, clustersFile: clusteringFiles?.clusters,
            colorsFile: colorsFile, transformedFile: transformedFiles?.file,
            transformedSHA256: transformedFiles?.hash, transformedLabelsFile: transformedLabelsFile)
        record.fingerprints = fingerprint
        record.referencePeakRSSBytes = referencePeak
        record.inputBytes = (data.matrix.storage.count + (data.heldOut?.storage.count ?? 0)) * MemoryLayout<Float>.size
        record.rssBeforeFitBytes = earlier?.record.rssBeforeFitBytes ?? rssBeforeFit
        record.table = data.table
        record.subsampleFile = subsampleFile
        return record
    }
}

/// Data ready for an algorithm: loaded, subsampled, scaled and optionally PCA-reduced.
struct PreparedData {
    var matrix: Matrix
    var labels: [Int]?
    var coordinate: [Float]?
    /// Per-point RGB in [0, 1] (n × 3), for data sets with a natural colour (the colour cube).
    var colors: Matrix? = nil
    var checksum: String
    var warnings: [String]
    /// The held-out split a task places with `transform` (same preprocessing), and its labels.
    var heldOut: Matrix? = nil
    var heldOutLabels: [Int]? = nil
    /// A table's blocks, each with its own distance (UMAP combines their fuzzy sets); nil for matrices.
    var blocks: [GraphBlock]? = nil
    /// Blocks only measured (per-block metrics), not combined.
    var measuredBlocks: [GraphBlock] = []
    /// How the blocks are combined (see `GraphCombination.perBlock`).
    var combine: [GraphCombination] = []
    /// How the table was read (column types, missing values), for the record.
    var table: TableSummary? = nil
    /// For a `fraction` subsample: the kept rows of the loaded points, ascending (nil = all).
    var subsampleRows: [Int]? = nil
    /// Picture size [height, width] when each row is an image (MNIST: [28, 28]), else nil.
    var imageShape: [Int]? = nil
}

/// Loads a data selection and applies its preprocessing.
enum DataPreparation {
    static func prepare(_ selection: DatasetSelection, seed: UInt64) throws -> PreparedData {
        var prepared = try DatasetBridge.load(selection, seed: seed)
        if let held = try DatasetBridge.loadHeldOut(selection, seed: seed) {
            prepared.heldOut = held.matrix
            prepared.heldOutLabels = held.labels
        }
        if let views = selection.views {
            // Each view is its own block: the matrix, or its first `pca` principal components.
            prepared.blocks = try views.views.map { view in
                var matrix = prepared.matrix
                if let m = view.pca {
                    guard m < matrix.cols else {
                        throw LabError.invalid("view '\(view.name)': pca \(m) needs fewer dimensions than the data's \(matrix.cols)")
                    }
                    matrix = try PCA(nComponents: m).fitModel(matrix, seed: seed).transform(matrix)
                }
                return GraphBlock(name: view.name, distance: .vectors(matrix, try Metric(name: view.metric)), nNeighbors: view.nNeighbors)
            }
            prepared.combine = try views.combine.map { try GraphCombination(parsing: $0) }
        }
        if let fraction = selection.fraction {
            // A nested subsample of the loaded points (its rows into them are stored with the record).
            let rows = try Preprocessing.nestedSubsampleIndices(total: prepared.matrix.rows, fraction: fraction,
                                                                labels: prepared.labels, seed: seed)
            prepared.matrix = prepared.matrix.selectingRows(rows)
            prepared.labels = prepared.labels.map { l in rows.map { l[$0] } }
            prepared.coordinate = prepared.coordinate.map { c in rows.map { c[$0] } }
            prepared.colors = prepared.colors.map { $0.selectingRows(rows) }
            prepared.subsampleRows = rows
        }
        if let d = selection.projection {
            prepared.matrix = try RandomProjection.project(prepared.matrix, to: d, seed: seed)
        }
        if let m = selection.pca {
            if m >= prepared.matrix.cols {
                prepared.warnings.append("pca: \(m) ≥ \(prepared.matrix.cols) features; pre-reduction skipped")
            } else {
                // Axes from the fitted split only; held-out points are projected onto them.
                let model = try PCA(nComponents: m).fitModel(prepared.matrix, seed: seed)
                prepared.matrix = try model.transform(prepared.matrix)
                if let held = prepared.heldOut { prepared.heldOut = try model.transform(held) }
            }
        }
        return prepared
    }
}
