import Embedding
import Foundation
import Linalg

/// How `Runner` runs an experiment.
public struct RunOptions: Sendable {
    /// Folder holding one sub-folder per experiment (default `Figures`).
    public var resultsRoot: URL
    /// Recompute tasks that already have results.
    public var force: Bool
    /// Run only shard `index` of `count` (0-based), for splitting a sweep across machines.
    public var shard: (index: Int, count: Int)?
    /// Draw the spec's figures after the tasks.
    public var drawFigures: Bool

    public init(resultsRoot: URL = URL(fileURLWithPath: "Figures"), force: Bool = false,
                shard: (index: Int, count: Int)? = nil, drawFigures: Bool = true) {
        self.resultsRoot = resultsRoot
        self.force = force
        self.shard = shard
        self.drawFigures = drawFigures
    }
}

/// What a run did.
public struct RunSummary: Sendable {
    public var experiment: String
    /// Tasks computed in this run.
    public var computed: Int
    /// Tasks whose stored results were reused.
    public var reused: Int
    /// Tasks that failed, with their messages.
    public var failures: [(task: String, message: String)]
    /// Figure files written.
    public var figures: [URL]
}

/// Runs the tasks of an experiment that have no stored result yet, then draws its figures.
///
/// It wires modules together and computes nothing itself: data from `Datasets`,
/// embeddings from `Embedding`, measurements from `Quality`, storage in `ResultStore`.
public struct Runner {
    public let options: RunOptions
    /// Receives one line per event (task started / finished / reused / failed).
    public let log: (String) -> Void

    public init(options: RunOptions, log: @escaping (String) -> Void = { print($0) }) {
        self.options = options
        self.log = log
    }

    /// Runs `spec`; throws only for problems that stop the whole run (e.g. an unwritable folder).
    public func run(_ spec: ExperimentSpec) throws -> RunSummary {
        let plan = Plan(spec: spec)
        let store = ResultStore(root: options.resultsRoot, experiment: spec.name)
        try store.prepare()
        store.removeLeftovers()
        let tasks = options.shard.map { plan.shard($0.index, of: $0.count) } ?? plan.tasks
        var summary = RunSummary(experiment: spec.name, computed: 0, reused: 0, failures: [], figures: [])
        var loaded: (key: DatasetSelection, seed: UInt64, data: PreparedData)?
        for (position, task) in tasks.enumerated() {
            let tag = "[\(spec.name) \(position + 1)/\(tasks.count)] \(task.summary)"
            if !options.force, let existing = store.record(for: task.id),
               Set(spec.metrics).isSubset(of: Set(existing.metrics.map(\.name))),
               spec.clustering == nil || existing.clusteringFile != nil {
                summary.reused += 1
                log("\(tag): done before, reused")
                continue
            }
            do {
                MachineFacts.resetPeakRSS()
                var timer = PhaseTimer()
                let data: PreparedData
                if let cached = loaded, cached.key == task.dataset, cached.seed == task.seed {
                    data = cached.data
                } else {
                    loaded = nil  // free the previous data set before loading the next
                    data = try timer.measure("load_data") { try DataPreparation.prepare(task.dataset, seed: task.seed) }
                    loaded = (task.dataset, task.seed, data)
                }
                let earlier = options.force ? nil : EmbeddingReuse.find(task.id, current: store, root: options.resultsRoot)
                if let earlier { log("\(tag): reusing the embedding stored by experiment '\(earlier.record.experiment)'") }
                let record = try TaskExecution(task: task, spec: spec, store: store, data: data, timer: timer,
                                               progress: TerminalProgress.handler(prefix: tag), earlier: earlier).run()
                TerminalProgress.clearLine()
                summary.computed += 1
                let metrics = record.metrics.map { "\($0.name)=\(String(format: "%.4f", $0.value))" }.joined(separator: " ")
                log("\(tag): \(String(format: "%.2f", record.fitWallSeconds)) s \(metrics)")
                for warning in record.warnings { log("  warning: \(warning)") }
            } catch {
                TerminalProgress.clearLine()
                summary.failures.append((task.summary, "\(error)"))
                log("\(tag): FAILED: \(error)")
            }
        }
        let records = store.allRecords()
        try Summary.write(spec: spec, records: records, to: store.experimentDirectory.appendingPathComponent("summary.md"))
        if options.drawFigures && options.shard == nil {
            summary.figures = try FigureDrawing.draw(spec: spec, records: records, store: store, log: log)
        }
        return summary
    }
}

extension Runner {
    /// Re-draws the figures of `spec` from its stored results, computing nothing.
    public func drawFigures(_ spec: ExperimentSpec) throws -> [URL] {
        let store = ResultStore(root: options.resultsRoot, experiment: spec.name)
        let records = store.allRecords()
        guard !records.isEmpty else {
            throw LabError.invalid("no stored results for '\(spec.name)' under \(store.resultsDirectory.path); run it first with mbench run")
        }
        return try FigureDrawing.draw(spec: spec, records: records, store: store, log: log)
    }
}

/// Runs one task: fit, measure, store.
struct TaskExecution {
    let task: ExperimentTask
    let spec: ExperimentSpec
    let store: ResultStore
    let data: PreparedData
    var timer: PhaseTimer
    var progress: ProgressHandler?
    /// A stored result of the same task (same content hash) whose embedding is reused instead of fitting.
    var earlier: EmbeddingReuse.Found?

    func run() throws -> RunRecord {
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
            let start = (Clock.wallSeconds(), Clock.processCPUSeconds() + ExternalProcess.childCPUSeconds())
            if let heldOut = data.heldOut {
                guard let transforming = algorithm as? any TransformingAlgorithm else {
                    throw LabError.invalid("algorithm '\(task.algorithm)' cannot place held-out points with transform")
                }
                (result, transformed) = try transforming.fitTransform(data.matrix, labels: data.labels, newData: heldOut,
                                                                      seed: task.seed, progress: progress)
            } else {
                result = try algorithm.fit(data.matrix, labels: data.labels, seed: task.seed, progress: progress)
            }
            fitWall = Clock.wallSeconds() - start.0 - result.diagnosticWallSeconds
            fitCPU = Clock.processCPUSeconds() + ExternalProcess.childCPUSeconds() - start.1 - result.diagnosticCPUSeconds
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
            var records = try MetricBridge.evaluate(spec.metrics, data: data.matrix, embedding: result.embedding,
                                                    labels: data.labels, seed: task.seed)
            if let transformed {
                records += try MetricBridge.evaluateHeldOut(spec.metrics, training: result.embedding, trainingLabels: data.labels,
                                                            heldOut: transformed, heldOutLabels: data.heldOutLabels)
            }
            return records
        }
        var clusteringFiles: (report: String, clusters: String)?
        if let clustering = spec.clustering {
            let outcome = try timer.measure("clustering") {
                try ClusteringStep.run(clustering, embedding: result.embedding, labels: data.labels, seed: task.seed,
                                       store: store, taskID: task.id)
            }
            metrics += outcome.metrics
            clusteringFiles = (outcome.report, outcome.clusters)
        }
        let peak = earlier?.record.peakRSSBytes ?? Clock.peakRSSBytes()
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
        let transformedFiles = try transformed.map { try write($0, "transformed") }
        let transformedLabelsFile = transformed == nil ? nil
            : try data.heldOutLabels.map { try write(labels: $0, "transformed.labels") }
        var seriesFiles: [String: String] = [:]
        for (name, values) in result.series.sorted(by: { $0.key < $1.key }) {
            seriesFiles[name] = try write(try Matrix(rows: values.count, cols: 1, storage: values.map { Float($0) }), name).file
        }
        let record = RunRecord(
            experiment: spec.name, task: task,
            provenance: .current(specHash: spec.sourceHash, dataChecksum: data.checksum),
            dataRows: data.matrix.rows, dataCols: data.matrix.cols, phases: timer.phases,
            fitWallSeconds: fitWall, fitCPUSeconds: fitCPU, peakRSSBytes: peak,
            diagnostics: result.diagnostics, metrics: metrics, warnings: data.warnings + result.warnings,
            embeddingFile: embeddingFile, embeddingSHA256: embeddingHash, labelsFile: labelsFile,
            coordinateFile: coordinateFile, seriesFiles: seriesFiles,
            clusteringFile: clusteringFiles?.report, clustersFile: clusteringFiles?.clusters,
            colorsFile: colorsFile, transformedFile: transformedFiles?.file,
            transformedSHA256: transformedFiles?.hash, transformedLabelsFile: transformedLabelsFile)
        try store.write(record)
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
}

/// Loads a data selection and applies its preprocessing.
enum DataPreparation {
    static func prepare(_ selection: DatasetSelection, seed: UInt64) throws -> PreparedData {
        var prepared = try DatasetBridge.load(selection, seed: seed)
        if let held = try DatasetBridge.loadHeldOut(selection, seed: seed) {
            prepared.heldOut = held.matrix
            prepared.heldOutLabels = held.labels
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
