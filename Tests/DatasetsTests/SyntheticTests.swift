import Foundation
import XCTest
@testable import Datasets
import Linalg

final class SyntheticTests: XCTestCase {
    func gen(_ name: String, n: Int = 500, seed: UInt64 = 7, _ options: [String: Double] = [:]) throws -> Dataset {
        try DatasetLoader.load(DatasetRequest(name: name, n: n, options: options), seed: seed)
    }

    func norm(_ v: [Float]) -> Double { v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }

    func testEveryGeneratorIsSeededDeterministicAndSized() throws {
        for name in DatasetLoader.generatorNames {
            let a = try gen(name, n: 300, seed: 3)
            let b = try gen(name, n: 300, seed: 3)
            let c = try gen(name, n: 300, seed: 4)
            XCTAssertEqual(a.data, b.data, name)
            XCTAssertEqual(a.checksum, b.checksum, name)
            XCTAssertNotEqual(a.data, c.data, name)
            XCTAssertNotEqual(a.checksum, c.checksum, name)
            XCTAssertEqual(a.data.rows, 300, name)
            XCTAssertEqual(a.coordinate?.count, 300, name)
            XCTAssertNil(a.data.firstNonFinite(), name)
            // Embedding into 7 dimensions keeps pairwise distances (rotation).
            let e = try gen(name, n: 50, seed: 3, ["ambient_dimension": 12])
            let base = try gen(name, n: 50, seed: 3)
            XCTAssertEqual(e.data.cols, 12, name)
            for (i, j) in [(0, 1), (5, 17), (30, 49)] {
                let d0 = zip(base.data.row(i), base.data.row(j)).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
                let d1 = zip(e.data.row(i), e.data.row(j)).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
                XCTAssertEqual(d1, d0, accuracy: 1e-4 * max(1, d0), name)
            }
        }
    }

    func testBlobs() throws {
        let d = try gen("blobs", n: 2000, ["dimension": 4, "centers": 3, "cluster_std": 0.5])
        XCTAssertEqual(d.data.cols, 4)
        XCTAssertEqual(Set(d.labels ?? []), [0, 1, 2])
        // Each blob's empirical per-coordinate standard deviation is close to 0.5.
        for c in 0..<3 {
            let rows = (0..<2000).filter { d.labels![$0] == c }
            let m = d.data.selectingRows(rows)
            let mean = m.columnMeans()
            var v = 0.0
            for i in 0..<m.rows { for j in 0..<4 { v += pow(Double(m[i, j]) - mean[j], 2) } }
            XCTAssertEqual((v / Double(m.rows * 4)).squareRoot(), 0.5, accuracy: 0.03)
        }
    }

    func testSphereRadiusAndDimension() throws {
        let d = try gen("sphere", ["dimension": 5, "radius": 2.5])
        XCTAssertEqual(d.data.cols, 5)
        for i in 0..<d.data.rows { XCTAssertEqual(norm(d.data.row(i)), 2.5, accuracy: 1e-5) }
        // Uniform on the sphere: the mean is near the origin.
        for m in d.data.columnMeans() { XCTAssertEqual(m, 0, accuracy: 0.3) }
    }

    func testTorusRadii() throws {
        let big = 3.0, small = 0.75
        let d = try gen("torus", ["major_radius": big, "minor_radius": small])
        for i in 0..<d.data.rows {
            let x = Double(d.data[i, 0]), y = Double(d.data[i, 1]), z = Double(d.data[i, 2])
            // Distance to the tube's centre circle is the minor radius.
            let rho = (x * x + y * y).squareRoot()
            XCTAssertEqual(((rho - big) * (rho - big) + z * z).squareRoot(), small, accuracy: 1e-5)
            XCTAssertEqual(atan2(y, x) < 0 ? atan2(y, x) + 2 * .pi : atan2(y, x), Double(d.coordinate![i]), accuracy: 1e-4)
        }
    }

    func testSwissRollParametrisationAndHole() throws {
        let d = try gen("swiss-roll", ["height": 10])
        for i in 0..<d.data.rows {
            let t = Double(d.coordinate![i])
            XCTAssertTrue(t >= 1.5 * .pi && t <= 4.5 * .pi)
            XCTAssertEqual(Double(d.data[i, 0]), t * cos(t), accuracy: 1e-4)
            XCTAssertEqual(Double(d.data[i, 2]), t * sin(t), accuracy: 1e-4)
            XCTAssertTrue(d.data[i, 1] >= 0 && d.data[i, 1] <= 10)
        }
        let h = try gen("swiss-roll", n: 3000, ["hole": 1])
        for i in 0..<h.data.rows {
            let u = (Double(h.coordinate![i]) / (1.5 * .pi) - 1) / 2, v = Double(h.data[i, 1]) / 21
            XCTAssertFalse(u > 0.41 && u < 0.59 && v > 0.41 && v < 0.59, "point \(i) inside the hole")
        }
        XCTAssertThrowsError(try gen("swiss-roll", ["hole": 2]))
    }

    func testSCurveTrefoilCirclesSineCubeGaussian() throws {
        let s = try gen("s-curve")
        for i in 0..<s.data.rows {
            let t = Double(s.coordinate![i])
            XCTAssertEqual(Double(s.data[i, 0]), sin(t), accuracy: 1e-5)
            XCTAssertEqual(Double(s.data[i, 2]), (t < 0 ? -1 : 1) * (cos(t) - 1), accuracy: 1e-5)
        }
        let k = try gen("trefoil")
        for i in 0..<k.data.rows {
            let t = Double(k.coordinate![i])
            XCTAssertEqual(Double(k.data[i, 0]), sin(t) + 2 * sin(2 * t), accuracy: 1e-5)
            XCTAssertEqual(Double(k.data[i, 2]), -sin(3 * t), accuracy: 1e-5)
        }
        let c = try gen("circles", ["circles": 3, "factor": 0.4])
        for i in 0..<c.data.rows {
            XCTAssertEqual(norm(c.data.row(i)), pow(0.4, Double(c.labels![i])), accuracy: 1e-5)
        }
        let sine = try gen("sine", n: 4000)
        var firstHalf = 0
        for i in 0..<sine.data.rows {
            XCTAssertEqual(sine.data[i, 1], sin(sine.data[i, 0]), accuracy: 1e-5)
            if sine.data[i, 0] < .pi { firstHalf += 1 }
        }
        // x = 2π u³: P(x < π) = 0.5^(1/3) ≈ 0.794 — strongly non-uniform.
        XCTAssertEqual(Double(firstHalf) / 4000, pow(0.5, 1.0 / 3), accuracy: 0.03)
        let cube = try gen("color-cube")
        XCTAssertEqual(cube.colors, cube.data)
        XCTAssertTrue(cube.data.storage.allSatisfy { $0 >= 0 && $0 < 1 })
        let g = try gen("gaussian", n: 3000, ["dimension": 20, "std": 2])
        XCTAssertEqual(g.data.cols, 20)
        let meanSq = g.data.storage.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(g.data.storage.count)
        XCTAssertEqual(meanSq, 4, accuracy: 0.15)
    }

    func testNoiseAndBadOptions() throws {
        let clean = try gen("sphere")
        let noisy = try gen("sphere", ["noise": 0.1])
        let diffs = zip(clean.data.storage, noisy.data.storage).map { Double($0 - $1) }
        let sd = (diffs.reduce(0) { $0 + $1 * $1 } / Double(diffs.count)).squareRoot()
        XCTAssertEqual(sd, 0.1, accuracy: 0.01)
        XCTAssertThrowsError(try gen("sphere", ["radiu": 1])) {
            guard case .unknownOption(_, "radiu", _) = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try gen("blobs", ["centers": 1.5]))
        XCTAssertThrowsError(try gen("nosuch")) {
            guard case .unknownDataset = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(DatasetLoader.allowedOptions(for: "sphere"), ["dimension", "radius", "noise", "ambient_dimension"])
    }

    func testDeterministicAcrossThreadCounts() throws {
        let a = try Parallel.withThreadCount(1) { try gen("blobs", n: 1000, ["dimension": 10]) }
        let b = try Parallel.withThreadCount(2) { try gen("blobs", n: 1000, ["dimension": 10]) }
        XCTAssertEqual(NPY.encode(a.data), NPY.encode(b.data))
    }

    func testSubsamplingAndScaling() throws {
        let labels = (0..<100).map { $0 < 80 ? 0 : 1 }
        let s = try Preprocessing.subsampleIndices(total: 100, n: 10, method: .stratified, labels: labels, seed: 1)
        XCTAssertEqual(s.filter { $0 < 80 }.count, 8)
        XCTAssertEqual(s, s.sorted())
        XCTAssertEqual(Set(s).count, 10)
        let r1 = try Preprocessing.subsampleIndices(total: 100, n: 10, method: .random, labels: nil, seed: 1)
        XCTAssertEqual(r1, try Preprocessing.subsampleIndices(total: 100, n: 10, method: .random, labels: nil, seed: 1))
        XCTAssertEqual(try Preprocessing.subsampleIndices(total: 100, n: 3, method: .first, labels: nil, seed: 1), [0, 1, 2])
        XCTAssertThrowsError(try Preprocessing.subsampleIndices(total: 10, n: 11, method: .random, labels: nil, seed: 1))
        XCTAssertThrowsError(try Preprocessing.subsampleIndices(total: 10, n: 5, method: .stratified, labels: nil, seed: 1))

        var m = try Matrix(rowArrays: [[1, 5, 2], [3, 5, 4], [5, 5, 9]])
        var u = m
        Preprocessing.scale(&u, .unit)
        XCTAssertEqual(u.storage, [0, 0, 0, 0.5, 0, 2.0 / 7, 1, 0, 1])
        Preprocessing.scale(&m, .standardize)
        XCTAssertEqual(m[0, 0], -Float((1.5).squareRoot()), accuracy: 1e-6)
        XCTAssertEqual(m[1, 1], 0)
        XCTAssertEqual(m.columnMeans()[2], 0, accuracy: 1e-6)
    }
}
