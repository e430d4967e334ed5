import Linalg
import Neighbors

/// Laplacian eigenmaps (Belkin & Niyogi 2003), as scikit-learn's `SpectralEmbedding` with
/// `affinity="nearest_neighbors"` computes it:
/// 1. the k nearest neighbours of every point (the point itself counted among the k, as in
///    scikit-learn's `kneighbors_graph(include_self=True)` and umap-learn), exact or NN-descent
///    as UMAP finds them;
/// 2. the symmetric connectivity graph W = ½ (A + Aᵀ), A the 0/1 kNN adjacency without the
///    self loops (scipy's Laplacian ignores the diagonal);
/// 3. the eigenvectors v of the normalised adjacency D^-1/2 W D^-1/2 with the largest
///    eigenvalues after the trivial one (the smallest of the normalised Laplacian), found by
///    UMAP's spectral machinery (`UMAPSpectral.connectedLayout`: Lanczos with full
///    reorthogonalisation, start vector from `RandomStream(seed, "umap.spectral")`);
/// 4. the embedding y = D^-1/2 v (the generalised problem L y = λ D y), each column's sign
///    fixed so that its largest-magnitude entry is positive (scikit-learn's
///    `_deterministic_vector_sign_flip`).
///
/// Departures: `n_neighbors` defaults to 15 (scikit-learn: max(n/10, 1)); a graph with several
/// connected components gets a warning and UMAP's multi-component layout (each component's own
/// spectral layout, the components placed apart on a circle) instead of scikit-learn's warning
/// and meaningless result. Parameters and defaults: `LaplacianEigenmaps.Parameter`.
public struct LaplacianEigenmaps: EmbeddingAlgorithm {
    public static let name = "laplacian-eigenmaps"
    public static let implementationVersion = 1

    /// Every parameter, declared once.
    public enum Parameter {
        public static let nNeighbors = IntParameter("n_neighbors", default: 15, range: 2...10_000,
                                                    "neighbours per point in the kNN graph (the point itself included)")
        public static let nComponents = IntParameter("n_components", default: 2, range: 1...100, "output dimension")
        public static let nnMethod = ChoiceParameter<NeighborSearch>("nn_method", default: .auto,
                                                                     "auto: exact below 4 096 points, NN-descent from 4 096 on")
    }

    public static let parameterDocs: [ParameterDoc] = [
        Parameter.nNeighbors.doc, Parameter.nComponents.doc, Parameter.nnMethod.doc,
    ]

    public var nNeighbors: Int
    public var nComponents: Int
    public var nnMethod: NeighborSearch

    public init(nNeighbors: Int = Parameter.nNeighbors.defaultValue, nComponents: Int = Parameter.nComponents.defaultValue,
                nnMethod: NeighborSearch = Parameter.nnMethod.defaultValue) {
        self.nNeighbors = nNeighbors; self.nComponents = nComponents; self.nnMethod = nnMethod
    }

    public init(parameters: Parameters) throws {
        let r = try ParameterReader(algorithm: LaplacianEigenmaps.name, parameters: parameters, docs: LaplacianEigenmaps.parameterDocs)
        self.init(nNeighbors: try r.value(Parameter.nNeighbors), nComponents: try r.value(Parameter.nComponents),
                  nnMethod: try r.value(Parameter.nnMethod))
    }

    public func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        let n = data.rows
        guard n >= 3, data.cols >= 1 else {
            throw EmbeddingError.invalidInput("laplacian-eigenmaps needs at least 3 points with at least 1 feature, got \(n) × \(data.cols)")
        }
        if let bad = data.firstNonFinite() {
            throw EmbeddingError.invalidInput("laplacian-eigenmaps: data contains \(bad.value) at row \(bad.row), column \(bad.col); remove or impute non-finite values")
        }
        guard nComponents < n - 1 else {
            throw EmbeddingError.invalidInput("laplacian-eigenmaps: n_components = \(nComponents) needs more than \(nComponents + 1) points, got \(n)")
        }
        var warnings: [String] = []
        var k = nNeighbors
        if k > n - 1 {
            warnings.append("n_neighbors = \(k) is not smaller than the number of points (\(n)); using \(n - 1)")
            k = n - 1
        }
        var timer = PhaseTimer()
        let knn: KNNGraph = try timer.measure("neighbors") {
            do {
                return nnMethod.usesNNDescent(n: n)
                    ? try NNDescent.build(data, k: k, metric: .euclidean, includeSelf: true,
                                          seed: RandomStream.derive(seed: seed, purpose: "laplacian-eigenmaps.knn", index: 0))
                    : try ExactKNN.search(data, k: k, metric: .euclidean, includeSelf: true)
            } catch let e as NeighborsError {
                throw EmbeddingError.invalidInput("laplacian-eigenmaps neighbours: \(e)")
            }
        }
        progress?("neighbors", 1)
        let graph = timer.measure("graph") { LaplacianEigenmaps.connectivityGraph(knn) }
        let (_, components) = graph.connectedComponents()
        let dim = nComponents
        let coordinates: [Double] = try timer.measure("eigenvectors") {
            if components > 1 {
                warnings.append("the kNN graph has \(components) connected components, so the eigenvectors of the smallest "
                                + "eigenvalues only mark the components; fell back to laying each component out on its own "
                                + "(UMAP's multi-component spectral layout); raise n_neighbors to connect the graph")
                guard let layout = UMAPSpectral.layout(graph, dim: dim, seed: seed, warnings: &warnings) else {
                    throw EmbeddingError.numerical("laplacian-eigenmaps: the spectral layout of a component failed")
                }
                return layout
            }
            guard let v = UMAPSpectral.connectedLayout(graph, dim: dim, seed: seed) else {
                throw EmbeddingError.numerical("laplacian-eigenmaps: the Lanczos iteration did not produce \(dim) eigenvectors")
            }
            return LaplacianEigenmaps.generalised(v, graph: graph, dim: dim)
        }
        guard coordinates.allSatisfy({ $0.isFinite }) else {
            throw EmbeddingError.numerical("laplacian-eigenmaps: non-finite coordinates")
        }
        progress?("eigenvectors", 1)
        let embedding = try Matrix(rows: n, cols: dim, storage: coordinates.map { Float($0) })
        return EmbeddingResult(embedding: embedding, phases: timer.phases,
                               diagnostics: ["connected_components": Double(components)], warnings: warnings)
    }

    /// W = ½ (A + Aᵀ) of the 0/1 kNN adjacency A, self loops dropped.
    static func connectivityGraph(_ knn: KNNGraph) -> UMAPGraph {
        let n = knn.n
        var lists = [[(Int32, Float)]](repeating: [], count: n)
        for i in 0..<n {
            for j in knn.neighbors(of: i) where Int(j) != i && j >= 0 { lists[i].append((j, 1)) }
        }
        let a = UMAPGraph.fromRows(n, cols: n, lists)
        return a.combined(with: a.transposed()) { p, q in (p + q) / 2 }
    }

    /// y = D^-1/2 v for each column, its largest-magnitude entry made positive.
    static func generalised(_ v: [Double], graph: UMAPGraph, dim: Int) -> [Double] {
        let n = graph.rows
        var y = v
        for i in 0..<n {
            var degree = 0.0
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] { degree += Double(graph.weight[e]) }
            let scale = 1 / degree.squareRoot()
            for c in 0..<dim { y[i * dim + c] *= scale }
        }
        for c in 0..<dim {
            var largest = 0.0, sign = 1.0
            for i in 0..<n where abs(y[i * dim + c]) > largest { largest = abs(y[i * dim + c]); sign = y[i * dim + c] < 0 ? -1 : 1 }
            if sign < 0 { for i in 0..<n { y[i * dim + c] = -y[i * dim + c] } }
        }
        return y
    }
}
