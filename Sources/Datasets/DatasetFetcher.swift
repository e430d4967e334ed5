import Foundation

/// Where registry files come from and where they are cached (see `fetch`).
public struct DatasetFetcher: Sendable {
    public var cacheDirectory: URL
    public var mirror: String?
    public init(cacheDirectory: URL, mirror: String? = nil) {
        self.cacheDirectory = cacheDirectory
        self.mirror = mirror
    }
    public static func fromEnvironment() -> DatasetFetcher {
        let env = ProcessInfo.processInfo.environment
        let cache = env["MBENCH_CACHE"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Datasets/cache")
        return DatasetFetcher(cacheDirectory: cache, mirror: env["MBENCH_MIRROR"])
    }
}

extension DatasetLoader {
    static func loadRegistry(_ entry: DatasetRegistry.Entry, request: DatasetRequest, seed: UInt64,
                             fetcher: DatasetFetcher, progress: ((String, Double) -> Void)?) throws -> Dataset {
        throw DatasetsError.invalidRequest("registry loading is not implemented yet")
    }

    static func loadFile(_ request: DatasetRequest, seed: UInt64) throws -> Dataset {
        guard let path = request.path else { throw DatasetsError.invalidRequest("name 'file' needs a path") }
        let url = URL(fileURLWithPath: path)
        let data = try NPY.readMatrix(from: url)
        var labels: [Int]? = nil
        if let lp = request.labelsPath {
            labels = try NPY.readLabels(from: URL(fileURLWithPath: lp))
        }
        let (m, l, selection) = try select(data, labels: labels, request: request, seed: seed, keepGlobalScale: false)
        var checksum = try Checksum.sha256(fileAt: url)
        if !selection.isEmpty { checksum = Checksum.sha256(text: "file\n\(checksum)\n\(selection)") }
        return Dataset(name: "file", data: m, labels: l, checksum: checksum)
    }
}
