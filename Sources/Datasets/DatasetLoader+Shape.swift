import Foundation

extension DatasetLoader {
    /// The size of what `load` would return, known without loading it (for memory estimates before a task
    /// starts): rows, columns, and the bytes the loader holds besides the result while it works (the
    /// source digits of `augmented-mnist`). nil when the shape is only known by reading the data
    /// (CSV and IDX files, tables) or the request is invalid.
    public static func plannedShape(_ request: DatasetRequest, registry: DatasetRegistry = .standard) -> (rows: Int, cols: Int, loaderBytes: Int)? {
        if let declaration = IndexedGenerators.declaration(of: request.name) {
            guard let options = try? indexedOptions(declaration, request) else { return nil }
            let n = request.n ?? defaultGeneratedCount
            if declaration.name == AugmentedMNIST.declaration.name {
                guard let mnist = registry.entry(named: "mnist"), let source = registryShape(mnist, split: "all") else { return nil }
                return (n, source.cols, source.rows * source.cols * 4)
            }
            let d = options.integer("dimension")
            return (n, d, (min(10, d) + 1) * d * options.integer("clusters") * 8)
        }
        if let entry = registry.entry(named: request.name) {
            guard entry.format == .idx, let shape = registryShape(entry, split: request.split ?? "all") else { return nil }
            return (min(request.n ?? shape.rows, shape.rows), shape.cols, 0)
        }
        if generatorNames.contains(request.name) {
            let n = request.n ?? defaultGeneratedCount
            let native = request.options["dimension"].map { Int(exactly: $0) ?? 3 } ?? 3
            let d = request.options["ambient_dimension"].flatMap { Int(exactly: $0) } ?? native
            return (n, max(d, native), 0)
        }
        if request.name == "file", let path = request.path, path.lowercased().hasSuffix(".npy"),
           let shape = try? NPY.readShape(of: URL(fileURLWithPath: path)) {
            return (min(request.n ?? shape.rows, shape.rows), shape.cols, 0)
        }
        return nil
    }

    /// Rows and columns of a registry IDX set's split from the registry's file sizes (16-byte IDX headers).
    static func registryShape(_ entry: DatasetRegistry.Entry, split: String) -> (rows: Int, cols: Int)? {
        guard let image = entry.imageShape, image.count == 2 else { return nil }
        let cols = image[0] * image[1]
        let splits = split == "all" ? entry.splits : [split]
        var rows = 0
        for s in splits {
            guard let pair = entry.files(split: s), cols > 0 else { return nil }
            rows += (pair.images.size - 16) / cols
        }
        return (rows, cols)
    }
}
