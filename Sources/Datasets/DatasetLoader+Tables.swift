import Foundation
import Linalg

/// A table loaded for a task: typed, its blocks encoded for their metrics.
public struct LoadedTable: Sendable {
    /// The typed table (kept rows only).
    public var table: TypedTable
    /// The blocks, in the request's order.
    public var blocks: [EncodedBlock]
    /// The blocks that are only measured.
    public var measured: [EncodedBlock]
    /// Every non-text column of the blocks as one vector encoding (numeric standardised, categorical
    /// one-hot, ordinal rank / (levels − 1)): what algorithms without blocks and the data-space metrics see.
    public var encoded: Matrix
    /// Label codes (−1 = missing label), if a label column was asked for.
    public var labels: [Int]?
    /// SHA-256 over the file's hash, the table request and the selection.
    public var checksum: String
}

extension DatasetLoader {
    /// Loads a table (a `format: table` registry set such as `penguins`, or `file` with a .csv/.tsv path),
    /// types its columns, applies the missing-value policy, subsamples `request.n` rows, and encodes the blocks.
    public static func loadTable(_ request: DatasetRequest, table spec: TableRequest, seed: UInt64) throws -> LoadedTable {
        try loadTable(request, table: spec, seed: seed, registry: .standard, fetcher: DatasetFetcher.fromEnvironment())
    }

    /// `loadTable` with an explicit registry and fetcher (tests inject their own).
    public static func loadTable(_ request: DatasetRequest, table spec: TableRequest, seed: UInt64,
                                 registry: DatasetRegistry, fetcher: DatasetFetcher) throws -> LoadedTable {
        guard !spec.blocks.isEmpty else { throw DatasetsError.invalidRequest("a table needs at least one block") }
        let url: URL
        let fileHash: String
        if request.name == "file" {
            guard let path = request.path else { throw DatasetsError.invalidRequest("data set 'file' needs a path") }
            url = URL(fileURLWithPath: path)
            guard FileManager.default.isReadableFile(atPath: url.path) else {
                throw DatasetsError.io(path: url.path, detail: "no such readable file")
            }
            fileHash = try Checksum.sha256(fileAt: url)
        } else if let entry = registry.entry(named: request.name), entry.format == .table, let file = entry.files.first {
            url = try fetcher.fetch(entry, file).url
            fileHash = file.sha256
        } else {
            throw DatasetsError.invalidRequest("'\(request.name)' is not a table; tables are \(registry.entries.filter { $0.format == .table }.map(\.name).joined(separator: ", ")) or file with a .csv/.tsv path")
        }
        let text = try TextTable.read(from: url)
        var used: [String] = []
        for block in spec.blocks + spec.measured { for c in block.columns where !used.contains(c) { used.append(c) } }
        var typed = try TypedTable.make(text, declared: spec.columns, used: used, labelColumn: request.labelColumn,
                                        missing: spec.missing)
        var selection = ""
        if let n = request.n, n != typed.rowCount || request.subsample != .first {
            guard n <= typed.rowCount else {
                throw DatasetsError.invalidRequest("n = \(n) but '\(request.name)' has \(typed.rowCount) usable rows")
            }
            let rows = try Preprocessing.subsampleIndices(total: typed.rowCount, n: n, method: request.subsample,
                                                          labels: typed.labels, seed: seed)
            typed = typed.selectingRows(rows)
            selection = "n=\(n)\nsubsample=\(request.subsample.rawValue)\nseed=\(seed)"
        }
        let blocks = try spec.blocks.map { try TableBlocks.encode($0, table: typed) }
        let measured = try spec.measured.map { try TableBlocks.encode($0, table: typed) }
        let numericLike = used.filter { typed.kinds[$0] != .text }
        guard !numericLike.isEmpty else {
            throw DatasetsError.invalidRequest("the blocks of '\(request.name)' use only text columns; add a numeric or categorical block")
        }
        let whole = BlockDeclaration(name: "all", columns: numericLike, metric: "euclidean", scaling: .standardize)
        guard case .vectors(let encoded) = try TableBlocks.encode(whole, table: typed).features else {
            throw DatasetsError.invalidRequest("internal: the vector encoding of '\(request.name)' is not a matrix")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let specText = String(decoding: (try? encoder.encode(spec)) ?? Data(), as: UTF8.self)
        let identity = "table\nfile=\(fileHash)\nlabel=\(request.labelColumn ?? "")\nrequest=\(specText)\n\(selection)"
        return LoadedTable(table: typed, blocks: blocks, measured: measured, encoded: encoded, labels: typed.labels,
                           checksum: Checksum.sha256(text: identity))
    }
}

extension TypedTable {
    /// The table restricted to `rows` (indices of kept rows, in the order given).
    public func selectingRows(_ rows: [Int]) -> TypedTable {
        var out = self
        out.lines = rows.map { lines[$0] }
        out.labels = labels.map { l in rows.map { l[$0] } }
        for (name, column) in columns {
            switch column {
            case .numeric(let v): out.columns[name] = .numeric(rows.map { v[$0] })
            case .latitude(let v): out.columns[name] = .latitude(rows.map { v[$0] })
            case .longitude(let v): out.columns[name] = .longitude(rows.map { v[$0] })
            case .text(let v): out.columns[name] = .text(rows.map { v[$0] })
            case .categorical(let k, let levels): out.columns[name] = .categorical(codes: rows.map { k[$0] }, levels: levels)
            case .ordinal(let k, let levels): out.columns[name] = .ordinal(codes: rows.map { k[$0] }, levels: levels)
            }
        }
        out.summary.rowsUsed = rows.count
        return out
    }
}
