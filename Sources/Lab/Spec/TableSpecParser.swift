import Datasets
import Embedding
import Neighbors

/// Reads the table part of a data-set entry:
///
///     columns: {island: categorical, year: drop, size: [small, medium, large]}   # a list = ordinal levels
///     missing: drop                      # or impute
///     blocks:
///       - {columns: [bill_length_mm, body_mass_g], metric: euclidean, scaling: standardize}
///       - {columns: [island], metric: categorical}
///       - {columns: [name], metric: levenshtein, n_neighbors: 10, name: names}
///     combine: intersection              # union, a mix weight in [0, 1], or a list, one per consecutive pair
///     measure:                           # blocks only measured (per-block metrics), not combined
///       - {columns: [island], metric: categorical}
///
/// Names, metrics and combinations are checked here, at their spec line; the columns themselves
/// are checked against the file when it is loaded (errors then name the file, line and column).
enum TableSpecParser {
    static let blockKeys = ["columns", "metric", "scaling", "n_neighbors", "name"]

    /// Every metric a block may name: the block metrics and the vector metrics.
    static var metricNames: [String] { TableBlocks.metricNames + Metric.knownNames.filter { $0 != "haversine" } }

    /// The table request of a data-set entry, or nil when the entry has no table keys.
    static func parse(_ fields: [(key: String, keyNode: SpecNode, value: SpecNode)], name: String, path: String?,
                      node: SpecNode) throws -> TableRequest? {
        let tableKeys = ["columns", "missing", "blocks", "combine", "measure"]
        let isTable = DatasetBridge.tableNames.contains(name)
        guard fields.contains(where: { tableKeys.contains($0.key) }) else {
            if isTable {
                throw node.error("'\(name)' is a table: give its 'blocks' (each a list of columns with a metric: \(metricNames.joined(separator: ", ")))")
            }
            return nil
        }
        if name == "file" {
            let lower = (path ?? "").lowercased()
            guard lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") else {
                throw node.error("'columns', 'blocks' and 'combine' need a table: a registry table (\(DatasetBridge.tableNames.joined(separator: ", "))) or a .csv/.tsv file")
            }
        } else if !isTable {
            throw node.error("'\(name)' is not a table; 'columns', 'missing', 'blocks' and 'combine' apply to \(DatasetBridge.tableNames.joined(separator: ", ")) and .csv/.tsv files")
        }
        var request = TableRequest(blocks: [])
        var combineNode: SpecNode?
        for (key, _, value) in fields {
            switch key {
            case "columns":
                for (column, _, kindNode) in try value.freeMapping() {
                    if kindNode.isSequence {
                        let levels = try kindNode.list().map { try $0.string() }
                        guard !levels.isEmpty, Set(levels).count == levels.count else {
                            throw kindNode.error("ordinal column '\(column)' needs its distinct levels in order, lowest first")
                        }
                        request.columns.append(ColumnDeclaration(name: column, kind: .ordinal, order: levels))
                    } else {
                        let word = try kindNode.string()
                        guard let kind = ColumnKind(rawValue: word), kind != .ordinal else {
                            throw kindNode.error("column '\(column)': type '\(word)' is not known; types: \(ColumnKind.allCases.filter { $0 != .ordinal }.map(\.rawValue).joined(separator: ", ")), or a list of levels for an ordinal column")
                        }
                        request.columns.append(ColumnDeclaration(name: column, kind: kind))
                    }
                }
            case "missing":
                let word = try value.string()
                guard let policy = MissingPolicy(rawValue: word) else {
                    throw value.error("'missing' = '\(word)' is not allowed; allowed: \(MissingPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                request.missing = policy
            case "blocks":
                request.blocks = try value.list().map(parseBlock)
                guard !request.blocks.isEmpty else { throw value.error("'blocks' must list at least one block") }
                var names = Set<String>()
                for (block, blockNode) in zip(request.blocks, try value.list()) where !names.insert(block.name).inserted {
                    throw blockNode.error("two blocks are named '\(block.name)'; give one a 'name'")
                }
            case "measure":
                request.measured = try value.list().map(parseBlock)
            case "combine":
                combineNode = value
                request.combine = try parseCombine(value)
            default: break
            }
        }
        guard !request.blocks.isEmpty else { throw node.error("a table entry needs 'blocks' (each a list of columns with a metric)") }
        let combinations = try request.combine.map { try GraphCombination(parsing: $0) }
        let joins: [GraphCombination]
        do { joins = try GraphCombination.perBlock(combinations, blocks: request.blocks.count) } catch {
            throw (combineNode ?? node).error("'combine' has \(request.combine.count) entries for \(request.blocks.count) blocks; give one, or one per consecutive pair (\(request.blocks.count - 1))")
        }
        for (block, join) in zip(request.blocks, joins) where block.metric == "categorical" && join == .union {
            throw (combineNode ?? node).error("block '\(block.name)' is categorical and cannot join by union (it would link every pair with equal values at full strength); use intersection or a mix weight")
        }
        if request.blocks.allSatisfy({ $0.metric == "categorical" }) {
            throw node.error("every block is categorical; at least one block needs a metric with neighbourhoods (\(metricNames.filter { $0 != "categorical" }.joined(separator: ", ")))")
        }
        return request
    }

    /// The `views` of a matrix data set (with `combine`):
    ///
    ///     views:
    ///       - {name: pixels, metric: cosine}
    ///       - {name: pca50, metric: euclidean, pca: 50, n_neighbors: 15}
    ///     combine: intersection
    static func parseViews(_ fields: [(key: String, keyNode: SpecNode, value: SpecNode)], name: String,
                           node: SpecNode) throws -> MatrixViews {
        if DatasetBridge.tableNames.contains(name) {
            throw node.error("'\(name)' is a table: give it 'blocks' of columns, not 'views'")
        }
        for (key, keyNode, _) in fields where ["columns", "missing", "blocks", "measure", "pca", "transform"].contains(key) {
            throw keyNode.error("'\(key)' does not go with 'views' (a view has its own 'pca'; views are not placed by transform)")
        }
        var views = MatrixViews(views: [], combine: ["intersection"])
        var combineNode: SpecNode?
        for (key, _, value) in fields {
            switch key {
            case "views":
                views.views = try value.list().map { viewNode in
                    let viewFields = try viewNode.mapping(allowed: ["name", "metric", "pca", "n_neighbors"])
                    guard let metricField = viewFields.first(where: { $0.key == "metric" }) else {
                        throw viewNode.error("a view needs a 'metric'; known: \(Metric.knownNames.joined(separator: ", "))")
                    }
                    let metric = try metricField.value.string().lowercased()
                    guard Metric.knownNames.contains(metric) else {
                        throw metricField.value.error("unknown view metric '\(metric)'; known: \(Metric.knownNames.joined(separator: ", "))")
                    }
                    var view = MatrixViews.View(name: metric, metric: metric, pca: nil, nNeighbors: nil)
                    for (viewKey, _, viewValue) in viewFields {
                        switch viewKey {
                        case "name": view.name = try viewValue.string()
                        case "pca": view.pca = try viewValue.int(1...1_000_000, what: "a positive dimension")
                        case "n_neighbors": view.nNeighbors = try viewValue.int(2...10_000, what: "a neighbour count in 2...10000")
                        default: break
                        }
                    }
                    return view
                }
                guard !views.views.isEmpty else { throw value.error("'views' must list at least one view") }
                var names = Set<String>()
                for (view, viewNode) in zip(views.views, try value.list()) where !names.insert(view.name).inserted {
                    throw viewNode.error("two views are named '\(view.name)'; give one a 'name'")
                }
            case "combine":
                combineNode = value
                views.combine = try parseCombine(value)
            default: break
            }
        }
        do {
            _ = try GraphCombination.perBlock(try views.combine.map { try GraphCombination(parsing: $0) }, blocks: views.views.count)
        } catch {
            throw (combineNode ?? node).error("'combine' has \(views.combine.count) entries for \(views.views.count) views; give one, or one per consecutive pair (\(views.views.count - 1))")
        }
        return views
    }

    /// `combine`: one entry or a list, each `intersection`, `union` or a mix weight in [0, 1].
    static func parseCombine(_ value: SpecNode) throws -> [String] {
        try value.listOrSingle().map { item in
            let text: String
            switch try item.parameterValue() {
            case .number(let x): text = ParameterValue.number(x).description
            case .text(let s): text = s
            case .flag: throw item.error("'combine' takes \(GraphCombination.spellings)")
            }
            do { _ = try GraphCombination(parsing: text) } catch { throw item.error("'combine' = '\(text)': allowed: \(GraphCombination.spellings)") }
            return text
        }
    }

    static func parseBlock(_ node: SpecNode) throws -> BlockDeclaration {
        let fields = try node.mapping(allowed: blockKeys)
        guard let columnsField = fields.first(where: { $0.key == "columns" }) else { throw node.error("a block needs 'columns'") }
        guard let metricField = fields.first(where: { $0.key == "metric" }) else {
            throw node.error("a block needs a 'metric'; known: \(metricNames.joined(separator: ", "))")
        }
        let columns = try columnsField.value.listOrSingle().map { try $0.string() }
        guard !columns.isEmpty, Set(columns).count == columns.count else {
            throw columnsField.value.error("a block's 'columns' must list distinct column names")
        }
        let metric = try metricField.value.string().lowercased()
        guard metricNames.contains(metric) else {
            throw metricField.value.error("unknown block metric '\(metric)'; known: \(metricNames.joined(separator: ", "))")
        }
        var block = BlockDeclaration(columns: columns, metric: metric)
        for (key, _, value) in fields {
            switch key {
            case "name": block.name = try value.string()
            case "n_neighbors": block.nNeighbors = try value.int(2...10_000, what: "a neighbour count in 2...10000")
            case "scaling":
                let word = try value.string()
                guard let scaling = Scaling(rawValue: word) else {
                    throw value.error("'scaling' = '\(word)' is not allowed; allowed: \(Scaling.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                block.scaling = scaling
            default: break
            }
        }
        return block
    }
}
