import Foundation
import XCTest
@testable import Datasets
import Linalg

final class FetcherTests: XCTestCase {
    var root: URL!      // what the server serves: <root>/tiny/<file>.gz
    var cache: URL!
    var server: TestHTTPServer?
    var trainImages: [UInt8] = []
    var files: [String: [UInt8]] = [:]  // decompressed payloads

    override func setUpWithError() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-\(UUID().uuidString)")
        root = base.appendingPathComponent("served")
        cache = base.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("tiny"), withIntermediateDirectories: true)
        var rng = RandomStream(seed: 11)
        trainImages = (0..<(5 * 16)).map { _ in UInt8(rng.nextInt(below: 256)) }
        let testImages = (0..<(3 * 16)).map { _ in UInt8(rng.nextInt(below: 256)) }
        files["train-images-idx3-ubyte"] = try IDX.encode(shape: [5, 4, 4], dtype: .uint8, values: trainImages.map(Double.init))
        files["train-labels-idx1-ubyte"] = try IDX.encode(shape: [5], dtype: .uint8, values: [0, 1, 2, 1, 0])
        files["t10k-images-idx3-ubyte"] = try IDX.encode(shape: [3, 4, 4], dtype: .uint8, values: testImages.map(Double.init))
        files["t10k-labels-idx1-ubyte"] = try IDX.encode(shape: [3], dtype: .uint8, values: [2, 2, 0])
        for (name, bytes) in files {
            try Data(try Gzip.compress(bytes)).write(to: root.appendingPathComponent("tiny/\(name).gz"))
        }
    }

    override func tearDownWithError() throws {
        server?.stop()
        try? FileManager.default.removeItem(at: root.deletingLastPathComponent())
    }

    func entry(urls: [String], corrupt: String? = nil) -> DatasetRegistry.Entry {
        func file(_ split: String, _ images: Bool, _ name: String) -> DatasetRegistry.File {
            let bytes = files[name]!
            let hash = name == corrupt ? String(repeating: "0", count: 64) : Checksum.sha256(bytes)
            return .init(split: split, isImages: images, name: name, size: bytes.count, sha256: hash)
        }
        return DatasetRegistry.Entry(name: "tiny", description: "test set", urls: urls, imageShape: [4, 4], files: [
            file("train", true, "train-images-idx3-ubyte"), file("train", false, "train-labels-idx1-ubyte"),
            file("test", true, "t10k-images-idx3-ubyte"), file("test", false, "t10k-labels-idx1-ubyte"),
        ])
    }

    func fetcher(mirror: String? = nil) -> DatasetFetcher {
        DatasetFetcher(cacheDirectory: cache, mirror: mirror, useSystemCopies: false, usePublicURLs: true,
                       attempts: 3, retryDelay: 0.05, timeout: 10, showProgressBar: false)
    }

    func load(_ e: DatasetRegistry.Entry, _ f: DatasetFetcher, _ request: DatasetRequest = DatasetRequest(name: "tiny")) throws -> Dataset {
        try DatasetLoader.load(request, seed: 1, registry: DatasetRegistry(entries: [e]), fetcher: f)
    }

    /// Every file in the cache, recursively (including temporaries).
    func cacheContents() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: cache.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { !$0.hasSuffix("tiny") }.sorted()
    }

    func testDownloadVerifyCacheAndOfflineResume() throws {
        server = try TestHTTPServer(root: root)
        let e = entry(urls: [server!.baseURL + "tiny/"])
        var progressCalls = 0
        let d = try DatasetLoader.load(DatasetRequest(name: "tiny"), seed: 1, registry: DatasetRegistry(entries: [e]),
                                       fetcher: fetcher()) { _, _ in progressCalls += 1 }
        XCTAssertEqual(d.data.rows, 8, "train (5) then test (3)")
        XCTAssertEqual(d.data.cols, 16)
        XCTAssertEqual(d.imageShape, [4, 4])
        XCTAssertEqual(d.labels, [0, 1, 2, 1, 0, 2, 2, 0])
        XCTAssertEqual(d.data[1, 3], Float(trainImages[16 + 3]) / 255, accuracy: 1e-7)
        XCTAssertGreaterThan(progressCalls, 0)
        XCTAssertEqual(cacheContents().filter { $0.hasSuffix(".tmp") }, [])
        for (name, bytes) in files {
            XCTAssertEqual([UInt8](try Data(contentsOf: cache.appendingPathComponent("tiny/\(name)"))), bytes, "cache holds the raw payload")
        }
        // No network: a later run is served from the cache.
        server!.stop()
        let again = try load(e, fetcher())
        XCTAssertEqual(again.data, d.data)
        XCTAssertEqual(again.checksum, d.checksum)
        // Splits and subsets.
        let test = try load(e, fetcher(), DatasetRequest(name: "tiny", split: "test"))
        XCTAssertEqual(test.labels, [2, 2, 0])
        XCTAssertNotEqual(test.checksum, d.checksum)
        let sub = try load(e, fetcher(), DatasetRequest(name: "tiny", n: 4, subsample: .first))
        XCTAssertEqual(sub.labels, [0, 1, 2, 1])
        XCTAssertThrowsError(try load(e, fetcher(), DatasetRequest(name: "tiny", split: "validation")))
    }

    func testChecksumFailureLeavesNothingInCache() throws {
        server = try TestHTTPServer(root: root)
        let url = server!.baseURL + "tiny/"
        let e = entry(urls: [url], corrupt: "train-images-idx3-ubyte")
        XCTAssertThrowsError(try load(e, fetcher())) { error in
            guard case let .checksumMismatch(file, source, expected, actual)? = error as? DatasetsError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(file, "train-images-idx3-ubyte")
            XCTAssertTrue(source.contains(url), source)
            XCTAssertEqual(expected, String(repeating: "0", count: 64))
            XCTAssertEqual(actual, Checksum.sha256(self.files["train-images-idx3-ubyte"]!))
            XCTAssertTrue("\(error)".contains("discarded"))
        }
        XCTAssertEqual(cacheContents(), [], "no file, temporary or verification record left behind")
    }

    func testDroppedConnectionLeavesNothingThenRetrySucceeds() throws {
        server = try TestHTTPServer(root: root, mode: "drop")
        let e = entry(urls: [server!.baseURL + "tiny/"])
        XCTAssertThrowsError(try load(e, fetcher())) { error in
            XCTAssertTrue("\(error)".contains("train-images-idx3-ubyte"), "\(error)")
            XCTAssertTrue("\(error)".contains("attempt 3 of 3"), "retried: \(error)")
        }
        XCTAssertEqual(cacheContents(), [])
        server!.stop()
        // A server that drops only the first attempt: the retry with back-off succeeds.
        server = try TestHTTPServer(root: root, mode: "flaky")
        let e2 = entry(urls: [server!.baseURL + "tiny/"])
        let d = try load(e2, fetcher())
        XCTAssertEqual(d.data.rows, 8)
    }

    func testTimeout() throws {
        server = try TestHTTPServer(root: root, mode: "hang")
        let e = entry(urls: [server!.baseURL + "tiny/"])
        var f = fetcher()
        f.timeout = 0.5
        f.attempts = 1
        let start = Date()
        XCTAssertThrowsError(try f.fetch(e, e.files[0])) {
            XCTAssertTrue("\($0)".lowercased().contains("timed out"), "\($0)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 4)
        XCTAssertEqual(cacheContents(), [])
    }

    func testSubsetsAreSeededAndImagesKeepGlobalScale() throws {
        let f = fetcher(mirror: root.path)
        let e = entry(urls: [])
        let a = try load(e, f, DatasetRequest(name: "tiny", n: 4))
        let b = try load(e, f, DatasetRequest(name: "tiny", n: 4))
        XCTAssertEqual(a.data, b.data)
        XCTAssertEqual(a.checksum, b.checksum)
        let c = try DatasetLoader.load(DatasetRequest(name: "tiny", n: 4), seed: 99, registry: DatasetRegistry(entries: [e]), fetcher: f)
        XCTAssertNotEqual(a.checksum, c.checksum)
        let all = try load(e, f)
        let unit = try load(e, f, DatasetRequest(name: "tiny", scaling: .unit))
        XCTAssertEqual(unit.data, all.data, "unit scaling keeps the global [0, 1] pixel scale of images")
        let std = try load(e, f, DatasetRequest(name: "tiny", scaling: .standardize))
        for m in std.data.columnMeans() { XCTAssertEqual(m, 0, accuracy: 1e-5) }
        XCTAssertNotEqual(std.checksum, all.checksum)
    }

    func testOfflineErrorSaysWhereItLookedAndHowToFix() throws {
        let e = entry(urls: ["http://127.0.0.1:9/tiny/"])  // discard port: connection refused
        XCTAssertThrowsError(try load(e, fetcher(mirror: "/nonexistent/mirror"))) { error in
            guard case .unavailable(let name, _, let tried)? = error as? DatasetsError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "tiny")
            XCTAssertEqual(tried.count, 3, "cache, mirror, public URL: \(tried)")
            let text = "\(error)"
            XCTAssertTrue(text.contains("MBENCH_MIRROR"), text)
            XCTAssertTrue(text.contains("/nonexistent/mirror"), text)
            XCTAssertTrue(text.contains("127.0.0.1:9"), text)
        }
        XCTAssertEqual(cacheContents(), [])
    }

    func testDirectoryAndHTTPMirrors() throws {
        let e = entry(urls: [])
        let d = try load(e, fetcher(mirror: root.path))
        XCTAssertEqual(d.data.rows, 8)
        try FileManager.default.removeItem(at: cache)
        server = try TestHTTPServer(root: root)
        let h = try load(e, fetcher(mirror: server!.baseURL))
        XCTAssertEqual(h.data, d.data)
        // verify re-hashes the cached copy and removes a corrupted one.
        let f = fetcher()
        let imagesFile = e.files[0]
        XCTAssertEqual(try f.verify(e, imagesFile).sha256, imagesFile.sha256)
        var bytes = files[imagesFile.name]!
        bytes[bytes.count - 1] ^= 0xFF
        try Data(bytes).write(to: f.cachedURL(e, imagesFile))
        XCTAssertThrowsError(try f.verify(e, imagesFile)) {
            guard case .checksumMismatch(_, let source, _, _)? = $0 as? DatasetsError else { return XCTFail("\($0)") }
            XCTAssertTrue(source.hasPrefix("cache"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.cachedURL(e, imagesFile).path))
    }

    func testSystemCopyIsUsedWhenNoMirror() throws {
        var e = entry(urls: [])
        e.systemDirectories = ["/nonexistent/system", root.appendingPathComponent("tiny").path]
        let f = DatasetFetcher(cacheDirectory: cache, useSystemCopies: true, usePublicURLs: false, showProgressBar: false)
        let (_, source) = try f.fetch(e, e.files[0])
        XCTAssertTrue(source.hasPrefix("system copy"), source)
        XCTAssertTrue(f.isCached(e, e.files[0]))
        XCTAssertEqual(try f.fetch(e, e.files[0]).source.prefix(5), "cache")
    }

    func testLabelCountMismatch() throws {
        files["train-labels-idx1-ubyte"] = try IDX.encode(shape: [4], dtype: .uint8, values: [0, 1, 2, 1])
        try Data(try Gzip.compress(files["train-labels-idx1-ubyte"]!)).write(to: root.appendingPathComponent("tiny/train-labels-idx1-ubyte.gz"))
        XCTAssertThrowsError(try load(entry(urls: []), fetcher(mirror: root.path))) {
            guard case .labelCountMismatch(5, 4, _)? = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
    }

    /// The real MNIST and Fashion-MNIST files of the shared mirror verify against the registry hashes.
    func testRealMirrorVerifies() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let mirror = packageRoot.appendingPathComponent("../shared/datasets").standardizedFileURL
        guard FileManager.default.fileExists(atPath: mirror.appendingPathComponent("mnist").path) else {
            throw XCTSkip("no shared data set mirror at \(mirror.path)")
        }
        let f = DatasetFetcher(cacheDirectory: cache, mirror: mirror.path, useSystemCopies: false, usePublicURLs: false,
                               showProgressBar: false)
        for entry in DatasetRegistry.standard.entries {
            for file in entry.files {
                let (hash, source) = try f.verify(entry, file)
                XCTAssertEqual(hash, file.sha256)
                XCTAssertTrue(source.contains(mirror.path), source)
            }
        }
        let d = try DatasetLoader.load(DatasetRequest(name: "mnist", n: 1000, split: "test", subsample: .stratified),
                                       seed: 3, registry: .standard, fetcher: f)
        XCTAssertEqual(d.data.rows, 1000)
        XCTAssertEqual(d.data.cols, 784)
        XCTAssertEqual(Set(d.labels!), Set(0..<10))
        XCTAssertTrue(d.data.storage.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
