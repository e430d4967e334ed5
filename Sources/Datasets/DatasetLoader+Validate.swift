import Foundation

extension DatasetLoader {
    /// Checks `request` without loading data (for spec validation): the name is known, generator
    /// options are accepted and in range (n within an indexed generator's size), the split exists, n is positive, and `file` has a path.
    /// - Throws: the same `DatasetsError` that `load` would throw for these mistakes.
    public static func validate(_ request: DatasetRequest, registry: DatasetRegistry = .standard) throws {
        if let n = request.n, n < 1 { throw DatasetsError.invalidRequest("n must be at least 1, got \(n)") }
        if request.name == "file" {
            guard let path = request.path, !path.isEmpty else {
                throw DatasetsError.invalidRequest("data set 'file' needs a path (.csv, .npy, .idx, .idx.gz or *-ubyte[.gz])")
            }
            if request.labelColumn != nil && !path.lowercased().hasSuffix(".csv") {
                throw DatasetsError.invalidRequest("labelColumn applies to CSV files only; \(path) is not .csv")
            }
            return
        }
        if let entry = registry.entry(named: request.name) {
            let split = request.split ?? "all"
            if split != "all" && !entry.splits.contains(split) {
                throw DatasetsError.invalidRequest("'\(entry.name)' has no split '\(split)'; use all, \(entry.splits.joined(separator: ", "))")
            }
            if !request.options.isEmpty {
                throw DatasetsError.unknownOption(generator: entry.name, option: request.options.keys.sorted()[0], allowed: [])
            }
            return
        }
        if generatorNames.contains(request.name) {
            if request.split != nil { throw DatasetsError.invalidRequest("generator '\(request.name)' has no splits") }
            // Generating one point checks every option's name and range.
            _ = try SyntheticManifolds.generate(request.name, n: 1, seed: 0, options: request.options)
            return
        }
        if let declaration = IndexedGenerators.declaration(of: request.name) {
            let options = try indexedOptions(declaration, request)
            if declaration.name == WordVectors.declaration.name { _ = try WordVectors(options: options, seed: 0) }
            return
        }
        throw DatasetsError.unknownDataset(request.name, known: registry.entries.map(\.name) + generatorNames + indexedGeneratorNames + ["file"])
    }
}
