import Foundation
import Linalg

extension DatasetLoader {
    // MARK: Generators whose row i is a pure function of (seed, i)

    /// Loads `augmented-mnist` or `word-vectors`: chooses n of the generator's `size` rows (`request.subsample`,
    /// from labels alone for `stratified`) and generates only those rows.
    ///
    /// `checksum`: SHA-256 over the name, the source images' checksum (augmented-mnist), every option's value,
    /// n, subsample, seed and scaling.
    /// - Throws: `invalidRequest` when n exceeds `size`, or a split is asked for; option errors as `validate`.
    static func loadIndexed(_ declaration: IndexedGenerators.Declaration, request: DatasetRequest, seed: UInt64,
                            registry: DatasetRegistry, fetcher: DatasetFetcher,
                            progress: ((String, Double) -> Void)?) throws -> Dataset {
        let options = try indexedOptions(declaration, request)
        let n = request.n ?? defaultGeneratedCount
        let size = options.integer("size")
        var data: Matrix
        var labels: [Int]
        var imageShape: [Int]? = nil
        var source = ""
        switch declaration.name {
        case AugmentedMNIST.declaration.name:
            guard let entry = registry.entry(named: "mnist"), entry.format == .idx else {
                throw DatasetsError.invalidRequest("augmented-mnist needs the registry set 'mnist'")
            }
            let digits = try loadRegistry(entry, request: DatasetRequest(name: entry.name, subsample: .first),
                                          seed: 0, fetcher: fetcher, progress: progress)
            guard let shape = digits.imageShape, shape.count == 2, let digitLabels = digits.labels else {
                throw DatasetsError.invalidRequest("augmented-mnist needs labelled 2-D images in 'mnist'")
            }
            let generator = try AugmentedMNIST(sources: digits.data, labels: digitLabels,
                                               height: shape[0], width: shape[1], options: options)
            let rows = try indexedRows(total: size, n: n, request: request, seed: seed, label: generator.label(ofRow:))
            progress?("generating \(n) augmented digits", 0)
            data = try generator.generate(rows: rows, seed: seed)
            labels = rows.map(generator.label(ofRow:))
            imageShape = shape
            source = "source=\(digits.checksum)\n"
        default:
            let generator = try WordVectors(options: options, seed: seed)
            let rows = try indexedRows(total: size, n: n, request: request, seed: seed) { generator.label(ofRow: $0, seed: seed) }
            progress?("generating \(n) word vectors", 0)
            data = try generator.generate(rows: rows, seed: seed)
            labels = rows.map { generator.label(ofRow: $0, seed: seed) }
        }
        // Images keep their global pixel scale under `unit`, as registry image sets do.
        if request.scaling != .none && !(imageShape != nil && request.scaling == .unit) {
            Preprocessing.scale(&data, request.scaling)
        }
        let values = declaration.options.map { "\($0.name)=\(options.real($0.name))" }.joined(separator: ";")
        let identity = "indexed\nname=\(declaration.name)\n\(source)options=\(values)\nn=\(n)\nsubsample=\(request.subsample.rawValue)\nseed=\(seed)\nscaling=\(request.scaling.rawValue)"
        return Dataset(name: declaration.name, data: data, labels: labels, checksum: Checksum.sha256(text: identity),
                       imageShape: imageShape)
    }

    /// The checked options of a request for `declaration`, with n ≤ `size` and no split.
    static func indexedOptions(_ declaration: IndexedGenerators.Declaration, _ request: DatasetRequest) throws -> IndexedGenerators.OptionValues {
        let options = try IndexedGenerators.OptionValues(declaration, request.options)
        if request.split != nil { throw DatasetsError.invalidRequest("generator '\(declaration.name)' has no splits") }
        let n = request.n ?? defaultGeneratedCount
        let size = options.integer("size")
        if n > size {
            let ceiling = Int(declaration.options.first { $0.name == "size" }?.range.upperBound ?? 0)
            throw DatasetsError.invalidRequest("n = \(n) but '\(declaration.name)' is set to make \(size) points (option size; it can make at most \(ceiling))")
        }
        return options
    }

    /// The ascending rows of a subsample of n of `total` generated rows; labels (from `label`) are
    /// computed for all rows only for `stratified`.
    static func indexedRows(total: Int, n: Int, request: DatasetRequest, seed: UInt64, label: (Int) -> Int) throws -> [Int] {
        if n == total { return Array(0..<total) }
        let labels = request.subsample == .stratified ? (0..<total).map(label) : nil
        return try Preprocessing.subsampleIndices(total: total, n: n, method: request.subsample, labels: labels, seed: seed)
    }
}
