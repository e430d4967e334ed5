import XCTest
@testable import Embedding
@testable import Neighbors
@testable import Linalg

final class UMAPTests: XCTestCase {
    /// Gaussian blobs: `centres` × `per` points in `d` dims, blob c centred at `separation` · e_c.
    func blobs(_ centres: Int, per: Int, d: Int, separation: Float, seed: UInt64) -> (Matrix, [Int]) {
        var rng = RandomStream(seed: seed)
        var values: [Float] = [], labels: [Int] = []
        for c in 0..<centres {
            for _ in 0..<per {
                for j in 0..<d { values.append(Float(rng.nextGaussian()) + (j == c % d ? separation : 0) + (c >= d ? separation : 0)) }
                labels.append(c)
            }
        }
        return (try! Matrix(rows: centres * per, cols: d, storage: values), labels)
    }

    /// Fraction of each point's 10 nearest neighbours in `x` that are also among its 10 nearest in `y`.
    func knnPreservation(_ x: Matrix, _ y: Matrix, k: Int = 10) throws -> Double {
        let a = try ExactKNN.search(x, k: k, metric: .euclidean, includeSelf: false)
        let b = try ExactKNN.search(y, k: k, metric: .euclidean, includeSelf: false)
        var hits = 0
        for i in 0..<x.rows { hits += Set(a.neighbors(of: i)).intersection(Set(b.neighbors(of: i))).count }
        return Double(hits) / Double(x.rows * k)
    }

    func testSigmaCalibrationHitsLog2K() {
        var rng = RandomStream(seed: 1)
        let n = 50, k = 15
        var dist = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            var row = (1..<k).map { _ in Float(rng.nextDouble() * 3 + 0.1) }
            row.sort()
            for j in 1..<k { dist[i * k + j] = row[j - 1] }
        }
        let (sigma, rho) = UMAPFuzzySet.smoothKNNDistances(distances: dist, n: n, k: k)
        for i in 0..<n {
            XCTAssertEqual(rho[i], dist[i * k + 1])
            var s = 0.0
            for j in 1..<k { s += exp(-max(0, Double(dist[i * k + j] - rho[i])) / Double(sigma[i])) }
            XCTAssertEqual(s, log2(Double(k)), accuracy: 1e-5)
        }
    }

    func testCurveFitDefaults() {
        let (a, b) = UMAPCurve.fitAB(spread: 1, minDist: 0.1)
        XCTAssertEqual(a, 1.577, accuracy: 0.002)
        XCTAssertEqual(b, 0.895, accuracy: 0.002)
        let (a2, b2) = UMAPCurve.fitAB(spread: 1, minDist: 0.5)  // umap-learn: 0.5830, 1.3343
        XCTAssertEqual(a2, 0.583, accuracy: 0.005)
        XCTAssertEqual(b2, 1.334, accuracy: 0.005)
    }

    func testFuzzyUnionIsSymmetricWithUnitWeights() throws {
        let (data, _) = blobs(3, per: 40, d: 5, separation: 4, seed: 2)
        let knn = try ExactKNN.search(data, k: 8, metric: .euclidean, includeSelf: true)
        let g = UMAPFuzzySet.fuzzySimplicialSet(knn).graph
        XCTAssertGreaterThan(g.entryCount, 0)
        for i in 0..<g.rows {
            for e in g.rowStart[i]..<g.rowStart[i + 1] {
                let j = Int(g.column[e])
                XCTAssertNotEqual(i, j)
                XCTAssertTrue(g.weight[e] > 0 && g.weight[e] <= 1)
                XCTAssertEqual(g.weight[e], g.value(j, i))
            }
        }
    }

    func testSpectralMatchesDenseEigenvectors() throws {
        let (data, _) = blobs(2, per: 60, d: 4, separation: 2, seed: 4)
        let knn = try ExactKNN.search(data, k: 10, metric: .euclidean, includeSelf: true)
        let g = UMAPFuzzySet.fuzzySimplicialSet(knn).graph
        XCTAssertEqual(g.connectedComponents().count, 1)
        let n = g.rows
        guard let lanczos = UMAPSpectral.connectedLayout(g, dim: 2, seed: 3) else { return XCTFail("no layout") }
        var degree = [Double](repeating: 0, count: n)
        for i in 0..<n { for e in g.rowStart[i]..<g.rowStart[i + 1] { degree[i] += Double(g.weight[e]) } }
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for e in g.rowStart[i]..<g.rowStart[i + 1] {
            let j = Int(g.column[e]); m[i * n + j] = Double(g.weight[e]) / (degree[i] * degree[j]).squareRoot() } }
        let eig = try SymmetricEigen(symmetric: m, n: n, largest: 3)
        for c in 0..<2 {  // |cos angle| between Lanczos and dense eigenvectors 2 and 3
            var dotp = 0.0, norm = 0.0
            for i in 0..<n { dotp += lanczos[i * 2 + c] * eig.vectors[(c + 1) * n + i]; norm += lanczos[i * 2 + c] * lanczos[i * 2 + c] }
            XCTAssertEqual(abs(dotp) / norm.squareRoot(), 1, accuracy: 1e-6)
        }
    }

    func testDeterministicAcrossThreadCountsAndSeparatesBlobs() throws {
        let (data, labels) = blobs(2, per: 150, d: 10, separation: 12, seed: 5)
        let umap = try UMAP(parameters: ["n_epochs": .number(150)])
        let r1 = try Parallel.withThreadCount(1) { try umap.fit(data, labels: nil, seed: 42, progress: nil) }
        let r2 = try Parallel.withThreadCount(2) { try umap.fit(data, labels: nil, seed: 42, progress: nil) }
        XCTAssertEqual(r1.embedding.storage, r2.embedding.storage)
        XCTAssertEqual(r1.phases.map(\.name), ["neighbors", "fuzzy_set", "init", "optimize"])
        XCTAssertEqual(r1.diagnostics["knn_recall"], 1)
        XCTAssertEqual(r1.diagnostics["a"] ?? 0, 1.577, accuracy: 0.002)
        // Separation: every point is nearer its own blob's centroid.
        let e = r1.embedding
        var cent = [[Double]](repeating: [0, 0], count: 2)
        for i in 0..<e.rows { for c in 0..<2 { cent[labels[i]][c] += Double(e[i, c]) / 150 } }
        var gapMin = Double.infinity, spreadMax = 0.0
        for i in 0..<e.rows {
            let own = hypot(Double(e[i, 0]) - cent[labels[i]][0], Double(e[i, 1]) - cent[labels[i]][1])
            let other = hypot(Double(e[i, 0]) - cent[1 - labels[i]][0], Double(e[i, 1]) - cent[1 - labels[i]][1])
            gapMin = min(gapMin, other); spreadMax = max(spreadMax, own)
        }
        XCTAssertGreaterThan(gapMin, spreadMax)
    }

    func testDeterministicQualityMatchesSequentialHogwild() throws {
        let (data, _) = blobs(4, per: 100, d: 8, separation: 3, seed: 6)
        let det = try UMAP(parameters: ["n_epochs": .number(200)]).fit(data, labels: nil, seed: 1, progress: nil)
        let seq = try UMAP(parameters: ["n_epochs": .number(200), "deterministic": .flag(false)]).fit(data, labels: nil, seed: 1, progress: nil)
        let qd = try knnPreservation(data, det.embedding), qs = try knnPreservation(data, seq.embedding)
        XCTAssertGreaterThan(qd, qs - 0.03, "deterministic \(qd) vs sequential \(qs)")
    }

    func testNNDescentPathIsDeterministicAcrossThreads() throws {
        let (data, _) = blobs(3, per: 200, d: 6, separation: 5, seed: 8)
        let umap = try UMAP(parameters: ["n_epochs": .number(30), "nn_method": .text("nndescent"), "recall_queries": .number(50)])
        let r1 = try Parallel.withThreadCount(1) { try umap.fit(data, labels: nil, seed: 9, progress: nil) }
        let r2 = try Parallel.withThreadCount(2) { try umap.fit(data, labels: nil, seed: 9, progress: nil) }
        XCTAssertEqual(r1.embedding.storage, r2.embedding.storage)
        XCTAssertGreaterThan(r1.diagnostics["knn_recall"] ?? 0, 0.9)
    }

    func testDuplicatesAndConstantFeaturesGiveFiniteOutput() throws {
        var (data, _) = blobs(2, per: 60, d: 5, separation: 6, seed: 10)
        for i in 0..<50 { for j in 0..<5 { data[i, j] = 3 } }  // 50 copies of one point
        for i in 0..<data.rows { data[i, 4] = 1 }  // a constant feature
        let r = try UMAP(parameters: ["n_epochs": .number(50)]).fit(data, labels: nil, seed: 2, progress: nil)
        XCTAssertNil(r.embedding.firstNonFinite())
    }

    func testDisconnectedGraphIsLaidOutWithWarning() throws {
        let (data, _) = blobs(2, per: 30, d: 3, separation: 1000, seed: 11)
        let r = try UMAP(parameters: ["n_epochs": .number(50), "n_neighbors": .number(5)]).fit(data, labels: nil, seed: 2, progress: nil)
        XCTAssertNil(r.embedding.firstNonFinite())
        XCTAssertEqual(r.diagnostics["graph_components"], 2)
        XCTAssertTrue(r.warnings.contains { $0.contains("connected components") })
    }

    func testBadInput() throws {
        XCTAssertThrowsError(try UMAP(parameters: ["metric": .text("earthmover")]))
        XCTAssertThrowsError(try UMAP(parameters: ["min_dist": .number(2), "spread": .number(1)]))
        XCTAssertThrowsError(try UMAP(parameters: ["n_neigbours": .number(2)]))
        var (data, _) = blobs(1, per: 20, d: 3, separation: 0, seed: 1)
        data[3, 1] = .nan
        XCTAssertThrowsError(try UMAP().fit(data, labels: nil, seed: 1, progress: nil))
        let (small, _) = blobs(1, per: 8, d: 3, separation: 0, seed: 1)
        let r = try UMAP(parameters: ["n_epochs": .number(20)]).fit(small, labels: nil, seed: 1, progress: nil)
        XCTAssertNil(r.embedding.firstNonFinite())
        XCTAssertFalse(r.warnings.isEmpty)
        let noNegatives = try UMAP(parameters: ["n_epochs": .number(20), "negative_sample_rate": .number(0)])
            .fit(small, labels: nil, seed: 1, progress: nil)
        XCTAssertNil(noNegatives.embedding.firstNonFinite())
    }

    func testTransformPlacesTrainingPointsNearTheirEmbedding() throws {
        let (data, _) = blobs(3, per: 80, d: 6, separation: 6, seed: 12)
        let (model, result) = try UMAP(parameters: ["n_epochs": .number(150)]).fitModel(data, seed: 3)
        let placed = try model.transform(data.selectingRows(0..<40), seed: 4)
        let e = result.embedding
        var xs: [Float] = [], ys: [Float] = []
        for i in 0..<e.rows { xs.append(e[i, 0]); ys.append(e[i, 1]) }
        let size = Double(max(xs.max()! - xs.min()!, ys.max()! - ys.min()!))
        var mean = 0.0
        for i in 0..<40 { mean += hypot(Double(placed[i, 0] - e[i, 0]), Double(placed[i, 1] - e[i, 1])) }
        mean /= 40
        XCTAssertLessThan(mean, 0.05 * size, "mean displacement \(mean) vs layout size \(size)")
    }

    func testSupervisedSeparatesOverlappingClasses() throws {
        // Two classes drawn from the same distribution: only the labels can separate them.
        var rng = RandomStream(seed: 13)
        let n = 240
        let data = try Matrix(rows: n, cols: 5, storage: (0..<n * 5).map { _ in Float(rng.nextGaussian()) })
        let labels = (0..<n).map { $0 % 2 }
        let umap = try UMAP(parameters: ["n_epochs": .number(200), "supervised": .flag(true)])
        let sup = try umap.fit(data, labels: labels, seed: 1, progress: nil)
        let plain = try UMAP(parameters: ["n_epochs": .number(200)]).fit(data, labels: labels, seed: 1, progress: nil)
        func accuracy(_ e: Matrix) throws -> Double {
            let g = try ExactKNN.search(e, k: 10, metric: .euclidean, includeSelf: false)
            var ok = 0
            for i in 0..<n { ok += g.neighbors(of: i).filter { labels[Int($0)] == labels[i] }.count }
            return Double(ok) / Double(n * 10)
        }
        let accSup = try accuracy(sup.embedding), accPlain = try accuracy(plain.embedding)
        XCTAssertGreaterThan(accSup, 0.9)
        XCTAssertLessThan(accPlain, 0.7)
    }
}

final class UMAPPowTableTests: XCTestCase {
    func testTablePowMatchesLibraryPow() {
        var rng = RandomStream(seed: 1)
        for _ in 0..<10_000 {
            let x = Float(exp(rng.nextDouble() * 40 - 20)), y = Float(rng.nextDouble() * 2)
            let exact = pow(Double(x), Double(y))
            UMAPPowTable.values(for: y).withUnsafeBufferPointer { values in
                let table = UMAPPowTable(exponent: y, base: values.baseAddress!)
                XCTAssertEqual(Double(table.pow(x)) / exact, 1, accuracy: 1e-5, "table \(x)^\(y)")
            }
        }
    }
}
