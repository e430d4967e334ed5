import Embedding
import Linalg

/// `radius-correlation@k`: how well an embedding keeps local density, as the densMAP paper
/// (Narayan, Berger & Cho 2021) and umap-learn's `output_dens` measure it: the Pearson
/// correlation between the log local radii of the data and of the embedding, each from UMAP's
/// fuzzy graph of its own k nearest neighbours (`Embedding.LocalRadius.ofPoints`: exact kNN
/// below 4 096 points, seeded NN-descent from 4 096 on).
///
/// One difference from umap-learn's `output_dens`: its embedding radii average distances
/// (`rad_emb`) where its data radii average squared distances (`rad_orig`); here both average
/// squared distances, the quantity densMAP's objective correlates. Always computed from all
/// points (no sampling estimator: every radius needs the point's neighbours), so the standard
/// error is nil.
public enum RadiusCorrelation {
    /// - Parameters: data n × d, embedding n × c, k neighbours (the point itself counted) in 2...n − 1.
    public static func compute(data: Matrix, embedding: Matrix, k: Int, seed: UInt64) throws -> Double {
        try NeighborhoodMetrics.validate(data: data, embedding: embedding)
        let n = data.rows
        guard k >= 2, k < n else {
            throw QualityError.invalidNeighborCount(k: k, n: n, requirement: "radius-correlation needs 2 ≤ k < n")
        }
        do {
            let input = try LocalRadius.ofPoints(data, k: k, seed: seed)
            let output = try LocalRadius.ofPoints(embedding, k: k, seed: seed)
            return Statistics.pearson(input, output)
        } catch let e as EmbeddingError {
            throw QualityError.invalidArgument("radius-correlation: \(e)")
        }
    }
}
