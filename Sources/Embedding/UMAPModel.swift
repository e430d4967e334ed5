import Linalg
import Neighbors

/// A fitted UMAP model kept in memory: training data, fuzzy graph, calibration,
/// embedding and curve, enough to place new points with `transform`.
public struct UMAPModel: Sendable {
    /// The parameters the model was fitted with.
    public let parameters: UMAP
    /// Training data (n × d).
    public let data: Matrix
    /// Neighbours per point actually used (n_neighbors, capped at n − 1).
    public let k: Int
    /// The symmetric fuzzy simplicial set (n × n).
    public let graph: UMAPGraph
    /// Per-point σ and ρ of the training kNN calibration.
    public let sigma: [Float]
    public let rho: [Float]
    /// Training embedding (n × n_components).
    public let embedding: Matrix
    /// Curve parameters.
    public let a: Double
    public let b: Double
    /// Training epochs.
    public let epochs: Int

    /// Embeds new points (m × d, same features as the training data) into the trained
    /// embedding, as umap-learn's `transform`: exact neighbours among the training points,
    /// memberships with local connectivity reduced by one, initial positions as
    /// membership-weighted means of the neighbours' embeddings, then SGD with the
    /// training embedding fixed for n_epochs / 3 epochs (default 100 up to 10 000
    /// training points, 30 above).
    public func transform(_ newData: Matrix, seed: UInt64) throws -> Matrix {
        guard newData.cols == data.cols else {
            throw EmbeddingError.invalidInput("umap transform: new data has \(newData.cols) features, the model was trained on \(data.cols)")
        }
        if let bad = newData.firstNonFinite() {
            throw EmbeddingError.invalidInput("umap transform: data contains \(bad.value) at row \(bad.row), column \(bad.col)")
        }
        let m = newData.rows, dim = embedding.cols
        if m == 0 { return Matrix(rows: 0, cols: dim) }
        let knn: KNNGraph
        do { knn = try ExactKNN.query(newData, reference: data, k: k, metric: parameters.metric) } catch {
            throw EmbeddingError.invalidInput("umap transform neighbours: \(error)")
        }
        let (sigma, rho) = UMAPFuzzySet.smoothKNNDistances(distances: knn.distances, n: m, k: k,
                                                           localConnectivity: max(0, parameters.localConnectivity - 1),
                                                           skipFirst: false)
        let g = UMAPFuzzySet.memberships(indices: knn.indices, distances: knn.distances, n: m, k: k, cols: data.rows,
                                         sigma: sigma, rho: rho, selfIndex: false)
        var head = [Float](repeating: 0, count: m * dim)
        for i in 0..<m {
            var total: Double = 0
            var acc = [Double](repeating: 0, count: dim)
            for e in g.rowStart[i]..<g.rowStart[i + 1] {
                let w = Double(g.weight[e]), j = Int(g.column[e])
                total += w
                for c in 0..<dim { acc[c] += w * Double(embedding[j, c]) }
            }
            for c in 0..<dim {
                head[i * dim + c] = total > 0 ? Float(acc[c] / total) : embedding[Int(knn.indices[i * k]), c]
            }
        }
        let epochs = parameters.nEpochs.map { max(1, $0 / 3) } ?? (data.rows <= 10_000 ? 100 : 30)
        let layout = parameters.makeLayout(graph: g, epochs: epochs, a: a, b: b, moveOther: false)
        layout.optimise(head: &head, dim: dim, tailEmbedding: embedding.storage, tailCount: data.rows,
                        seed: RandomStream.derive(seed: seed, purpose: "umap.transform", index: 0))
        guard head.allSatisfy({ $0.isFinite }) else { throw EmbeddingError.numerical("umap transform produced non-finite coordinates") }
        return try Matrix(rows: m, cols: dim, storage: head)
    }
}
