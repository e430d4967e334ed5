/// How to read a mixed-type table and split its columns into blocks, each compared by its own
/// metric (UMAP builds one fuzzy set per block and combines them). This is what a spec's data-set
/// entry says under `columns:`, `missing:`, `blocks:` and `combine:`; it is part of a task's hash.
public struct TableRequest: Codable, Hashable, Sendable {
    /// Declared column types; columns not listed are inferred (`TypedTable.infer`).
    public var columns: [ColumnDeclaration]
    /// What happens to missing cells (empty, `NA`, `NaN`).
    public var missing: MissingPolicy
    /// The blocks, in order; the first one that is not categorical starts the combined graph.
    public var blocks: [BlockDeclaration]
    /// How consecutive blocks are combined: one entry per pair (`intersection`, `union`, or a mix
    /// weight in [0, 1] of the later block, 0.5 being `intersection`), or one entry for every pair.
    public var combine: [String]
    /// Blocks that are only measured (per-block quality of the embedding), not combined into the graph;
    /// their columns count as used (so `missing: drop` sees them too).
    public var measured: [BlockDeclaration]

    public init(columns: [ColumnDeclaration] = [], missing: MissingPolicy = .drop, blocks: [BlockDeclaration],
                combine: [String] = ["intersection"], measured: [BlockDeclaration] = []) {
        self.columns = columns
        self.missing = missing
        self.blocks = blocks
        self.combine = combine
        self.measured = measured
    }
}

/// What a table column holds.
public enum ColumnKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// Real numbers.
    case numeric
    /// Unordered categories (text or numbers).
    case categorical
    /// Ordered categories; the order is given with the declaration.
    case ordinal
    /// Latitude in degrees, in [−90, 90].
    case latitude
    /// Longitude in degrees, in [−180, 180].
    case longitude
    /// Free text (compared by edit distance).
    case text
    /// Not used.
    case drop
}

/// The declared type of one column.
public struct ColumnDeclaration: Codable, Hashable, Sendable {
    public var name: String
    public var kind: ColumnKind
    /// Levels of an ordinal column, lowest first (nil for other kinds).
    public var order: [String]?

    public init(name: String, kind: ColumnKind, order: [String]? = nil) {
        self.name = name
        self.kind = kind
        self.order = order
    }
}

/// What happens to missing cells (empty, `NA`, `NaN`) in the columns a task uses (its blocks and label).
public enum MissingPolicy: String, Codable, Hashable, Sendable, CaseIterable {
    /// Rows with a missing value in a block column are dropped (a missing label only makes the row unlabelled, −1).
    case drop
    /// Numeric, latitude and longitude cells take the column's median; ordinal cells the median level;
    /// a missing categorical or text value becomes a value of its own (`NA`), equal only to other missing values.
    case impute
}

/// One block of columns with its metric.
public struct BlockDeclaration: Codable, Hashable, Sendable {
    /// Name used in metric records (`trustworthiness@15[name]`); default the columns joined by `+`.
    public var name: String
    public var columns: [String]
    /// One of `TableBlocks.metricNames`.
    public var metric: String
    /// Scaling of numeric columns for vector metrics: `none`, `unit` or `standardize`.
    public var scaling: Scaling
    /// Neighbours of this block's kNN graph (nil = the algorithm's n_neighbors).
    public var nNeighbors: Int?

    public init(name: String? = nil, columns: [String], metric: String, scaling: Scaling = .none, nNeighbors: Int? = nil) {
        self.name = name ?? columns.joined(separator: "+")
        self.columns = columns
        self.metric = metric
        self.scaling = scaling
        self.nNeighbors = nNeighbors
    }
}
