import Foundation
import XCTest
@testable import Datasets
import Linalg

final class AugmentedMNISTTests: XCTestCase {
    var root: URL!

    /// A mirror with a tiny "mnist": 7 train + 5 test images of 28 × 28, labels 0...9.
    var sourcePixels: [UInt8] = []
    var sourceLabels: [Int] = []

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("augmented-\(UUID().uuidString)")
        let folder = root.appendingPathComponent("mirror/mnist")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = RandomStream(seed: 5)
        sourcePixels = (0..<(12 * 784)).map { _ in UInt8(rng.nextInt(below: 256)) }
        sourceLabels = (0..<12).map { $0 % 10 }
        let files: [(String, [UInt8])] = [
            ("train-images-idx3-ubyte", try IDX.encode(shape: [7, 28, 28], dtype: .uint8, values: sourcePixels[..<(7 * 784)].map(Double.init))),
            ("train-labels-idx1-ubyte", try IDX.encode(shape: [7], dtype: .uint8, values: sourceLabels[..<7].map(Double.init))),
            ("t10k-images-idx3-ubyte", try IDX.encode(shape: [5, 28, 28], dtype: .uint8, values: sourcePixels[(7 * 784)...].map(Double.init))),
            ("t10k-labels-idx1-ubyte", try IDX.encode(shape: [5], dtype: .uint8, values: sourceLabels[7...].map(Double.init))),
        ]
        for (name, bytes) in files { try Data(try Gzip.compress(bytes)).write(to: folder.appendingPathComponent(name + ".gz")) }
        entry = DatasetRegistry.Entry(name: "mnist", description: "tiny", urls: [], imageShape: [28, 28], files: files.map { name, bytes in
            DatasetRegistry.File(split: name.hasPrefix("train") ? "train" : "test", isImages: name.contains("images"), name: name,
                                 size: bytes.count, sha256: Checksum.sha256(bytes))
        })
    }

    var entry: DatasetRegistry.Entry!

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func load(n: Int, subsample: Subsample = .random, seed: UInt64 = 3, _ options: [String: Double] = ["size": 1000]) throws -> Dataset {
        let fetcher = DatasetFetcher(cacheDirectory: root.appendingPathComponent("cache"), mirror: root.appendingPathComponent("mirror").path,
                                     useSystemCopies: false, usePublicURLs: false, showProgressBar: false)
        return try DatasetLoader.load(DatasetRequest(name: "augmented-mnist", n: n, subsample: subsample, options: options),
                                      seed: seed, registry: DatasetRegistry(entries: [entry]), fetcher: fetcher)
    }

    func testOriginalsFirstLabelsKeptAndDeformedRowsDiffer() throws {
        let d = try load(n: 40, subsample: .first)
        XCTAssertEqual(d.data.rows, 40)
        XCTAssertEqual(d.data.cols, 784)
        XCTAssertEqual(d.imageShape, [28, 28])
        for i in 0..<40 {
            XCTAssertEqual(d.labels?[i], sourceLabels[i % 12])
            let source = sourcePixels[(i % 12) * 784 ..< (i % 12 + 1) * 784].map { Float($0) / 255 }
            if i < 12 {
                XCTAssertEqual(d.data.row(i), source, "row \(i) is the original")
            } else {
                XCTAssertNotEqual(d.data.row(i), source, "row \(i) is deformed")
                XCTAssertTrue(d.data.row(i).allSatisfy { $0 >= 0 && $0 <= 1 })
            }
        }
    }

    /// Image i depends only on (seed, i): a random subsample holds exactly the rows of the full set.
    func testSubsampleRowsAreThoseOfTheFullSet() throws {
        let full = try load(n: 1000, subsample: .first)
        let part = try load(n: 30, subsample: .random)
        let other = try load(n: 30, subsample: .random, seed: 4)
        let idx = try Preprocessing.subsampleIndices(total: 1000, n: 30, method: .random, labels: nil, seed: 3)
        XCTAssertEqual(part.data, full.data.selectingRows(idx))
        XCTAssertEqual(part.labels, idx.map { full.labels![$0] })
        XCTAssertNotEqual(part.checksum, other.checksum)
        let again = try load(n: 30, subsample: .random)
        XCTAssertEqual(part.checksum, again.checksum)
        // Stratified: chosen from labels alone.
        let strat = try load(n: 100, subsample: .stratified)
        XCTAssertEqual(Set(strat.labels!), Set(0..<10))
    }

    func testBytesDoNotDependOnThreadCount() throws {
        let generator = try makeGenerator(sources: 3, side: 28, [:])
        let rows = Array(0..<700) + [5_000_123, 7_999_999]   // more than two chunks of 256 rows
        let one = try Parallel.withThreadCount(1) { try generator.generate(rows: rows, seed: 9) }
        let two = try Parallel.withThreadCount(2) { try generator.generate(rows: rows, seed: 9) }
        let five = try Parallel.withThreadCount(5) { try generator.generate(rows: rows, seed: 9) }
        XCTAssertEqual(one.storage, two.storage)
        XCTAssertEqual(one.storage, five.storage)
        XCTAssertEqual(try generator.generate(rows: [5_000_123], seed: 9).storage, one.row(700))
    }

    func testSizeLimitsAndOptionsAreChecked() throws {
        XCTAssertThrowsError(try load(n: 1001)) { error in
            XCTAssertTrue("\(error)".contains("n = 1001"), "\(error)")
            XCTAssertTrue("\(error)".contains("at most 8000000"), "\(error)")
        }
        XCTAssertThrowsError(try load(n: 10, ["size": 8_000_001]))
        XCTAssertThrowsError(try load(n: 10, ["rotation": -1]))
        XCTAssertThrowsError(try load(n: 10, ["noise": 1])) {
            guard case .unknownOption("augmented-mnist", "noise", _)? = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try DatasetLoader.validate(DatasetRequest(name: "augmented-mnist", n: 9_000_000)))
        XCTAssertThrowsError(try DatasetLoader.validate(DatasetRequest(name: "augmented-mnist", split: "train")))
        XCTAssertNoThrow(try DatasetLoader.validate(DatasetRequest(name: "augmented-mnist", n: 8_000_000)))
    }

    // MARK: The deformation on images with known answers

    /// `count` identical sources of side × side pixels: the horizontal ramp x / side (plus 1/8 so it is never 0).
    func makeGenerator(sources count: Int, side: Int, _ options: [String: Double]) throws -> AugmentedMNIST {
        var pixels: [Float] = []
        for _ in 0..<count { for _ in 0..<side { for x in 0..<side { pixels.append(Float(x) / Float(side) + 0.125) } } }
        let values = try IndexedGenerators.OptionValues(AugmentedMNIST.declaration, options)
        return try AugmentedMNIST(sources: try Matrix(rows: count, cols: side * side, storage: pixels),
                                  labels: Array(0..<count), height: side, width: side, options: values)
    }

    let none: [String: Double] = ["rotation": 0, "scale": 0, "shear": 0, "translation": 0, "elastic_alpha": 0]

    func testNoDeformationIsTheIdentity() throws {
        let g = try makeGenerator(sources: 2, side: 28, none)
        let m = try g.generate(rows: [2, 3, 101], seed: 1)
        XCTAssertEqual(m.row(0), g.sources.row(0))
        XCTAssertEqual(m.row(1), g.sources.row(1))
        XCTAssertEqual(m.row(2), g.sources.row(1))
    }

    /// A translation shifts the ramp by the same amount everywhere inside, by at most the bound.
    func testTranslationShiftsTheRamp() throws {
        var options = none
        options["translation"] = 2
        let side = 28
        let g = try makeGenerator(sources: 1, side: side, options)
        var shifts: [Double] = []
        for i in 1...40 {
            let row = try g.generate(rows: [i], seed: 7).storage
            let shift = Double(row[14 * side + 14] - g.sources.storage[14 * side + 14]) * Double(side)
            for y in 4..<24 { for x in 4..<24 {
                XCTAssertEqual(Double(row[y * side + x] - g.sources.storage[y * side + x]) * Double(side), shift, accuracy: 1e-4)
            } }
            XCTAssertLessThanOrEqual(abs(shift), 2 + 1e-9)
            shifts.append(shift)
        }
        XCTAssertGreaterThan(Set(shifts).count, 30, "each image has its own shift")
    }

    /// A rotation of the ramp x/side has gradient (cos θ, −sin θ)/side: a unit vector with |θ| ≤ the bound.
    func testRotationHasUnitGradientWithinBound() throws {
        var options = none
        options["rotation"] = 10
        let side = 28
        let g = try makeGenerator(sources: 1, side: side, options)
        for i in 1...20 {
            let row = try g.generate(rows: [i], seed: 3).storage
            let gx = Double(row[14 * side + 15] - row[14 * side + 13]) / 2 * Double(side)
            let gy = Double(row[15 * side + 14] - row[13 * side + 14]) / 2 * Double(side)
            XCTAssertEqual(gx * gx + gy * gy, 1, accuracy: 1e-4)
            XCTAssertLessThanOrEqual(abs(atan2(-gy, gx)), 10 * Double.pi / 180 + 1e-5)
        }
    }

    /// Elastic displacements of smoothed uniform noise have RMS α · sqrt(1/3) · Σ w² inside the image
    /// (w the normalised Gaussian kernel): measured on the ramp's horizontal displacement.
    func testElasticDisplacementHasTheExpectedSpread() throws {
        var options = none
        options["elastic_alpha"] = 6
        options["elastic_sigma"] = 2
        let side = 48
        let g = try makeGenerator(sources: 1, side: side, options)
        let w = (-6...6).map { exp(-Double($0 * $0) / 8) }
        let sumSquares = w.map { $0 * $0 }.reduce(0, +) / pow(w.reduce(0, +), 2)
        let expected = 6 * (1.0 / 3).squareRoot() * sumSquares
        var sum = 0.0, count = 0
        for i in 1...60 {
            let row = try g.generate(rows: [i], seed: 2).storage
            for y in 8..<40 { for x in 8..<40 {
                let d = Double(row[y * side + x] - g.sources.storage[y * side + x]) * Double(side)
                sum += d * d
                count += 1
            } }
        }
        XCTAssertEqual((sum / Double(count)).squareRoot(), expected, accuracy: 0.1 * expected)
    }
}
