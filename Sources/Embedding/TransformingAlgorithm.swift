import Linalg

/// An algorithm whose fitted model can place new points into the embedding it made
/// (umap-learn's and openTSNE's `transform`, scikit-learn's PCA `transform`).
public protocol TransformingAlgorithm: EmbeddingAlgorithm {
    /// Fits on `data` (n × d) exactly as `fit` does, then embeds `newData` (m × d, the same
    /// features) with the fitted model, without moving the training embedding.
    ///
    /// - Returns: the fit's result, whose phases end with a `transform` phase, and the
    ///   m × n_components embedding of `newData`.
    func fitTransform(_ data: Matrix, labels: [Int]?, newData: Matrix, seed: UInt64,
                      progress: ProgressHandler?) throws -> (result: EmbeddingResult, transformed: Matrix)
}

extension UMAP: TransformingAlgorithm {
    /// Fits (supervised when `supervised` is set and labels are given), then `UMAPModel.transform`.
    public func fitTransform(_ data: Matrix, labels: [Int]?, newData: Matrix, seed: UInt64,
                             progress: ProgressHandler?) throws -> (result: EmbeddingResult, transformed: Matrix) {
        let (model, fitted) = try fitModel(data, labels: supervised ? labels : nil, target: nil, seed: seed,
                                           progress: progress)
        var result = fitted
        var timer = PhaseTimer()
        let transformed = try timer.measure("transform") {
            try model.transform(newData, seed: RandomStream.derive(seed: seed, purpose: "umap.transform", index: 0))
        }
        result.phases += timer.phases
        return (result, transformed)
    }
}

extension TSNE: TransformingAlgorithm {
    /// Fits, then `TSNEModel.transform` with openTSNE's transform defaults; the mean KL of the
    /// new points is recorded as the diagnostic `transform_kl_divergence`.
    public func fitTransform(_ data: Matrix, labels: [Int]?, newData: Matrix, seed: UInt64,
                             progress: ProgressHandler?) throws -> (result: EmbeddingResult, transformed: Matrix) {
        let model = try fitModel(data, neighbors: nil, seed: seed, progress: progress)
        var result = model.result
        var timer = PhaseTimer()
        let placed = try timer.measure("transform") { try model.transformWithKL(newData) }
        result.phases += timer.phases
        result.diagnostics["transform_kl_divergence"] = placed.kl
        return (result, placed.embedding)
    }
}

extension PCA: TransformingAlgorithm {
    /// Fits the axes on `data` and projects both `data` and `newData` onto them.
    public func fitTransform(_ data: Matrix, labels: [Int]?, newData: Matrix, seed: UInt64,
                             progress: ProgressHandler?) throws -> (result: EmbeddingResult, transformed: Matrix) {
        var (model, result) = try fitAndProject(data, seed: seed)
        var timer = PhaseTimer()
        let transformed = try timer.measure("transform") { try model.transform(newData) }
        result.phases += timer.phases
        return (result, transformed)
    }
}
