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
        var storage: [Float] = []
        var labels: [Int] = []
        var cols = 0
        var hashes: [String] = []
        for s in splits {
            guard let pair = entry.files(split: s) else {
                throw DatasetsError.invalidRequest("registry entry '\(entry.name)' lacks images or labels for split '\(s)'")
            }
            let imagesURL = try fetcher.fetch(entry, pair.images, progress: progress).url
            let labelsURL = try fetcher.fetch(entry, pair.labels, progress: progress).url
            progress?("reading \(entry.name) \(s)", 0)
            let images = try readMapped(imagesURL) { try IDX.decodeMatrix($0, path: imagesURL.path, scale: entry.pixelScale) }
            let splitLabels = try IDX.readLabels(from: labelsURL)
            guard splitLabels.count == images.rows else {
                throw DatasetsError.labelCountMismatch(dataCount: images.rows, labelCount: splitLabels.count, labelsPath: labelsURL.path)
            }
            if storage.isEmpty {
                storage = images.storage
                cols = images.cols
            } else {
                guard images.cols == cols else {
                    throw DatasetsError.sizeMismatch(path: imagesURL.path, detail: "\(images.cols) values per image, other split has \(cols)")
                }
                storage.append(contentsOf: images.storage)
            }
            labels.append(contentsOf: splitLabels)
            hashes += [pair.images.sha256, pair.labels.sha256]
        }
        let data = try Matrix(rows: labels.count, cols: cols, storage: storage)
        let (m, l, selection) = try select(data, labels: labels, request: request, seed: seed,
                                           keepGlobalScale: entry.imageShape != nil)
        let identity = "registry\nname=\(entry.name)\npayloads=\(hashes.joined(separator: ","))\nsplit=\(split)\n\(selection)"
        return Dataset(name: entry.name, data: m, labels: l, checksum: Checksum.sha256(text: identity), imageShape: entry.imageShape)
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

    static func loadFile(_ request: DatasetRequest, seed: UInt64) throws -> Dataset {
        guard let path = request.path, !path.isEmpty else {
            throw DatasetsError.invalidRequest("data set 'file' needs a path (.csv, .npy, .idx, .idx.gz or *-ubyte[.gz])")
        }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw DatasetsError.io(path: url.path, detail: "no such readable file")
        }
        let lower = path.lowercased()
        var data: Matrix
        var labels: [Int]? = nil
        var imageShape: [Int]? = nil
        if lower.hasSuffix(".csv") {
            let table = try CSV.read(from: url, labelColumn: request.labelColumn)
            data = table.data
            labels = table.labels
        } else {
            if request.labelColumn != nil {
                throw DatasetsError.invalidRequest("labelColumn applies to CSV files only; \(path) is not .csv")
            }
            if lower.hasSuffix(".npy") {
                data = try NPY.readMatrix(from: url)
            } else {
                let bytes = try IDX.readBytes(url)
                data = try IDX.decodeMatrix(bytes, path: url.path)
                let shape = try bytes.withUnsafeBytes { try IDX.parseHeader($0, path: url.path).shape }
                if shape.count == 3 { imageShape = Array(shape.dropFirst()) }
            }
        }
        var identity = try Checksum.sha256(fileAt: url)
        if let labelsPath = request.labelsPath {
            let lurl = URL(fileURLWithPath: labelsPath)
            guard FileManager.default.isReadableFile(atPath: lurl.path) else {
                throw DatasetsError.io(path: lurl.path, detail: "no such readable labels file")
            }
            let l = labelsPath.lowercased()
            if l.hasSuffix(".npy") {
                labels = try NPY.readLabels(from: lurl)
            } else if l.hasSuffix(".csv") {
                let t = try CSV.read(from: lurl, hasHeader: nil)
                guard t.data.cols == 1 else {
                    throw DatasetsError.badHeader(path: lurl.path, detail: "a labels CSV must have one column, found \(t.data.cols)")
                }
                labels = try t.data.storage.enumerated().map { i, v in
                    guard v.rounded() == v else { throw DatasetsError.nonNumericCell(path: lurl.path, row: i + 1, column: 1, text: "\(v)") }
                    return Int(v)
                }
            } else {
                labels = try IDX.readLabels(from: lurl)
            }
            identity += "\nlabels=" + (try Checksum.sha256(fileAt: lurl))
        }
        if let labels, labels.count != data.rows {
            throw DatasetsError.labelCountMismatch(dataCount: data.rows, labelCount: labels.count, labelsPath: request.labelsPath ?? path)
        }
        if let bad = data.firstNonFinite() {
            throw DatasetsError.nonFinite(source: path, row: bad.row, column: bad.col, value: bad.value)
        }
        let (m, l, selection) = try select(data, labels: labels, request: request, seed: seed, keepGlobalScale: false)
        var checksum = identity
        if request.labelsPath != nil || !selection.isEmpty || request.labelColumn != nil {
            checksum = Checksum.sha256(text: "file\n\(identity)\nlabelColumn=\(request.labelColumn ?? "")\n\(selection)")
        }
        return Dataset(name: "file", data: m, labels: l, checksum: checksum, imageShape: imageShape)
    }
}
