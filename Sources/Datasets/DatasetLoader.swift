import Foundation
import Linalg

/// The one entry point Lab uses: turns a `DatasetRequest` and a seed into a `Dataset`.
public enum DatasetLoader {
    /// Names of the registry sets (`mnist`, `fashion-mnist`).
    public static var registryNames: [String] { DatasetRegistry.standard.entries.map(\.name) }

    /// Names of the synthetic generators.
    public static var generatorNames: [String] { SyntheticManifolds.generatorOptions.map(\.name) }

    /// Names of the generators for millions of points whose row i is a pure function of (seed, i)
    /// (`augmented-mnist`, `word-vectors`; see `IndexedGenerators`).
    public static var indexedGeneratorNames: [String] { IndexedGenerators.names }

    /// Version of the code that turns a request into a matrix (decoding, subsampling, scaling,
    /// and for generators the generator itself). Bump the entry in the same change as anything
    /// that may alter the loaded bytes, so that results computed on the old data are recomputed.
    /// Registry and file data are also identified by their checksums.
    public static func implementationVersion(for name: String) -> Int {
        switch name {
        case "file": return 1
        case _ where registryNames.contains(name): return 1
        case _ where indexedGeneratorNames.contains(name): return IndexedGenerators.implementationVersion(of: name)
        default: return SyntheticManifolds.implementationVersion(of: name)
        }
    }

    /// Options `generator` accepts (its own plus `noise` and `ambient_dimension`, or an indexed generator's
    /// declared options); empty for unknown names.
    public static func allowedOptions(for generator: String) -> [String] {
        if let declaration = IndexedGenerators.declaration(of: generator) { return declaration.options.map(\.name) }
        guard let entry = SyntheticManifolds.generatorOptions.first(where: { $0.name == generator }) else { return [] }
        return entry.options + SyntheticManifolds.commonOptions
    }

    /// Default number of points for generators when `request.n` is nil.
    public static let defaultGeneratedCount = 1000

    /// Loads `request` with the standard registry and the cache/mirror configuration from the environment
    /// (`MBENCH_CACHE`, `MBENCH_MIRROR`).
    ///
    /// `checksum` of the result: for registry sets, SHA-256 over the payload hashes and the selection
    /// (split, n, subsample, seed when it matters, scaling); for generators, over the generator name,
    /// sorted options, n, seed and scaling; for files, the SHA-256 of the file bytes (combined with
    /// the labels file and the selection when a subset or scaling is requested).
    /// - Parameter progress: called with a phase description and a fraction in [0, 1].
    public static func load(_ request: DatasetRequest, seed: UInt64, progress: ((String, Double) -> Void)? = nil) throws -> Dataset {
        try load(request, seed: seed, registry: .standard, fetcher: DatasetFetcher.fromEnvironment(), progress: progress)
    }

    /// Loads `request` from an explicit `registry` and `fetcher` (tests inject their own).
    public static func load(_ request: DatasetRequest, seed: UInt64, registry: DatasetRegistry, fetcher: DatasetFetcher,
                            progress: ((String, Double) -> Void)? = nil) throws -> Dataset {
        try validate(request, registry: registry)
        if request.name == "file" {
            return try loadFile(request, seed: seed)
        }
        if let entry = registry.entry(named: request.name) {
            guard entry.format == .idx else {
                throw DatasetsError.invalidRequest("'\(entry.name)' is a table: declare its blocks (blocks: [{columns: [...], metric: ...}]) in the data-set entry")
            }
            return try loadRegistry(entry, request: request, seed: seed, fetcher: fetcher, progress: progress)
        }
        if generatorNames.contains(request.name) {
            return try loadSynthetic(request, seed: seed)
        }
        if let declaration = IndexedGenerators.declaration(of: request.name) {
            return try loadIndexed(declaration, request: request, seed: seed, registry: registry, fetcher: fetcher, progress: progress)
        }
        throw DatasetsError.unknownDataset(request.name, known: registry.entries.map(\.name) + generatorNames + indexedGeneratorNames + ["file"])
    }

    // MARK: Synthetic

    static func loadSynthetic(_ request: DatasetRequest, seed: UInt64) throws -> Dataset {
        let n = request.n ?? defaultGeneratedCount
        var sample = try SyntheticManifolds.generate(request.name, n: n, seed: seed, options: request.options)
        Preprocessing.scale(&sample.data, request.scaling)
        let options = request.options.keys.sorted().map { "\($0)=\(request.options[$0]!)" }.joined(separator: ";")
        let identity = "synthetic\nname=\(request.name)\noptions=\(options)\nn=\(n)\nseed=\(seed)\nscaling=\(request.scaling.rawValue)"
        return Dataset(name: request.name, data: sample.data, labels: sample.labels, coordinate: sample.coordinate,
                       checksum: Checksum.sha256(text: identity), colors: sample.colors)
    }

    // MARK: Selection shared by registry sets and files

    /// Applies n/subsample/scaling; returns the new data set and a description of the selection
    /// (empty when nothing was changed).
    /// - Parameter subsampledFrom: the number of rows the caller already drew `data` from with
    ///   `request`'s n and subsample method (only the description is added then).
    static func select(_ data: Matrix, labels: [Int]?, request: DatasetRequest, seed: UInt64,
                       keepGlobalScale: Bool, subsampledFrom: Int? = nil) throws -> (Matrix, [Int]?, String) {
        var data = data
        var labels = labels
        var selection: [String] = []
        if let n = request.n, subsampledFrom != nil {
            selection.append("n=\(n)\nsubsample=\(request.subsample.rawValue)")
            if request.subsample != .first { selection.append("seed=\(seed)") }
        } else if let n = request.n, n != data.rows || request.subsample != .first {
            if n > data.rows {
                throw DatasetsError.invalidRequest("n = \(n) but '\(request.name)' has only \(data.rows) rows")
            }
            if n < data.rows {
                let idx = try Preprocessing.subsampleIndices(total: data.rows, n: n, method: request.subsample,
                                                            labels: labels, seed: seed)
                data = data.selectingRows(idx)
                labels = labels.map { l in idx.map { l[$0] } }
                selection.append("n=\(n)\nsubsample=\(request.subsample.rawValue)")
                if request.subsample != .first { selection.append("seed=\(seed)") }
            }
        }
        if request.scaling != .none && !(keepGlobalScale && request.scaling == .unit) {
            Preprocessing.scale(&data, request.scaling)
            selection.append("scaling=\(request.scaling.rawValue)")
        }
        return (data, labels, selection.joined(separator: "\n"))
    }
}
