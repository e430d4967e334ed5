import Foundation
import Linalg

/// Reader for numeric CSV files with an optional header and an optional label column.
///
/// Cells are separated by commas; double-quoted cells may contain commas and doubled quotes.
/// Blank lines are skipped. Row and column numbers in errors are 1-based and count lines of
/// the file (the header is row 1 when present).
public enum CSV {
    /// A parsed CSV file.
    public struct Table: Sendable {
        /// The numeric columns (every column except the label column), n × d.
        public var data: Matrix
        /// Labels from the label column: integers as written, or, for text labels, the index of the
        /// label in `labelNames` (sorted).
        public var labels: [Int]?
        /// The text labels in index order, when the label column holds text.
        public var labelNames: [String]?
        /// Header names of the data columns, when the file has a header.
        public var columnNames: [String]?
    }

    /// Reads the CSV file at `url`. `hasHeader` nil = detect (a first row with any non-numeric cell is a header).
    public static func read(from url: URL, labelColumn: String? = nil, hasHeader: Bool? = nil) throws -> Table {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DatasetsError.io(path: url.path, detail: "cannot read: \(error.localizedDescription)")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: url.path, labelColumn: labelColumn, hasHeader: hasHeader)
    }

    /// Parses CSV `text`; `path` names the source in errors.
    public static func parse(_ text: String, path: String = "<csv>", labelColumn: String? = nil, hasHeader: Bool? = nil) throws -> Table {
        var rows: [(line: Int, cells: [String])] = []
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            rows.append((lineNumber, splitCells(line)))
        }
        guard let first = rows.first else { throw DatasetsError.badHeader(path: path, detail: "the file has no rows") }
        let header: [String]?
        let detected = first.cells.contains { number($0) == nil }
        if hasHeader ?? (detected || labelColumn != nil && first.cells.contains(labelColumn!)) {
            header = first.cells
            rows.removeFirst()
        } else {
            header = nil
        }
        let width = header?.count ?? first.cells.count
        var labelIndex: Int? = nil
        if let labelColumn {
            guard let header, let k = header.firstIndex(of: labelColumn) else {
                throw DatasetsError.missingColumn(path: path, column: labelColumn, header: header ?? [])
            }
            labelIndex = k
        }
        let d = width - (labelIndex == nil ? 0 : 1)
        var storage = [Float]()
        storage.reserveCapacity(rows.count * d)
        var labelTexts: [String] = []
        for row in rows {
            guard row.cells.count == width else {
                throw DatasetsError.raggedRow(path: path, row: row.line, expectedColumns: width, actualColumns: row.cells.count)
            }
            for (j, cell) in row.cells.enumerated() {
                if j == labelIndex { labelTexts.append(cell.trimmingCharacters(in: .whitespaces)); continue }
                guard let v = number(cell) else {
                    throw DatasetsError.nonNumericCell(path: path, row: row.line, column: j + 1, text: cell)
                }
                guard v.isFinite else {
                    throw DatasetsError.nonFinite(source: "\(path) (file row \(row.line), column \(j + 1))", row: storage.count / max(d, 1),
                                                  column: storage.count % max(d, 1), value: v)
                }
                storage.append(v)
            }
        }
        let matrix = try Matrix(rows: rows.count, cols: d, storage: storage)
        var labels: [Int]? = nil
        var labelNames: [String]? = nil
        if labelIndex != nil {
            let ints = labelTexts.map { Int($0) }
            if ints.allSatisfy({ $0 != nil }) {
                labels = ints.map { $0! }
            } else {
                let names = Array(Set(labelTexts)).sorted()
                let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
                labels = labelTexts.map { index[$0]! }
                labelNames = names
            }
        }
        var columnNames = header
        if let k = labelIndex { columnNames?.remove(at: k) }
        return Table(data: matrix, labels: labels, labelNames: labelNames, columnNames: columnNames)
    }

    static func number(_ cell: String) -> Float? {
        let t = cell.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        return Float(t)
    }

    /// Splits a line at `delimiter` (default comma) outside double quotes; quotes are removed and `""` becomes `"`.
    static func splitCells(_ line: Substring, delimiter: Character = ",") -> [String] {
        var cells: [String] = []
        var current = ""
        var quoted = false
        var it = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = it.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == delimiter {
                cells.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        cells.append(current)
        return cells
    }
}
