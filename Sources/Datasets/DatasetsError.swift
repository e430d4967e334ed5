import Foundation

/// Everything that can go wrong while finding, fetching, reading or generating a data set.
///
/// Each case carries what a user needs to fix the problem: the file or source,
/// the position in it, and what was expected.
public enum DatasetsError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A name that is neither a registry set, a generator, nor `"file"`.
    case unknownDataset(String, known: [String])
    /// A generator option that the generator does not accept.
    case unknownOption(generator: String, option: String, allowed: [String])
    /// An option or request field with a value outside its range.
    case invalidOption(String, String)
    /// A file that does not start with the expected magic bytes.
    case badMagic(path: String, expected: String, found: String)
    /// A file that ends before its header says it should.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// Header dimensions that disagree with the payload size (too many bytes).
    case sizeMismatch(path: String, detail: String)
    /// A malformed header (NPY dictionary, IDX dtype, ...).
    case badHeader(path: String, detail: String)
    /// An NPY array stored in Fortran (column-major) order.
    case fortranOrder(path: String)
    /// An NPY or IDX element type we cannot read.
    case unsupportedDType(path: String, dtype: String)
    /// A labels file whose count differs from the number of data rows.
    case labelCountMismatch(dataCount: Int, labelCount: Int, labelsPath: String)
    /// A CSV row with a different number of cells than the first row (1-based row and column numbers).
    case raggedRow(path: String, row: Int, expectedColumns: Int, actualColumns: Int)
    /// A CSV cell that is not a number (1-based row and column numbers).
    case nonNumericCell(path: String, row: Int, column: Int, text: String)
    /// A CSV label column that is not in the header.
    case missingColumn(path: String, column: String, header: [String])
    /// A cell (or a whole column, or the line) of a typed table that cannot be used; line and column 1-based.
    case badCell(path: String, line: Int, column: Int, detail: String)
    /// A column of a typed table that cannot be used as declared (all missing, one distinct value, wrong type for its block).
    case badColumn(path: String, column: String, detail: String)
    /// A NaN or infinite value (0-based row and column in the data matrix).
    case nonFinite(source: String, row: Int, column: Int, value: Float)
    /// A downloaded or cached payload whose SHA-256 differs from the registry's. The file has been discarded.
    case checksumMismatch(file: String, source: String, expected: String, actual: String)
    /// Gzip stream is corrupt or ends early.
    case gzip(path: String, detail: String)
    /// A network failure after all retries.
    case download(url: String, detail: String)
    /// No source could provide a file; lists every place tried.
    case unavailable(dataset: String, file: String, tried: [String])
    /// A file system failure (read, write, rename).
    case io(path: String, detail: String)
    /// A request that cannot be satisfied (e.g. n larger than the data set).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case let .unknownDataset(name, known):
            return "unknown data set '\(name)'; known: \(known.joined(separator: ", "))"
        case let .unknownOption(generator, option, allowed):
            return "generator '\(generator)' has no option '\(option)'; allowed: \(allowed.isEmpty ? "(none)" : allowed.joined(separator: ", "))"
        case let .invalidOption(name, detail):
            return "invalid value for '\(name)': \(detail)"
        case let .badMagic(path, expected, found):
            return "\(path): not the expected format (magic number \(found), expected \(expected))"
        case let .truncated(path, expected, actual):
            return "\(path): truncated: header promises \(expected) bytes but the file has \(actual)"
        case let .sizeMismatch(path, detail):
            return "\(path): header dimensions disagree with the file size: \(detail)"
        case let .badHeader(path, detail):
            return "\(path): malformed header: \(detail)"
        case let .fortranOrder(path):
            return "\(path): array is stored in Fortran (column-major) order; save it in C order (numpy.ascontiguousarray) and retry"
        case let .unsupportedDType(path, dtype):
            return "\(path): unsupported element type \(dtype)"
        case let .labelCountMismatch(dataCount, labelCount, labelsPath):
            return "\(labelsPath): \(labelCount) labels for \(dataCount) data rows"
        case let .raggedRow(path, row, expected, actual):
            return "\(path): row \(row) has \(actual) columns, expected \(expected) (as in the first row)"
        case let .nonNumericCell(path, row, column, text):
            return "\(path): row \(row), column \(column): '\(text)' is not a number"
        case let .missingColumn(path, column, header):
            return "\(path): no column named '\(column)'; columns are \(header.joined(separator: ", "))"
        case let .badCell(path, line, column, detail):
            return "\(path):\(line):\(column): \(detail)"
        case let .badColumn(path, column, detail):
            return "\(path): column '\(column)': \(detail)"
        case let .nonFinite(source, row, column, value):
            return "\(source): non-finite value \(value) at row \(row), column \(column)"
        case let .checksumMismatch(file, source, expected, actual):
            return "\(file) from \(source): SHA-256 mismatch (expected \(expected), actual \(actual)); the file was discarded"
        case let .gzip(path, detail):
            return "\(path): gzip error: \(detail)"
        case let .download(url, detail):
            return "download of \(url) failed: \(detail)"
        case let .unavailable(dataset, file, tried):
            return """
                could not obtain \(file) of data set '\(dataset)'. Tried:
                \(tried.map { "  - " + $0 }.joined(separator: "\n"))
                If this machine is offline, point MBENCH_MIRROR at a directory or http(s) URL laid out like \
                <mirror>/\(dataset)/\(file) (e.g. MBENCH_MIRROR=/work/shared/datasets), or copy the files into the cache \
                (MBENCH_CACHE, default Datasets/cache).
                """
        case let .io(path, detail):
            return "\(path): \(detail)"
        case let .invalidRequest(detail):
            return "invalid data set request: \(detail)"
        }
    }
}

extension DatasetsError: LocalizedError {
    public var errorDescription: String? { description }
}
