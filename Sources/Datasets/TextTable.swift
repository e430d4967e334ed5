import Foundation

/// A delimited text table (CSV or TSV) as cells of text, with the line each row came from.
///
/// The reader is strict: the bytes must be UTF-8, every row must have as many cells as the
/// header, and a file that looks delimited by something else (a header that is one cell
/// holding `;`, `|` or a tab) is refused. Cells may be double-quoted (`""` is a quote).
/// Blank lines are skipped. Line and column numbers in errors are 1-based.
public struct TextTable: Sendable {
    /// Where the table came from (file path), for error messages.
    public var source: String
    /// Column names from the header row.
    public var header: [String]
    /// Cells, row-major: `rows[r][c]` is column c of data row r (whitespace around a cell trimmed).
    public var rows: [[String]]
    /// The 1-based file line of each data row.
    public var lines: [Int]

    /// Reads `url`; the delimiter is a tab for `.tsv` / `.tab` files and a comma otherwise.
    public static func read(from url: URL) throws -> TextTable {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw DatasetsError.io(path: url.path, detail: "cannot read: \(error.localizedDescription)")
        }
        let lower = url.path.lowercased()
        let delimiter: Character = lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") ? "\t" : ","
        return try parse(bytes: [UInt8](bytes), source: url.path, delimiter: delimiter)
    }

    /// Parses the bytes of a table; `source` names it in errors.
    public static func parse(bytes: [UInt8], source: String, delimiter: Character = ",") throws -> TextTable {
        var texts: [(line: Int, text: Substring)] = []
        var lineNumber = 0
        var start = 0
        // Split into lines on bytes first, so that invalid UTF-8 is reported with its line and column.
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            var lineBytes = bytes[start..<end]
            if lineBytes.last == UInt8(ascii: "\r") { lineBytes = lineBytes.dropLast() }
            guard let text = String(validating: lineBytes, as: UTF8.self) else {
                let column = firstInvalidUTF8(lineBytes) + 1
                throw DatasetsError.badCell(path: source, line: lineNumber, column: column,
                                            detail: "bytes that are not UTF-8 (at byte \(column) of the line); save the file as UTF-8")
            }
            if !text.allSatisfy({ $0 == " " || $0 == "\t" }) { texts.append((lineNumber, Substring(text))) }
            start = end + 1
        }
        guard let first = texts.first else { throw DatasetsError.badHeader(path: source, detail: "the file has no rows") }
        let header = CSV.splitCells(first.text, delimiter: delimiter).map { $0.trimmingCharacters(in: .whitespaces) }
        if header.count == 1 {
            for other: Character in [";", "|", "\t", ","] where other != delimiter && first.text.contains(other) {
                let name = other == "\t" ? "tab" : "'\(other)'"
                throw DatasetsError.badCell(path: source, line: first.line, column: 1,
                                            detail: "the header is one cell and holds \(name): the file looks delimited by \(name), expected '\(delimiter == "\t" ? "tab" : String(delimiter))' (use .tsv for tab-separated files)")
            }
        }
        var seen = Set<String>()
        for (c, name) in header.enumerated() {
            guard !name.isEmpty else {
                throw DatasetsError.badCell(path: source, line: first.line, column: c + 1, detail: "the header has an empty column name")
            }
            guard seen.insert(name).inserted else {
                throw DatasetsError.badCell(path: source, line: first.line, column: c + 1, detail: "column name '\(name)' appears twice")
            }
        }
        var rows: [[String]] = []
        var lines: [Int] = []
        rows.reserveCapacity(texts.count - 1)
        for (line, text) in texts.dropFirst() {
            let cells = CSV.splitCells(text, delimiter: delimiter)
            guard cells.count == header.count else {
                throw DatasetsError.raggedRow(path: source, row: line, expectedColumns: header.count, actualColumns: cells.count)
            }
            rows.append(cells.map { $0.trimmingCharacters(in: .whitespaces) })
            lines.append(line)
        }
        return TextTable(source: source, header: header, rows: rows, lines: lines)
    }

    /// Index of the first byte of `bytes` where UTF-8 decoding fails (0-based within the slice).
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int {
        var offset = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: return offset
            }
        }
    }
}
