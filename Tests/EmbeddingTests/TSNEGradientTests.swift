import XCTest
import Linalg
import Neighbors
@testable import Embedding

final class TSNEGradientTests: XCTestCase {
    private func engine(_ m: TSNEGradientMethod, theta: Double = 0.5, dof: Double = 1) -> TSNEGradientEngine {
        TSNEGradientEngine(method: m, kernel: TSNEKernel(dof: dof), theta: theta, fft: TSNEFFTSettings())
    }

    /// The exact gradient is 1/4 of the derivative of KL(P‖Q) (openTSNE's convention); check it
    /// against central finite differences, for the Cauchy kernel and a heavy-tailed one.
    func testExactGradientMatchesFiniteDifferences() throws {
        var rng = RandomStream(seed: 5, purpose: "test")
        let data = try Matrix(rows: 40, cols: 4, storage: (0..<160).map { _ in Float(rng.nextGaussian()) })
        let p = TSNETestData.affinities(data, perplexity: 5)
        for dof in [1.0, 0.6] {
            for c in [2, 3] {
                let e = engine(.exact, dof: dof)
                let y = TSNETestData.layout(n: 40, c: c, spread: 3, seed: 9)
                var g = [Double](repeating: 0, count: 40 * c)
                _ = e.gradient(p: p, pLogP: p.entropyTerm, y: y, c: c, exaggeration: 1, evaluateKL: true, into: &g)
                var scratch = g
                for idx in [0, 7, 33, 40 * c - 1] {
                    var yp = y, ym = y
                    let h = 1e-5
                    yp[idx] += h; ym[idx] -= h
                    let kp = e.gradient(p: p, pLogP: p.entropyTerm, y: yp, c: c, exaggeration: 1, evaluateKL: true, into: &scratch)
                    let km = e.gradient(p: p, pLogP: p.entropyTerm, y: ym, c: c, exaggeration: 1, evaluateKL: true, into: &scratch)
                    let numeric = (kp - km) / (2 * h)
                    XCTAssertEqual(4 * g[idx], numeric, accuracy: 1e-6 + 1e-4 * abs(numeric), "dof \(dof) c \(c) idx \(idx)")
                }
            }
        }
    }

    /// The single-precision all-pairs gradient is the exact one up to float rounding (2-D, dof 1),
    /// whether the layout is compact (early exaggeration) or wide.
    func testPairwiseGradientEqualsExactToFloatRounding() {
        let (data, _) = TSNETestData.blobs(perCluster: 100, clusters: 5, d: 6, separation: 5, seed: 4)
        let p = TSNETestData.affinities(data, perplexity: 20)
        for spread in [0.01, 1.0, 40.0] {
            let y = TSNETestData.layout(n: 500, c: 2, spread: spread, seed: 8)
            var gExact = [Double](repeating: 0, count: 1000)
            var gPair = gExact
            let klE = engine(.exact).gradient(p: p, pLogP: p.entropyTerm, y: y, c: 2, exaggeration: 1, evaluateKL: true, into: &gExact)
            let klP = engine(.exact32).gradient(p: p, pLogP: p.entropyTerm, y: y, c: 2, exaggeration: 1, evaluateKL: true, into: &gPair)
            XCTAssertLessThan(TSNETestData.relativeError(gPair, gExact), 1e-4, "spread \(spread)")
            XCTAssertEqual(klP, klE, accuracy: 1e-5 * abs(klE), "spread \(spread)")
        }
    }

    /// `auto` picks what `resolvedMethod` documents: all pairs below `pairwiseBelow` points in 2-D
    /// with dof 1, FFT from there (2-D, dof 1); Barnes–Hut below 10 000 otherwise; and requests
    /// that cannot run become the documented fallback.
    func testAutoPicksTheDocumentedMethod() throws {
        func resolved(_ n: Int, _ params: [String: ParameterValue] = [:]) throws -> TSNEGradientMethod {
            try TSNEParameters(parameters: params).resolvedMethod(n: n)
        }
        let cut = TSNEParameters.pairwiseBelow
        XCTAssertEqual(try resolved(50), .exact32)
        XCTAssertEqual(try resolved(cut - 1), .exact32)
        XCTAssertEqual(try resolved(cut), .fft)
        XCTAssertEqual(try resolved(70_000), .fft)
        XCTAssertEqual(try resolved(2_000, ["n_components": .number(3)]), .barnesHut)
        XCTAssertEqual(try resolved(20_000, ["n_components": .number(3)]), .barnesHut)
        XCTAssertEqual(try resolved(2_000, ["dof": .number(0.5)]), .barnesHut)
        XCTAssertEqual(try resolved(9_999, ["dof": .number(0.5)]), .barnesHut)
        XCTAssertEqual(try resolved(10_000, ["dof": .number(0.5)]), .fft)
        XCTAssertEqual(try resolved(2_000, ["negative_gradient_method": .text("bh")]), .barnesHut)
        XCTAssertEqual(try resolved(2_000, ["negative_gradient_method": .text("exact32"), "dof": .number(0.5)]), .exact)
        XCTAssertEqual(try resolved(2_000, ["negative_gradient_method": .text("exact32"), "n_components": .number(3)]), .exact)
        XCTAssertEqual(try resolved(2_000, ["negative_gradient_method": .text("fft"), "n_components": .number(3)]), .barnesHut)
    }

    func testBarnesHutWithThetaZeroEqualsExact() {
        for c in [1, 2, 3] {
            for dof in [1.0, 0.5] {
                let y = TSNETestData.layout(n: 300, c: c, spread: 10, seed: 11)
                let k = TSNEKernel(dof: dof)
                let exact = TSNEExactRepulsion.compute(y: y, n: 300, c: c, kernel: k)
                let bh = TSNEBarnesHut.repulsion(y: y, n: 300, c: c, theta: 0, kernel: k)
                XCTAssertEqual(bh.z, exact.z, accuracy: 1e-10 * exact.z)
                XCTAssertLessThan(TSNETestData.relativeError(bh.forces, exact.forces), 1e-12, "c \(c) dof \(dof)")
            }
        }
    }

    /// Full gradients (attraction + repulsion) on 2 000 points of a real affinity matrix, laid out
    /// like a mid-optimisation embedding. Tolerances (relative L2 error of the gradient): BH θ = 0.5 ≤ 2.5 %;
    /// FFT with the default grid (1 unit per interval, 3 nodes) ≤ 5 % — this is FIt-SNE's accuracy on a wide
    /// embedding — and ≤ 0.5 % on a 5× finer grid (the interpolation error shrinks like h³).
    func testApproximateGradientsAgreeWithExact() throws {
        let (data, _) = TSNETestData.blobs(perCluster: 250, clusters: 8, d: 8, separation: 6, seed: 2)
        let p = TSNETestData.affinities(data, perplexity: 30)
        for spread in [2.0, 30.0] {
            let y = TSNETestData.layout(n: 2000, c: 2, spread: spread, seed: 13)
            var gExact = [Double](repeating: 0, count: 4000)
            var gBH = gExact, gFFT = gExact, gFine = gExact
            let klE = engine(.exact).gradient(p: p, pLogP: p.entropyTerm, y: y, c: 2, exaggeration: 1, evaluateKL: true, into: &gExact)
            let klB = engine(.barnesHut).gradient(p: p, pLogP: p.entropyTerm, y: y, c: 2, exaggeration: 1, evaluateKL: true, into: &gBH)
            let klF = engine(.fft).gradient(p: p, pLogP: p.entropyTerm, y: y, c: 2, exaggeration: 1, evaluateKL: true, into: &gFFT)
            let fine = TSNEGradientEngine(method: .fft, kernel: TSNEKernel(dof: 1), theta: 0,
                                          fft: TSNEFFTSettings(nInterpolationPoints: 3, minNumIntervals: 50, intsInInterval: 0.2))
            _ = fine.gradient(p: p, pLogP: p.entropyTerm, y: y, c: 2, exaggeration: 1, evaluateKL: false, into: &gFine)
            let errB = TSNETestData.relativeError(gBH, gExact)
            let errF = TSNETestData.relativeError(gFFT, gExact)
            let errFine = TSNETestData.relativeError(gFine, gExact)
            print("spread \(spread): BH rel err \(errB), FFT rel err \(errF) (fine grid \(errFine)), KL exact \(klE) bh \(klB) fft \(klF)")
            XCTAssertLessThan(errB, 0.025)
            XCTAssertLessThan(errF, 0.05)
            XCTAssertLessThan(errFine, 0.005)
            XCTAssertEqual(klB, klE, accuracy: 5e-3 * abs(klE))
            XCTAssertEqual(klF, klE, accuracy: 1e-3 * abs(klE))
        }
    }

    func testFFTWithHeavyTailsAgreesWithExact() throws {
        let y = TSNETestData.layout(n: 1000, c: 2, spread: 20, seed: 17)
        let k = TSNEKernel(dof: 0.5)
        let exact = TSNEExactRepulsion.compute(y: y, n: 1000, c: 2, kernel: k)
        let fft = TSNEFFTRepulsion.compute(y: y, n: 1000, kernel: k, settings: TSNEFFTSettings())
        XCTAssertEqual(fft.z, exact.z, accuracy: 1e-3 * exact.z)
        XCTAssertLessThan(TSNETestData.relativeError(fft.forces, exact.forces), 0.05)
        let fine = TSNEFFTRepulsion.compute(y: y, n: 1000, kernel: k, settings: TSNEFFTSettings(intsInInterval: 0.2))
        XCTAssertEqual(fine.z, exact.z, accuracy: 1e-4 * exact.z)
        XCTAssertLessThan(TSNETestData.relativeError(fine.forces, exact.forces), 0.005)
    }

    /// Interval counts: FIt-SNE's list up to 200, then the next 2·3·5·7-smooth count (a fine
    /// grid on a wide embedding, e.g. 250 units at intsInInterval 1 → 250, 211 → 216).
    func testIntervalCountsAreFFTFriendly() {
        let settings = TSNEFFTSettings()
        XCTAssertEqual(TSNEFFTRepulsion.intervalCount(range: 10, settings: settings), 50)
        XCTAssertEqual(TSNEFFTRepulsion.intervalCount(range: 83.5, settings: settings), 85)
        XCTAssertEqual(TSNEFFTRepulsion.intervalCount(range: 200, settings: settings), 200)
        XCTAssertEqual(TSNEFFTRepulsion.intervalCount(range: 211.7, settings: settings), 216)
        XCTAssertEqual(TSNEFFTRepulsion.intervalCount(range: 250, settings: settings), 250)
        for range in stride(from: 201.0, to: 800, by: 7) {
            let b = TSNEFFTRepulsion.intervalCount(range: range, settings: settings)
            XCTAssertTrue(TSNEFFTRepulsion.isSmooth(b) && b >= Int(range), "\(range) → \(b)")
        }
        // Capped: 2 400 nodes per dimension, 800 intervals of 3 nodes (800 is smooth), whatever the
        // range or the interval width asked for.
        for range in [801.0, 5_000, 1e9, .infinity] {
            XCTAssertEqual(TSNEFFTRepulsion.intervalCount(range: range, settings: settings), 800, "\(range)")
        }
        let fine = TSNEFFTSettings(nInterpolationPoints: 7, minNumIntervals: 50, intsInInterval: 1e-9)
        let b = TSNEFFTRepulsion.intervalCount(range: 10, settings: fine)
        XCTAssertTrue(TSNEFFTRepulsion.isSmooth(b) && b * 7 <= TSNEFFTRepulsion.maxNodesPerDimension && b > 300, "\(b)")
    }

    /// A minimum grid above the cap is refused when the parameters are read, naming the parameter.
    func testOversizedMinimumGridIsRefused() {
        XCTAssertThrowsError(try TSNEParameters(parameters: ["min_num_intervals": .number(10_000)])) { error in
            XCTAssertTrue("\(error)".contains("min_num_intervals"), "\(error)")
            XCTAssertTrue("\(error)".contains("2400"), "\(error)")
        }
        XCTAssertNoThrow(try TSNEParameters(parameters: ["min_num_intervals": .number(800)]))
        XCTAssertThrowsError(try TSNEParameters(parameters: ["min_num_intervals": .number(400), "n_interpolation_points": .number(7)]))
    }

    /// A wide, sparse layout (260 units: more than 200 intervals, so the smooth-rounded grid
    /// sizes; the refined grid is near the node cap) converges to the exact repulsion as the grid is refined. The default grid is only
    /// accurate to a few per cent here: 800 points spread that thin make Z a sum of a few near
    /// pairs, which 3 interpolation nodes per unit resolve coarsely (as in FIt-SNE).
    func testFFTOnAWideLayoutConvergesToExact() throws {
        let y = TSNETestData.layout(n: 800, c: 2, spread: 130, seed: 5)
        let k = TSNEKernel(dof: 1)
        let exact = TSNEExactRepulsion.compute(y: y, n: 800, c: 2, kernel: k)
        let coarse = TSNEFFTRepulsion.compute(y: y, n: 800, kernel: k, settings: TSNEFFTSettings())
        // Finer within the grid cap (2 400 nodes per dimension): 4 nodes per interval of 0.45 units.
        let fine = TSNEFFTRepulsion.compute(y: y, n: 800, kernel: k, settings: TSNEFFTSettings(nInterpolationPoints: 4, intsInInterval: 0.45))
        print("wide layout: coarse z \(coarse.z) fine z \(fine.z) exact z \(exact.z), fine force error \(TSNETestData.relativeError(fine.forces, exact.forces))")
        XCTAssertEqual(coarse.z, exact.z, accuracy: 0.05 * exact.z)
        XCTAssertLessThan(TSNETestData.relativeError(coarse.forces, exact.forces), 0.06)
        XCTAssertEqual(fine.z, exact.z, accuracy: 1e-3 * exact.z)
        XCTAssertLessThan(TSNETestData.relativeError(fine.forces, exact.forces), 0.002)
    }

    /// A workspace reused across gradients (as in a fit) gives the same bits as a fresh one, whether
    /// the grid keeps its size or shrinks: nothing of an earlier gradient leaks into the next.
    func testReusedFFTWorkspaceGivesTheSameBitsAsAFreshOne() throws {
        let k = TSNEKernel(dof: 1)
        let wide = TSNETestData.layout(n: 600, c: 2, spread: 40, seed: 3)
        let sameSize = TSNETestData.layout(n: 600, c: 2, spread: 39, seed: 4)
        let narrow = TSNETestData.layout(n: 600, c: 2, spread: 10, seed: 5)
        let workspace = TSNEFFTWorkspace()
        _ = TSNEFFTRepulsion.compute(y: wide, n: 600, kernel: k, settings: TSNEFFTSettings(), workspace: workspace)
        for y in [sameSize, narrow, wide] {
            let reused = TSNEFFTRepulsion.compute(y: y, n: 600, kernel: k, settings: TSNEFFTSettings(), workspace: workspace)
            let fresh = TSNEFFTRepulsion.compute(y: y, n: 600, kernel: k, settings: TSNEFFTSettings())
            XCTAssertEqual(reused.z.bitPattern, fresh.z.bitPattern)
            XCTAssertEqual(reused.forces.map(\.bitPattern), fresh.forces.map(\.bitPattern))
        }
    }
}
