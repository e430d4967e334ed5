import Foundation
import Linalg

/// A table whose columns have types, with missing values resolved by a `MissingPolicy`.
///
/// Built from a `TextTable` and the declared types; undeclared columns are inferred: a column
/// whose present cells are all numbers is numeric (latitude / longitude when so named), one with
/// at most min(100, rows / 5) distinct values categorical, anything else text. Missing cells are
/// empty, `NA` or `NaN`; they never become 0.
public struct TypedTable: Sendable {
    /// Values of one column after the missing-value policy (one entry per kept row).
    public enum Column: Sendable {
        case numeric([Double])
        /// Codes into `levels` (sorted text, or the declared order for ordinal columns).
        case categorical(codes: [Int32], levels: [String])
        case ordinal(codes: [Int32], levels: [String])
        case latitude([Double])
        case longitude([Double])
        case text([String])
    }

    /// File the table came from.
    public var source: String
    /// Column names in file order, with their kinds (declared or inferred).
    public var names: [String]
    public var kinds: [String: ColumnKind]
    /// Columns used by the request (blocks and label), resolved.
    public var columns: [String: Column]
    /// Label codes (sorted distinct values of the label column; −1 where missing), if a label column was asked for.
    public var labels: [Int]?
    /// Names of the label codes.
    public var labelNames: [String]?
    /// File line of each kept row.
    public var lines: [Int]
    /// What was read and how missing values were treated (for the record's provenance).
    public var summary: TableSummary

    /// Cells that mean "missing".
    public static let missingMarkers: Set<String> = ["", "NA", "NaN"]

    /// Types the columns of `table`, checks every used cell, and applies the missing-value policy.
    /// - Parameters:
    ///   - used: the columns the task needs (block columns); the label column is extra.
    /// - Throws: `DatasetsError.badCell` (file, line, column) for a cell that does not fit its type,
    ///   `.badColumn` for an unknown, all-missing or unusable column, `.missingColumn` for a name not in the header.
    public static func make(_ table: TextTable, declared: [ColumnDeclaration], used: [String], labelColumn: String?,
                            missing: MissingPolicy) throws -> TypedTable {
        let path = table.source
        var index: [String: Int] = [:]
        for (c, name) in table.header.enumerated() { index[name] = c }
        for name in declared.map(\.name) + used + (labelColumn.map { [$0] } ?? []) where index[name] == nil {
            throw DatasetsError.missingColumn(path: path, column: name, header: table.header)
        }
        var kinds: [String: ColumnKind] = [:]
        var orders: [String: [String]] = [:]
        var inferred: Set<String> = []
        for d in declared {
            kinds[d.name] = d.kind
            if let order = d.order { orders[d.name] = order }
        }
        for name in table.header where kinds[name] == nil {
            kinds[name] = infer(table, column: index[name]!, name: name)
            inferred.insert(name)
        }
        // (An inferred drop is an all-missing column, reported below.)
        for name in used where kinds[name] == .drop && !inferred.contains(name) {
            throw DatasetsError.badColumn(path: path, column: name, detail: "is declared drop but a block uses it")
        }
        // Parse every used column into optional values (nil = missing), checking each cell.
        var parsed: [String: ParsedColumn] = [:]
        for name in used where parsed[name] == nil {
            let c = index[name]!
            let kind = kinds[name]!
            let cells = table.rows.map { $0[c] }
            if cells.allSatisfy({ missingMarkers.contains($0) }) {
                throw DatasetsError.badColumn(path: path, column: name, detail: "every cell is missing (empty, NA or NaN); declare it drop or remove it from the blocks")
            }
            parsed[name] = try ParsedColumn(cells: cells, kind: kind, order: orders[name], name: name, column: c + 1,
                                            lines: table.lines, path: path)
        }
        // Missing values: drop rows, or impute.
        var keep = [Bool](repeating: true, count: table.rows.count)
        var summary = TableSummary(source: path, rowsRead: table.rows.count, rowsUsed: 0, missing: missing, columns: [])
        if missing == .drop {
            for name in used { for (r, v) in parsed[name]!.present.enumerated() where !v { keep[r] = false } }
        }
        let kept = keep.indices.filter { keep[$0] }
        summary.rowsUsed = kept.count
        guard kept.count >= 3 else {
            throw DatasetsError.badColumn(path: path, column: used.joined(separator: ", "),
                                          detail: "only \(kept.count) rows have no missing value in these columns; use missing: impute")
        }
        var columns: [String: Column] = [:]
        for name in table.header {
            let kind = kinds[name]!
            var entry = TableSummary.ColumnSummary(name: name, kind: kind.rawValue, inferred: inferred.contains(name),
                                                   used: parsed[name] != nil, missing: 0, imputed: 0, levels: nil)
            if let p = parsed[name] {
                entry.missing = p.present.filter { !$0 }.count
                let (column, imputed) = p.resolved(rows: kept, policy: missing)
                entry.imputed = imputed
                if case .categorical(_, let levels) = column { entry.levels = levels.count }
                if case .ordinal(_, let levels) = column { entry.levels = levels.count }
                columns[name] = column
            }
            summary.columns.append(entry)
        }
        var labels: [Int]? = nil
        var labelNames: [String]? = nil
        if let labelColumn {
            let cells = kept.map { table.rows[$0][index[labelColumn]!] }
            let names = Array(Set(cells.filter { !missingMarkers.contains($0) })).sorted()
            let code = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            labels = cells.map { code[$0] ?? -1 }
            labelNames = names
            summary.labelColumn = labelColumn
            summary.unlabelledRows = labels!.filter { $0 < 0 }.count
        }
        return TypedTable(source: path, names: table.header, kinds: kinds, columns: columns, labels: labels,
                          labelNames: labelNames, lines: kept.map { table.lines[$0] }, summary: summary)
    }

    /// The inferred kind of an undeclared column (see the type's documentation).
    static func infer(_ table: TextTable, column c: Int, name: String) -> ColumnKind {
        let present = table.rows.map { $0[c] }.filter { !missingMarkers.contains($0) }
        if present.isEmpty { return .drop }
        if present.allSatisfy({ Double($0)?.isFinite == true }) {
            switch name.lowercased() {
            case "latitude", "lat": return .latitude
            case "longitude", "lon", "lng", "long": return .longitude
            default: return .numeric
            }
        }
        let distinct = Set(present).count
        return distinct <= max(2, min(100, table.rows.count / 5)) ? .categorical : .text
    }

    /// Number of kept rows.
    public var rowCount: Int { lines.count }
}

/// One used column, parsed: values with a presence mask.
struct ParsedColumn {
    var kind: ColumnKind
    var numbers: [Double]
    var texts: [String]
    var present: [Bool]
    var order: [String]?

    init(cells: [String], kind: ColumnKind, order: [String]?, name: String, column: Int, lines: [Int], path: String) throws {
        self.kind = kind
        self.order = order
        present = cells.map { !TypedTable.missingMarkers.contains($0) }
        numbers = []
        texts = cells
        switch kind {
        case .numeric, .latitude, .longitude:
            let limit: Double = kind == .latitude ? 90 : kind == .longitude ? 180 : .greatestFiniteMagnitude
            numbers = try cells.enumerated().map { r, cell in
                if TypedTable.missingMarkers.contains(cell) { return .nan }
                guard let v = Double(cell), v.isFinite else {
                    throw DatasetsError.badCell(path: path, line: lines[r], column: column,
                                                detail: "column '\(name)' is \(kind.rawValue) but holds '\(cell)'")
                }
                guard abs(v) <= limit else {
                    throw DatasetsError.badCell(path: path, line: lines[r], column: column,
                                                detail: "column '\(name)' is \(kind.rawValue) but holds \(cell), outside [−\(Int(limit)), \(Int(limit))] degrees")
                }
                return v
            }
        case .ordinal:
            guard let order, !order.isEmpty else {
                throw DatasetsError.badColumn(path: path, column: name, detail: "an ordinal column needs its levels in order (columns: {\(name): [low, ..., high]})")
            }
            for (r, cell) in cells.enumerated() where present[r] && !order.contains(cell) {
                throw DatasetsError.badCell(path: path, line: lines[r], column: column,
                                            detail: "column '\(name)' is ordinal with levels \(order.joined(separator: " < ")) but holds '\(cell)'")
            }
        case .categorical, .text, .drop:
            break
        }
    }

    /// The values of `rows` with missing cells imputed (when any remain); returns how many were imputed.
    func resolved(rows: [Int], policy: MissingPolicy) -> (TypedTable.Column, Int) {
        let imputed = rows.filter { !present[$0] }.count
        switch kind {
        case .numeric, .latitude, .longitude:
            let median = Self.median(rows.filter { present[$0] }.map { numbers[$0] })
            let values = rows.map { present[$0] ? numbers[$0] : median }
            return (kind == .numeric ? .numeric(values) : kind == .latitude ? .latitude(values) : .longitude(values), imputed)
        case .ordinal:
            let levels = order ?? []
            let rank = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
            let presentRanks = rows.filter { present[$0] }.map { Double(rank[texts[$0]]!) }
            let medianRank = Int32(Self.median(presentRanks).rounded(.down))
            return (.ordinal(codes: rows.map { present[$0] ? rank[texts[$0]]! : medianRank }, levels: levels), imputed)
        case .categorical, .drop:
            let values = rows.map { present[$0] ? texts[$0] : "NA" }
            let levels = Array(Set(values)).sorted()
            let code = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
            return (.categorical(codes: values.map { code[$0]! }, levels: levels), imputed)
        case .text:
            return (.text(rows.map { present[$0] ? texts[$0] : "NA" }), imputed)
        }
    }

    /// Median (mean of the middle two for an even count).
    static func median(_ values: [Double]) -> Double { Statistics.median(sorted: values.sorted()) }
}

/// How a table was read: for the record's provenance and the printed summary.
public struct TableSummary: Codable, Hashable, Sendable {
    public struct ColumnSummary: Codable, Hashable, Sendable {
        public var name: String
        public var kind: String
        /// True when the kind was inferred rather than declared.
        public var inferred: Bool
        /// True when a block (or the label) uses the column.
        public var used: Bool
        /// Missing cells among all rows read (used columns only).
        public var missing: Int
        /// Missing cells replaced under `impute` (0 under `drop`).
        public var imputed: Int
        /// Distinct levels of a categorical or ordinal column.
        public var levels: Int?
    }

    public var source: String
    public var rowsRead: Int
    public var rowsUsed: Int
    public var missing: MissingPolicy
    public var columns: [ColumnSummary]
    public var labelColumn: String?
    public var unlabelledRows: Int?

    /// One line per column, e.g. `island: categorical (3 levels, inferred)`.
    public var description: String {
        var lines = ["\(source): \(rowsRead) rows read, \(rowsUsed) used (missing values: \(missing.rawValue))"]
        for c in columns {
            var notes: [String] = []
            if let levels = c.levels { notes.append("\(levels) levels") }
            notes.append(c.inferred ? "inferred" : "declared")
            if !c.used { notes.append("unused") }
            if c.missing > 0 { notes.append("\(c.missing) missing" + (c.imputed > 0 ? ", \(c.imputed) imputed" : "")) }
            lines.append("  \(c.name): \(c.kind) (\(notes.joined(separator: ", ")))")
        }
        if let labelColumn { lines.append("  label: \(labelColumn)" + ((unlabelledRows ?? 0) > 0 ? " (\(unlabelledRows!) rows unlabelled)" : "")) }
        return lines.joined(separator: "\n")
    }
}
