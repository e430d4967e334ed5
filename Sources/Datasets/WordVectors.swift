import Linalg

/// `word-vectors`: a stand-in for pre-trained word embeddings (e.g. the 3 000 000 × 300 Google
/// News vectors): up to 3 000 000 points in `dimension` (300) dimensions in `clusters` (1000)
/// anisotropic Gaussian clusters whose sizes are heavy-tailed (Zipf-like: cluster c is drawn with
/// probability ∝ (c + 1)^−`zipf_exponent`, exponent 1 by default, so cluster 0 is the largest).
///
/// Cluster c (from `RandomStream(seed:purpose:"datasets.word-vectors.cluster", index: c)`) has a
/// centre μ_c with independent N(0, `center_std`²) coordinates and `rank` = min(10, dimension) random unit
/// directions u_c1 … u_cr (normalised Gaussian vectors). Row i (from `RandomStream(seed:purpose:
/// "datasets.word-vectors", index: i)`) draws its cluster c by inverting the cumulative Zipf weights
/// with one uniform, then x = μ_c + Σ_j g_j · σ_j · u_cj + (σ/20) · ε with σ_j = σ / j, σ = `cluster_std`
/// (j = 1 … r) and g, ε standard normal: a few long axes per cluster and a thin isotropic shell. With the
/// defaults (300 dimensions, σ = 3, `center_std` 0.2) two points of one cluster are about 6.4 apart and
/// two centres about 4.9, so neighbouring clusters overlap at their edges instead of falling apart
/// into as many kNN components as clusters.
/// Row i is a pure function of (seed, i); its label is its cluster.
public struct WordVectors: Sendable {
    /// The generator's options, declared once.
    public static let declaration = IndexedGenerators.Declaration(
        name: "word-vectors",
        description: "word-vector-like points: Zipf-sized anisotropic Gaussian clusters in 300 dimensions, up to 3 000 000 rows",
        options: [
            .init(name: "size", defaultValue: 3_000_000, range: 1...3_000_000, isInteger: true,
                  help: "rows of the virtual data set (n ≤ size; random subsamples are drawn from all of them)"),
            .init(name: "dimension", defaultValue: 300, range: 2...4096, isInteger: true, help: "dimensions"),
            .init(name: "clusters", defaultValue: 1000, range: 1...100_000, isInteger: true, help: "number of clusters"),
            .init(name: "zipf_exponent", defaultValue: 1, range: 0...4, isInteger: false,
                  help: "cluster c is drawn with probability ∝ (c + 1)^−exponent (0: equal sizes)"),
            .init(name: "cluster_std", defaultValue: 3, range: 0...1000, isInteger: false,
                  help: "standard deviation along a cluster's longest axis (the j-th has cluster_std / j)"),
            .init(name: "center_std", defaultValue: 0.2, range: 0...1000, isInteger: false,
                  help: "standard deviation of the cluster centres' coordinates"),
        ])

    public let dimension: Int
    public let rank: Int
    public let clusterStd: Double
    public let centerStd: Double
    /// Cumulative cluster weights (not normalised); the last is their sum.
    let cumulativeWeights: [Double]
    /// Per cluster: centre (dimension) then `rank` unit directions (rank × dimension), row-major.
    let clusterParameters: [Double]

    /// Most values of cluster parameters held (clusters × (rank + 1) × dimension): 400 MB of Double.
    public static let maxParameterCount = 50_000_000

    /// The clusters of `seed` under `options` (checked values of `declaration`'s options).
    /// - Throws: `invalidOption` when clusters × (rank + 1) × dimension exceeds `maxParameterCount`.
    public init(options: IndexedGenerators.OptionValues, seed: UInt64) throws {
        dimension = options.integer("dimension")
        rank = min(10, dimension)
        clusterStd = options.real("cluster_std")
        centerStd = options.real("center_std")
        let clusters = options.integer("clusters")
        guard clusters * (rank + 1) * dimension <= Self.maxParameterCount else {
            throw DatasetsError.invalidOption("clusters", "\(clusters) clusters × \(rank + 1) vectors × \(dimension) dimensions exceed \(Self.maxParameterCount) values (word-vectors); use fewer clusters or dimensions")
        }
        let exponent = options.real("zipf_exponent")
        var cumulative = [Double](repeating: 0, count: clusters)
        var total = 0.0
        for c in 0..<clusters {
            total += DeterministicMath.pow(Double(c + 1), -exponent)
            cumulative[c] = total
        }
        cumulativeWeights = cumulative
        let stride = (1 + rank) * dimension
        var parameters = [Double](repeating: 0, count: clusters * stride)
        for c in 0..<clusters {
            var rng = RandomStream(seed: seed, purpose: "datasets.word-vectors.cluster", index: UInt64(c))
            let base = c * stride
            for j in 0..<dimension { parameters[base + j] = centerStd * rng.nextGaussian() }
            for r in 1...rank {
                let at = base + r * dimension
                var norm = 0.0
                repeat {
                    norm = 0
                    for j in 0..<dimension {
                        let g = rng.nextGaussian()
                        parameters[at + j] = g
                        norm += g * g
                    }
                } while norm < 1e-12
                let scale = 1 / norm.squareRoot()
                for j in 0..<dimension { parameters[at + j] *= scale }
            }
        }
        clusterParameters = parameters
    }

    /// The cluster of row i under `seed` (its label), from the first draw of its stream.
    public func label(ofRow i: Int, seed: UInt64) -> Int {
        var rng = RandomStream(seed: seed, purpose: "datasets.word-vectors", index: UInt64(i))
        return cluster(for: rng.nextDouble())
    }

    /// The cluster whose cumulative-weight interval holds u · total (binary search).
    func cluster(for u: Double) -> Int {
        let target = u * cumulativeWeights[cumulativeWeights.count - 1]
        var lo = 0, hi = cumulativeWeights.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulativeWeights[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Writes row i under `seed` (dimension values) into `out`; `scratch` is reusable workspace.
    public func fillRow(_ i: Int, seed: UInt64, into out: UnsafeMutableBufferPointer<Float>, scratch: inout [Double]) {
        var rng = RandomStream(seed: seed, purpose: "datasets.word-vectors", index: UInt64(i))
        let c = cluster(for: rng.nextDouble())
        if scratch.count < dimension { scratch = [Double](repeating: 0, count: dimension) }
        let base = c * (1 + rank) * dimension
        let noise = clusterStd / 20
        clusterParameters.withUnsafeBufferPointer { p in
            for j in 0..<dimension { scratch[j] = p[base + j] }
            for r in 1...rank {
                let weight = rng.nextGaussian() * clusterStd / Double(r)
                let at = base + r * dimension
                for j in 0..<dimension { scratch[j] += weight * p[at + j] }
            }
        }
        for j in 0..<dimension { out[j] = Float(scratch[j] + noise * rng.nextGaussian()) }
    }

    /// Rows `rows` (in that order) under `seed`, generated in parallel over fixed chunks.
    public func generate(rows: [Int], seed: UInt64) throws -> Matrix {
        try IndexedGenerators.generateRows(rows, cols: dimension) { i, out, scratch in
            fillRow(i, seed: seed, into: out, scratch: &scratch)
        }
    }
}
