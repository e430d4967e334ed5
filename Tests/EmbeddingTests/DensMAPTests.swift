import Foundation
import XCTest
@testable import Embedding
@testable import Neighbors
@testable import Linalg

final class DensMAPTests: XCTestCase {
    /// Points in `d` dims: blob c (of `per` points) centred at 40·c·e_0 with standard deviation `scales[c]`.
    func varyingDensityBlobs(per: Int, d: Int, scales: [Float], seed: UInt64) -> Matrix {
        var rng = RandomStream(seed: seed)
        var values: [Float] = []
        for (c, s) in scales.enumerated() {
            for _ in 0..<per {
                for j in 0..<d { values.append(Float(rng.nextGaussian()) * s + (j == 0 ? 40 * Float(c) : 0)) }
            }
        }
        return try! Matrix(rows: scales.count * per, cols: d, storage: values)
    }

    /// The density term's objective λ·C at positions y, written out from its definition
    /// (`UMAPDensity`'s notes) in Double: r_i = log(ε + S_i/P_i) with each row edge counted at both ends.
    func objective(_ y: [Double], dim: Int, edgeStart: [Int], tail: [Int32], a: Double, b: Double,
                   term: UMAPDensity) -> Double {
        let n = edgeStart.count - 1
        var s = [Double](repeating: 0, count: n), p = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for e in edgeStart[j]..<edgeStart[j + 1] {
                let k = Int(tail[e])
                var x = 0.0
                for q in 0..<dim { x += (y[j * dim + q] - y[k * dim + q]) * (y[j * dim + q] - y[k * dim + q]) }
                let phi = 1 / (1 + a * Foundation.pow(x, b))
                s[j] += phi * x; s[k] += phi * x
                p[j] += phi; p[k] += phi
            }
        }
        let r = (0..<n).map { Foundation.log(1e-8 + s[$0] / p[$0]) }
        let m = r.reduce(0, +) / Double(n)
        var variance = 0.0, cov = 0.0
        for i in 0..<n { variance += (r[i] - m) * (r[i] - m); cov += (r[i] - m) * term.centredRadius[i] }
        variance /= Double(n); cov /= Double(n)
        return term.lambda * cov / (variance + term.varShift).squareRoot()
    }

    func testDensityGradientMatchesFiniteDifferences() throws {
        // 7 points in 2-D, a symmetric edge pattern (a ring and two chords), random memberships and distances.
        var rng = RandomStream(seed: 3)
        let n = 7, dim = 2
        var pairs: Set<[Int]> = []
        for i in 0..<n { pairs.insert([i, (i + 1) % n]); pairs.insert([(i + 1) % n, i]) }
        for (i, j) in [(0, 3), (2, 5)] { pairs.insert([i, j]); pairs.insert([j, i]) }
        var weightOf: [[Int]: Float] = [:], distanceOf: [[Int]: Float] = [:]
        for pair in pairs where pair[0] < pair[1] {
            let w = Float(0.2 + 0.8 * rng.nextDouble()), d2 = Float(0.5 + 4 * rng.nextDouble())
            weightOf[pair] = w; weightOf[[pair[1], pair[0]]] = w
            distanceOf[pair] = d2; distanceOf[[pair[1], pair[0]]] = d2
        }
        var edgeStart = [0], tail: [Int32] = [], weight: [Float] = [], d2: [Float] = []
        for i in 0..<n {
            for j in 0..<n where pairs.contains([i, j]) {
                tail.append(Int32(j)); weight.append(weightOf[[i, j]]!); d2.append(distanceOf[[i, j]]!)
            }
            edgeStart.append(tail.count)
        }
        var warnings: [String] = []
        let term = try XCTUnwrap(UMAPDensity(edgeStart: edgeStart, weight: weight, squaredDistance: d2, lambda: 2, frac: 0.3,
                                             varShift: 0.1, epochs: 10, warnings: &warnings))
        XCTAssertEqual(term.firstEpoch, 7)  // (e + 1)/10 > 0.7 from e = 7 on
        let positions = (0..<n * dim).map { _ in Float(rng.nextDouble() * 3) }
        let (a, b): (Float, Float) = (1.577, 0.895)
        let analytic = term.gradient(positions: positions, dim: dim, edgeStart: edgeStart, tail: tail, a: a, b: b)
        let y = positions.map(Double.init)
        let h = 1e-5
        var largest = 0.0
        for g in analytic { largest = max(largest, abs(g)) }
        XCTAssertGreaterThan(largest, 1e-3, "the fixed case should have a non-trivial gradient")
        for i in 0..<(n * dim) {
            var up = y, down = y
            up[i] += h; down[i] -= h
            let numeric = (objective(up, dim: dim, edgeStart: edgeStart, tail: tail, a: Double(a), b: Double(b), term: term)
                           - objective(down, dim: dim, edgeStart: edgeStart, tail: tail, a: Double(a), b: Double(b), term: term)) / (2 * h)
            XCTAssertEqual(analytic[i], numeric, accuracy: 2e-4 * largest, "coordinate \(i)")
        }
    }

    func testLambdaZeroIsUMAPBitForBit() throws {
        let data = varyingDensityBlobs(per: 80, d: 5, scales: [0.5, 2], seed: 1)
        let dens = try DensMAP(parameters: ["dens_lambda": .number(0), "n_epochs": .number(40)]).fit(data, labels: nil, seed: 4, progress: nil)
        let umap = try UMAP(parameters: ["n_epochs": .number(40)]).fit(data, labels: nil, seed: 4, progress: nil)
        XCTAssertEqual(dens.embedding.storage, umap.embedding.storage)
        XCTAssertNil(dens.diagnostics["radius_correlation"])
    }

    func testSameOutputForOneAndTwoThreads() throws {
        let data = varyingDensityBlobs(per: 200, d: 6, scales: [0.5, 1.5, 4], seed: 2)
        let densmap = try DensMAP(parameters: ["n_epochs": .number(60)])
        let one = try Parallel.withThreadCount(1) { try densmap.fit(data, labels: nil, seed: 8, progress: nil) }
        let two = try Parallel.withThreadCount(2) { try densmap.fit(data, labels: nil, seed: 8, progress: nil) }
        XCTAssertEqual(one.embedding.storage, two.embedding.storage)
        XCTAssertEqual(one.series["radius_output"], two.series["radius_output"])
        XCTAssertEqual(one.diagnostics["density_epochs"], 18)  // the last 30 % of 60 epochs
    }

    /// Three blobs of standard deviation 0.5, 2 and 6: UMAP evens their densities out, densMAP keeps
    /// the order of their radii (measured with each embedding's own fuzzy graph, as `radius-correlation`).
    func testKeepsVaryingDensity() throws {
        let data = varyingDensityBlobs(per: 150, d: 5, scales: [0.5, 2, 6], seed: 5)
        let dens = try DensMAP(parameters: ["n_epochs": .number(300)]).fit(data, labels: nil, seed: 1, progress: nil)
        let umap = try UMAP(parameters: ["n_epochs": .number(300)]).fit(data, labels: nil, seed: 1, progress: nil)
        let input = try LocalRadius.ofPoints(data, k: 15, seed: 0)
        let ours = Statistics.pearson(input, try LocalRadius.ofPoints(dens.embedding, k: 15, seed: 0))
        let plain = Statistics.pearson(input, try LocalRadius.ofPoints(umap.embedding, k: 15, seed: 0))
        XCTAssertGreaterThan(ours, 0.7)
        XCTAssertGreaterThan(ours, plain + 0.2)
        let own = try XCTUnwrap(dens.diagnostics["radius_correlation"])
        XCTAssertGreaterThan(own, 0.7)
        XCTAssertEqual(dens.series["radius_input"]?.count, data.rows)
    }

    func testTooFewEpochsForTheDensityPhaseWarns() throws {
        let data = varyingDensityBlobs(per: 30, d: 3, scales: [1, 3], seed: 1)
        // umap-learn's rule, (e + 1)/n_epochs > 1 − dens_frac, always includes the last epoch.
        XCTAssertEqual(UMAPDensity.firstEpoch(epochs: 3, frac: 0.1), 2)
        XCTAssertEqual(UMAPDensity.firstEpoch(epochs: 700, frac: 0.3), 490)
        XCTAssertEqual(UMAPDensity.firstEpoch(epochs: 10, frac: 0), 10)
        let short = try DensMAP(parameters: ["n_epochs": .number(3), "dens_frac": .number(0.1)]).fit(data, labels: nil, seed: 1, progress: nil)
        XCTAssertEqual(short.diagnostics["density_epochs"], 1)
        XCTAssertTrue(short.warnings.contains { $0.contains("dens_frac") }, "\(short.warnings)")
        XCTAssertTrue(short.embedding.storage.allSatisfy { $0.isFinite })
        let ok = try DensMAP(parameters: ["n_epochs": .number(3), "dens_frac": .number(0.34)]).fit(data, labels: nil, seed: 1, progress: nil)
        XCTAssertEqual(ok.diagnostics["density_epochs"], 2)
        XCTAssertFalse(ok.warnings.contains { $0.contains("dens_frac") })
        XCTAssertThrowsError(try DensMAP(parameters: ["dens_lambda": .number(-1)]))
        XCTAssertThrowsError(try DensMAP(parameters: ["dens_frac": .number(1.5)]))
        XCTAssertThrowsError(try DensMAP(parameters: ["supervised": .flag(true)])) { error in
            XCTAssertTrue("\(error)".contains("densmap"), "\(error)")
        }
    }

    /// Duplicated points (zero distances, radius log ε) and equal radii (a regular simplex) give
    /// finite output: a warning and plain UMAP for the latter.
    func testDegenerateInputsStayFinite() throws {
        var values: [Float] = []
        var rng = RandomStream(seed: 6)
        for i in 0..<150 {
            for _ in 0..<4 { values.append(i < 40 ? 1 : Float(rng.nextGaussian()) * (i < 90 ? 1 : 4)) }
        }
        let duplicated = try Matrix(rows: 150, cols: 4, storage: values)
        let r = try DensMAP(parameters: ["n_epochs": .number(60)]).fit(duplicated, labels: nil, seed: 2, progress: nil)
        XCTAssertTrue(r.embedding.storage.allSatisfy { $0.isFinite })
        XCTAssertTrue(r.series["radius_output"]?.allSatisfy { $0.isFinite } ?? false)

        // The corners of a regular simplex: every distance is exactly √2, so every radius is log 2.
        var corners = [Float](repeating: 0, count: 40 * 40)
        for i in 0..<40 { corners[i * 40 + i] = 1 }
        let simplex = try Matrix(rows: 40, cols: 40, storage: corners)
        let c = try DensMAP(parameters: ["n_epochs": .number(30)]).fit(simplex, labels: nil, seed: 2, progress: nil)
        XCTAssertTrue(c.embedding.storage.allSatisfy { $0.isFinite })
        XCTAssertTrue(c.warnings.contains { $0.contains("input local radii are all equal") }, "\(c.warnings)")
    }
}
