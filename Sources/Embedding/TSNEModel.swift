import Foundation
import Linalg
import Neighbors

/// A fitted t-SNE embedding that can place new points into it (openTSNE's `TSNEEmbedding.transform`).
public struct TSNEModel: Sendable {
    /// Parameters the model was fitted with.
    public let parameters: TSNEParameters
    /// The training data (n × d).
    public let trainingData: Matrix
    /// The training embedding, n × c row-major, in double precision.
    public let embedding: [Double]
    /// The fit's result (embedding as Float, timings, diagnostics).
    public let result: EmbeddingResult
}
