import Linalg

/// A seeded Gaussian random projection (Johnson–Lindenstrauss): X (n × D) ↦ X R with R a
/// D × d matrix of independent N(0, 1/d) entries.
///
/// The scaling 1/√d makes every squared Euclidean length (and so every squared distance)
/// unbiased: E‖Rᵀx‖² = ‖x‖², with relative spread √(2/d). d may exceed D (the data then lie in
/// a D-dimensional subspace of ℝᵈ); the UMAP paper's Fig. 10 times algorithms against such an
/// ambient dimension. R is drawn row by row from
/// `RandomStream(seed:purpose:"datasets.random-projection")` (`nextGaussian`, so its bits do not
/// depend on the CPU or the C library), and X R is the deterministic GEMM of `Linalg.BLAS`.
public enum RandomProjection {
    /// Version of the projection's output; bump it when its bytes change (recorded in the data
    /// fingerprint of tasks with a `projection`).
    public static let implementationVersion = 1

    /// Allowed target dimensions d (a spec's `projection`).
    public static let dimensions: ClosedRange<Int> = 1...16_384

    /// The D × d projection matrix for `seed`.
    /// - Throws: `invalidRequest` if d is outside `dimensions` or D < 1.
    public static func matrix(inputDimension: Int, dimension: Int, seed: UInt64) throws -> Matrix {
        guard dimensions.contains(dimension) else {
            throw DatasetsError.invalidRequest("a random projection's dimension must be in \(dimensions.lowerBound)...\(dimensions.upperBound), got \(dimension)")
        }
        guard inputDimension >= 1 else { throw DatasetsError.invalidRequest("a random projection needs data with at least one column") }
        let (count, overflow) = inputDimension.multipliedReportingOverflow(by: dimension)
        guard !overflow, count <= 1 << 31 else {
            throw DatasetsError.invalidRequest("a random projection of \(inputDimension) to \(dimension) dimensions is too large")
        }
        var rng = RandomStream(seed: seed, purpose: "datasets.random-projection")
        let scale = 1 / Double(dimension).squareRoot()
        var storage = [Float](repeating: 0, count: count)
        for i in 0..<count { storage[i] = Float(rng.nextGaussian() * scale) }
        return try Matrix(rows: inputDimension, cols: dimension, storage: storage)
    }

    /// X R: the n × d projection of `data` (n × D) under `seed`.
    public static func project(_ data: Matrix, to dimension: Int, seed: UInt64) throws -> Matrix {
        let r = try matrix(inputDimension: data.cols, dimension: dimension, seed: seed)
        return try BLAS.multiply(data, r)
    }
}
