import Foundation
import Linalg

extension DatasetLoader {
    // MARK: Registry sets

    static func loadRegistry(_ entry: DatasetRegistry.Entry, request: DatasetRequest, seed: UInt64,
                             fetcher: DatasetFetcher, progress: ((String, Double) -> Void)?) throws -> Dataset {
        let split = request.split ?? "all"
        let splits: [String]
        if split == "all" {
            splits = entry.splits
        } else if entry.splits.contains(split) {
            splits = [split]
        } else {
            throw DatasetsError.invalidRequest("'\(entry.name)' has no split '\(split)'; use all, \(entry.splits.joined(separator: ", "))")
        }
        // Fetch and check every split first, then decode all images straight into one allocation.
        var parts: [(url: URL, header: IDX.Header)] = []
        var labels: [Int] = []
        var hashes: [String] = []
        var cols = -1
        for s in splits {
            guard let pair = entry.files(split: s) else {
                throw DatasetsError.invalidRequest("registry entry '\(entry.name)' lacks images or labels for split '\(s)'")
            }
            let imagesURL = try fetcher.fetch(entry, pair.images, progress: progress).url
            let labelsURL = try fetcher.fetch(entry, pair.labels, progress: progress).url
            let header = try readMapped(imagesURL) { try IDX.parseHeader($0, path: imagesURL.path) }
            let rows = header.shape[0]
            let width = header.shape.dropFirst().reduce(1, *)
            if cols >= 0 && width != cols {
                throw DatasetsError.sizeMismatch(path: imagesURL.path, detail: "\(width) values per image, other split has \(cols)")
            }
            cols = width
            let splitLabels = try IDX.readLabels(from: labelsURL)
            guard splitLabels.count == rows else {
                throw DatasetsError.labelCountMismatch(dataCount: rows, labelCount: splitLabels.count, labelsPath: labelsURL.path)
            }
            labels.append(contentsOf: splitLabels)
            parts.append((imagesURL, header))
            hashes += [pair.images.sha256, pair.labels.sha256]
        }
        progress?("reading \(entry.name)", 0)
        // A subsample is chosen from the labels alone, so only its rows are decoded (and only their
        // pages of the mapped files are read): a task on 1 000 points never holds all 70 000.
        let rowCount = labels.count
        var subset: [Int]? = nil
        if let n = request.n, n < rowCount {
            subset = try Preprocessing.subsampleIndices(total: rowCount, n: n, method: request.subsample,
                                                        labels: labels, seed: seed)
        }
        let storage = try decodeRows(subset, of: parts, cols: max(cols, 0), scale: entry.pixelScale)
        let data = try Matrix(rows: subset?.count ?? rowCount, cols: max(cols, 0), storage: storage)
        if let subset { labels = subset.map { labels[$0] } }
        let (m, l, selection) = try select(data, labels: labels, request: request, seed: seed,
                                           keepGlobalScale: entry.imageShape != nil,
                                           subsampledFrom: subset == nil ? nil : rowCount)
        let identity = "registry\nname=\(entry.name)\npayloads=\(hashes.joined(separator: ","))\nsplit=\(split)\n\(selection)"
        return Dataset(name: entry.name, data: m, labels: l, checksum: Checksum.sha256(text: identity), imageShape: entry.imageShape)
    }

    /// Decodes the given global rows (in that order; nil = all) of the concatenated IDX files `parts`.
    static func decodeRows(_ rows: [Int]?, of parts: [(url: URL, header: IDX.Header)], cols: Int,
                           scale: Float) throws -> [Float] {
        let total = parts.reduce(0) { $0 + $1.header.shape[0] }
        var storage = [Float](repeating: 0, count: (rows?.count ?? total) * cols)
        var firstRow = 0
        for part in parts {
            let partRows = part.header.shape[0]
            guard let rows else {
                try readMapped(part.url) { raw in
                    let h = try IDX.parseHeader(raw, path: part.url.path)
                    guard h == part.header else { throw DatasetsError.io(path: part.url.path, detail: "file changed while reading") }
                    storage.withUnsafeMutableBufferPointer { out in
                        IDX.decodeValues(raw, header: h, scale: scale,
                                         into: UnsafeMutableBufferPointer(rebasing: out[firstRow * cols ..< (firstRow + partRows) * cols]))
                    }
                }
                firstRow += partRows
                continue
            }
            let wanted = rows.indices.filter { rows[$0] >= firstRow && rows[$0] < firstRow + partRows }
            if !wanted.isEmpty {
                try readMapped(part.url) { raw in
                    // The file may have changed since the header was read: parse again.
                    let h = try IDX.parseHeader(raw, path: part.url.path)
                    guard h == part.header else { throw DatasetsError.io(path: part.url.path, detail: "file changed while reading") }
                    storage.withUnsafeMutableBufferPointer { out in
                        for k in wanted {
                            let local = rows[k] - firstRow
                            IDX.decodeValues(raw, header: h, scale: scale, elements: local * cols ..< (local + 1) * cols,
                                             into: UnsafeMutableBufferPointer(rebasing: out[k * cols ..< (k + 1) * cols]))
                        }
                    }
                }
            }
            firstRow += partRows
        }
        return storage
    }

    /// Maps the file at `url` into memory and hands its bytes to `body` without copying.
    static func readMapped<T>(_ url: URL, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw DatasetsError.io(path: url.path, detail: "cannot read: \(error.localizedDescription)")
        }
        return try data.withUnsafeBytes { try body($0) }
    }

    // MARK: Files

    /// Loads a `.csv`, `.npy` or IDX file (and its labels file). A `.npy` file is read through a memory
    /// map and, when n < its rows, only the chosen rows are decoded (chosen from the row count and
    /// labels alone, exactly as a whole read followed by the subsample would choose them), so a
    /// 3 000 000 × 300 file is never held twice; a non-finite value counts only in a chosen row.
    static func loadFile(_ request: DatasetRequest, seed: UInt64) throws -> Dataset {
        guard let path = request.path, !path.isEmpty else {
            throw DatasetsError.invalidRequest("data set 'file' needs a path (.csv, .npy, .idx, .idx.gz or *-ubyte[.gz])")
        }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw DatasetsError.io(path: url.path, detail: "no such readable file")
        }
        let lower = path.lowercased()
        if request.labelColumn != nil && !lower.hasSuffix(".csv") {
            throw DatasetsError.invalidRequest("labelColumn applies to CSV files only; \(path) is not .csv")
        }
        var identity = try Checksum.sha256(fileAt: url)
        var labels: [Int]? = nil
        if let labelsPath = request.labelsPath {
            labels = try readLabelsFile(labelsPath)
            identity += "\nlabels=" + (try Checksum.sha256(fileAt: URL(fileURLWithPath: labelsPath)))
        }
        var data: Matrix
        var imageShape: [Int]? = nil
        var subsampledFrom: Int? = nil
        if lower.hasSuffix(".csv") {
            let table = try CSV.read(from: url, labelColumn: request.labelColumn)
            data = table.data
            if labels == nil { labels = table.labels }  // a labels file wins over a label column
        } else if lower.hasSuffix(".npy") {
            let rows = try NPY.readShape(of: url).rows
            if let labels, labels.count != rows {
                throw DatasetsError.labelCountMismatch(dataCount: rows, labelCount: labels.count, labelsPath: request.labelsPath ?? path)
            }
            var subset: [Int]? = nil
            if let n = request.n, n < rows {
                subset = try Preprocessing.subsampleIndices(total: rows, n: n, method: request.subsample, labels: labels, seed: seed)
            }
            data = try NPY.readRows(from: url, rows: subset)
            if let subset {
                labels = labels.map { l in subset.map { l[$0] } }
                subsampledFrom = rows
            }
        } else {
            let bytes = try IDX.readBytes(url)
            data = try IDX.decodeMatrix(bytes, path: url.path)
            let shape = try bytes.withUnsafeBytes { try IDX.parseHeader($0, path: url.path).shape }
            if shape.count == 3 { imageShape = Array(shape.dropFirst()) }
        }
        if let labels, labels.count != data.rows {
            throw DatasetsError.labelCountMismatch(dataCount: data.rows, labelCount: labels.count, labelsPath: request.labelsPath ?? path)
        }
        if let bad = data.firstNonFinite() {
            throw DatasetsError.nonFinite(source: path, row: bad.row, column: bad.col, value: bad.value)
        }
        let (m, l, selection) = try select(data, labels: labels, request: request, seed: seed, keepGlobalScale: false,
                                           subsampledFrom: subsampledFrom)
        var checksum = identity
        if request.labelsPath != nil || !selection.isEmpty || request.labelColumn != nil {
            checksum = Checksum.sha256(text: "file\n\(identity)\nlabelColumn=\(request.labelColumn ?? "")\n\(selection)")
        }
        return Dataset(name: "file", data: m, labels: l, checksum: checksum, imageShape: imageShape)
    }

    /// Reads a labels file: `.npy`, a one-column CSV, or IDX.
    static func readLabelsFile(_ labelsPath: String) throws -> [Int] {
        let lurl = URL(fileURLWithPath: labelsPath)
        guard FileManager.default.isReadableFile(atPath: lurl.path) else {
            throw DatasetsError.io(path: lurl.path, detail: "no such readable labels file")
        }
        let l = labelsPath.lowercased()
        if l.hasSuffix(".npy") { return try NPY.readLabels(from: lurl) }
        if l.hasSuffix(".csv") {
            let t = try CSV.read(from: lurl, hasHeader: nil)
            guard t.data.cols == 1 else {
                throw DatasetsError.badHeader(path: lurl.path, detail: "a labels CSV must have one column, found \(t.data.cols)")
            }
            return try t.data.storage.enumerated().map { i, v in
                guard v.rounded() == v, let label = try? Checked.int(Double(v), "label", in: -(1 << 53)...(1 << 53)) else {
                    throw DatasetsError.nonNumericCell(path: lurl.path, row: i + 1, column: 1, text: "\(v)")
                }
                return label
            }
        }
        return try IDX.readLabels(from: lurl)
    }
}
