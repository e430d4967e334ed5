import Linalg

/// The features of one block of a typed table, encoded for its metric.
public struct EncodedBlock: Sendable {
    /// Block name (for metric records).
    public var name: String
    /// Metric name (one of `TableBlocks.metricNames`, or a vector metric name).
    public var metric: String
    /// Neighbours of this block's graph (nil = the algorithm's).
    public var nNeighbors: Int?
    public var features: Features

    /// What the metric reads.
    public enum Features: Sendable {
        /// Dense vectors: numeric columns scaled as asked, categorical columns one-hot (0/1),
        /// ordinal columns as rank / (levels − 1); for haversine (latitude, longitude) in radians.
        case vectors(Matrix)
        /// Category codes, n × columns row-major.
        case categories(codes: [Int32], columns: Int)
        /// Ordinal ranks scaled to [0, 1] (rank / (levels − 1)), n × columns row-major.
        case ranks([Float], columns: Int)
        /// One string per row.
        case strings([String])
        /// Gower's mixed features: numeric-like columns scaled to [0, 1] by their range, and category codes.
        case gower(numeric: Matrix, codes: [Int32], codeColumns: Int)
    }
}

/// Encodes the blocks of a typed table for their metrics (the one home of that encoding).
public enum TableBlocks {
    /// Block metrics that are not vector metrics; any other name is a vector metric (`Neighbors.Metric`).
    public static let metricNames = ["categorical", "ordinal", "haversine", "levenshtein", "gower"]

    /// What each block metric accepts, for `mbench list` and errors.
    public static let metricHelp: [(name: String, help: String)] = [
        ("categorical", "categorical (or ordinal, text) columns: fraction of columns whose values differ; combined by umap-learn's far-distance rule"),
        ("ordinal", "ordinal columns: mean |rank difference| / (levels − 1)"),
        ("haversine", "one latitude and one longitude column (degrees): great-circle distance in radians"),
        ("levenshtein", "one text or categorical column: edit distance (insertions, deletions, substitutions of Unicode scalars)"),
        ("gower", "numeric, latitude, longitude, ordinal and categorical columns: Gower's mean of |difference| / range and 0/1 mismatches"),
        ("<vector metric>", "euclidean, cosine, manhattan, ...: numeric columns (scaled by `scaling`), categorical one-hot, ordinal rank / (levels − 1)"),
    ]

    /// Encodes `block` from `table`.
    /// - Throws: `DatasetsError.badColumn` when a column's type does not fit the metric, or the
    ///   block has one distinct value (it would carry no distance).
    public static func encode(_ block: BlockDeclaration, table: TypedTable) throws -> EncodedBlock {
        let n = table.rowCount
        let path = table.source
        let cols = try block.columns.map { name -> (String, TypedTable.Column) in
            guard let column = table.columns[name] else {
                throw DatasetsError.badColumn(path: path, column: name, detail: "is not loaded (internal: not among the used columns)")
            }
            return (name, column)
        }
        func refuse(_ name: String, _ why: String) -> DatasetsError {
            .badColumn(path: path, column: name, detail: "\(why) (block '\(block.name)', metric \(block.metric))")
        }
        let features: EncodedBlock.Features
        switch block.metric {
        case "categorical":
            var codes = [Int32](repeating: 0, count: n * cols.count)
            for (c, (name, column)) in cols.enumerated() {
                let values: [Int32]
                switch column {
                case .categorical(let k, _), .ordinal(let k, _): values = k
                case .text(let t):
                    let levels = Array(Set(t)).sorted()
                    let code = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, Int32($0)) })
                    values = t.map { code[$0]! }
                default: throw refuse(name, "a categorical block takes categorical, ordinal or text columns")
                }
                for i in 0..<n { codes[i * cols.count + c] = values[i] }
            }
            features = .categories(codes: codes, columns: cols.count)
        case "ordinal":
            var ranks = [Float](repeating: 0, count: n * cols.count)
            for (c, (name, column)) in cols.enumerated() {
                guard case .ordinal(let k, let levels) = column else { throw refuse(name, "an ordinal block takes ordinal columns") }
                let scale = levels.count > 1 ? Float(levels.count - 1) : 1
                for i in 0..<n { ranks[i * cols.count + c] = Float(k[i]) / scale }
            }
            features = .ranks(ranks, columns: cols.count)
        case "haversine":
            var lat: [Double]?, lon: [Double]?
            for (name, column) in cols {
                switch column {
                case .latitude(let v) where lat == nil: lat = v
                case .longitude(let v) where lon == nil: lon = v
                default: throw refuse(name, "a haversine block takes exactly one latitude and one longitude column")
                }
            }
            guard let lat, let lon, cols.count == 2 else {
                throw refuse(block.columns.joined(separator: ", "), "a haversine block takes exactly one latitude and one longitude column")
            }
            var storage = [Float](repeating: 0, count: 2 * n)
            for i in 0..<n {
                storage[2 * i] = Float(lat[i] * .pi / 180)
                storage[2 * i + 1] = Float(lon[i] * .pi / 180)
            }
            features = .vectors(try Matrix(rows: n, cols: 2, storage: storage))
        case "levenshtein":
            guard cols.count == 1 else { throw refuse(block.columns.joined(separator: ", "), "a levenshtein block takes one column") }
            switch cols[0].1 {
            case .text(let t): features = .strings(t)
            case .categorical(let k, let levels), .ordinal(let k, let levels): features = .strings(k.map { levels[Int($0)] })
            default: throw refuse(cols[0].0, "a levenshtein block takes a text or categorical column")
            }
        case "gower":
            var numeric: [[Float]] = []
            var categorical: [[Int32]] = []
            for (name, column) in cols {
                switch column {
                case .numeric(let v), .latitude(let v), .longitude(let v):
                    let lo = v.min() ?? 0, hi = v.max() ?? 0
                    numeric.append(v.map { hi > lo ? Float(($0 - lo) / (hi - lo)) : 0 })
                case .ordinal(let k, let levels):
                    let scale = levels.count > 1 ? Float(levels.count - 1) : 1
                    numeric.append(k.map { Float($0) / scale })
                case .categorical(let k, _): categorical.append(k)
                case .text: throw refuse(name, "Gower's distance takes numeric, latitude, longitude, ordinal and categorical columns, not text")
                }
            }
            features = .gower(numeric: try columnMatrix(numeric, rows: n), codes: rowMajor(categorical, rows: n),
                              codeColumns: categorical.count)
        default:
            var encoded: [[Float]] = []
            for (name, column) in cols {
                switch column {
                case .numeric(let v), .latitude(let v), .longitude(let v):
                    encoded.append(scaled(v, block.scaling))
                case .categorical(let k, let levels):
                    for level in 0..<levels.count { encoded.append(k.map { $0 == level ? 1 : 0 }) }
                case .ordinal(let k, let levels):
                    let scale = levels.count > 1 ? Float(levels.count - 1) : 1
                    encoded.append(k.map { Float($0) / scale })
                case .text: throw refuse(name, "a vector metric takes numeric, latitude, longitude, categorical (one-hot) and ordinal columns, not text; use levenshtein")
                }
            }
            features = .vectors(try columnMatrix(encoded, rows: n))
        }
        try checkVaries(features, block: block, path: path)
        return EncodedBlock(name: block.name, metric: block.metric, nNeighbors: block.nNeighbors, features: features)
    }

    /// A numeric column as Float, scaled as asked (constant columns become 0 under unit/standardize).
    static func scaled(_ v: [Double], _ scaling: Scaling) -> [Float] {
        switch scaling {
        case .none:
            return v.map { Float($0) }
        case .unit:
            let lo = v.min() ?? 0, hi = v.max() ?? 0
            return v.map { hi > lo ? Float(($0 - lo) / (hi - lo)) : 0 }
        case .standardize:
            // Population variance, as `Scaling.standardize` documents.
            let mean = Statistics.mean(v)
            let sd = (Statistics.variance(v) * Double(max(v.count - 1, 0)) / Double(max(v.count, 1))).squareRoot()
            return v.map { sd > 0 ? Float(($0 - mean) / sd) : 0 }
        }
    }

    /// Columns (each n long) as an n × columns matrix.
    static func columnMatrix(_ columns: [[Float]], rows n: Int) throws -> Matrix {
        var storage = [Float](repeating: 0, count: n * columns.count)
        for (c, column) in columns.enumerated() { for i in 0..<n { storage[i * columns.count + c] = column[i] } }
        return try Matrix(rows: n, cols: columns.count, storage: storage)
    }

    static func rowMajor(_ columns: [[Int32]], rows n: Int) -> [Int32] {
        var out = [Int32](repeating: 0, count: n * columns.count)
        for (c, column) in columns.enumerated() { for i in 0..<n { out[i * columns.count + c] = column[i] } }
        return out
    }

    /// Refuses a block whose rows are all equal: every distance would be 0.
    static func checkVaries(_ features: EncodedBlock.Features, block: BlockDeclaration, path: String) throws {
        func allEqual<T: Equatable>(_ values: [T], width: Int) -> Bool {
            guard width > 0, values.count > width else { return true }
            for i in width..<values.count where values[i] != values[i % width] { return false }
            return true
        }
        let constant: Bool
        switch features {
        case .vectors(let m): constant = allEqual(m.storage, width: m.cols)
        case .categories(let codes, let w): constant = allEqual(codes, width: w)
        case .ranks(let r, let w): constant = allEqual(r, width: w)
        case .strings(let s): constant = Set(s).count <= 1
        case .gower(let m, let codes, let w): constant = allEqual(m.storage, width: m.cols) && allEqual(codes, width: w)
        }
        if constant {
            throw DatasetsError.badColumn(path: path, column: block.columns.joined(separator: ", "),
                                          detail: "block '\(block.name)' has one distinct value in every row, so it carries no distance; drop it")
        }
    }
}
