import Clustering
import Datasets
import Embedding
import Foundation
import Yams

/// Reads experiment specs from YAML and validates them against what the
/// project knows (data sets, algorithms and their parameters, metrics, figure kinds).
///
/// Every error is a `SpecError` naming the file, line, column and the offending
/// key or value, and saying what is allowed.
public enum SpecParser {
    static let topKeys = ["name", "description", "seed", "seeds", "datasets", "algorithms", "metrics", "figures",
                          "clustering", "timeout"]
    static let datasetKeys = ["name", "label", "n", "split", "subsample", "scaling", "path", "labels", "label_column",
                              "options", "pca", "transform", "columns", "missing", "blocks", "combine", "measure", "views",
                              "fraction", "projection"]
    static let algorithmKeys = ["name", "label", "params", "timeout"]

    /// Parses the spec file at `path`.
    public static func parse(path: String) throws -> ExperimentSpec {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw SpecError(file: path, line: 0, column: 0, message: "cannot read spec file")
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw SpecError(file: path, line: 0, column: 0, message: "spec file is not UTF-8 text")
        }
        let defaultName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(yaml: text, file: path, defaultName: defaultName)
    }

    /// Parses spec text; `file` is used in error messages.
    public static func parse(yaml text: String, file: String, defaultName: String = "experiment") throws -> ExperimentSpec {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SpecError(file: file, line: 1, column: 1, message: "spec is empty; expected keys: \(topKeys.joined(separator: ", "))")
            }
            root = node
        } catch let error as SpecError {
            throw error
        } catch let error as YamlError {
            throw yamlError(error, file: file)
        }
        let top = SpecNode(node: root, file: file, path: "")
        let fields = try top.mapping(allowed: topKeys)
        var spec = ExperimentSpec(name: defaultName, description: "", seeds: [0], datasets: [], algorithms: [],
                                  metrics: [], figures: [], clustering: nil, timeoutSeconds: nil, sourcePath: file,
                                  sourceHash: Checksum.sha256(text: text))
        var sawDatasets = false, sawAlgorithms = false, sawSeed = false
        for (key, keyNode, value) in fields {
            switch key {
            case "name":
                spec.name = try value.string()
                guard spec.name.range(of: "^[A-Za-z0-9._-]+$", options: .regularExpression) != nil else {
                    throw value.error("'name' must use only letters, digits, '.', '_' and '-' (it names a folder)")
                }
            case "description": spec.description = try value.string()
            case "seed", "seeds":
                if sawSeed { throw keyNode.error("give either 'seed' or 'seeds', not both") }
                sawSeed = true
                spec.seeds = try value.listOrSingle().map { try $0.seed() }
                guard !spec.seeds.isEmpty else { throw value.error("'\(key)' must list at least one seed") }
            case "datasets":
                sawDatasets = true
                spec.datasets = try value.list().map(parseDataset)
                guard !spec.datasets.isEmpty else { throw value.error("'datasets' must list at least one data set") }
            case "algorithms":
                sawAlgorithms = true
                spec.algorithms = try value.list().map(parseAlgorithm)
                guard !spec.algorithms.isEmpty else { throw value.error("'algorithms' must list at least one algorithm") }
            case "metrics":
                spec.metrics = try value.list().map { node in
                    let name = try node.string()
                    if let problem = Catalog.metricProblem(name) { throw node.error(problem) }
                    return name
                }
            case "figures":
                spec.figures = try value.list().map(parseFigure)
            case "clustering":
                spec.clustering = try parseClustering(value)
            case "timeout":
                spec.timeoutSeconds = try timeout(value)
            default:
                break
            }
        }
        if !sawDatasets { throw top.error("missing key 'datasets' (a list of data sets to run on)") }
        if !sawAlgorithms { throw top.error("missing key 'algorithms' (a list of algorithms to run)") }
        if spec.datasets.contains(where: { $0.transformSplit != nil }) {
            for algorithm in spec.algorithms where !Catalog.supportsTransform(algorithm.name) {
                throw top.error("algorithm '\(algorithm.name)' cannot place held-out points ('transform' in a data set); algorithms that can: \(Catalog.algorithmNames.filter(Catalog.supportsTransform).joined(separator: ", "))")
            }
        }
        if let name = spec.metrics.first(where: MetricBridge.needsHeldOut), !spec.datasets.allSatisfy({ $0.transformSplit != nil }) {
            throw top.error("metric '\(name)' needs every data set to have a 'transform' split")
        }
        return spec
    }

    private static func parseDataset(_ node: SpecNode) throws -> DatasetSpec {
        let fields = try node.mapping(allowed: datasetKeys)
        guard let nameField = fields.first(where: { $0.key == "name" }) else {
            throw node.error("data set entry needs a 'name'; known: \(Catalog.datasetNames.joined(separator: ", "))")
        }
        let name = try nameField.value.string()
        guard Catalog.datasetNames.contains(name) else {
            throw nameField.value.error("unknown data set '\(name)'; known: \(Catalog.datasetNames.joined(separator: ", "))")
        }
        var spec = DatasetSpec(name: name, label: name, sizes: [nil], split: nil, transformSplit: nil, subsample: "random", scaling: "none",
                               path: nil, labelsPath: nil, labelColumn: nil, options: [], pcaDimensions: [nil])
        for (key, _, value) in fields {
            switch key {
            case "label": spec.label = try value.string()
            case "n":
                // `all` (alone or in a sweep) is the whole data set, the same task as leaving n out.
                spec.sizes = try value.listOrSingle().map { size -> Int? in
                    if (try? size.string()) == "all" { return nil }
                    return try size.int(1...100_000_000, what: "a positive point count or 'all'")
                }
            case "split":
                spec.split = try oneOf(value, ["all", "train", "test"])
            case "transform":
                spec.transformSplit = try oneOf(value, ["train", "test"])
            case "subsample": spec.subsample = try oneOf(value, Subsample.allCases.map(\.rawValue))
            case "scaling": spec.scaling = try oneOf(value, Scaling.allCases.map(\.rawValue))
            case "path": spec.path = try value.string()
            case "labels": spec.labelsPath = try value.string()
            case "label_column": spec.labelColumn = try value.string()
            case "pca": spec.pcaDimensions = try value.listOrSingle().map { try $0.int(1...1_000_000, what: "a positive dimension") }
            case "fraction":
                // 1 (alone or in a sweep) is all points, the same task as leaving `fraction` out.
                spec.fractions = try value.listOrSingle().map { node -> Double? in
                    let f = try node.double()
                    guard f.isFinite, f > 0, f <= 1 else {
                        throw node.error("'\(node.path)' = \(ParameterValue.number(f)) is out of range; a subsample fraction is in (0, 1] (1 = all points)")
                    }
                    return f == 1 ? nil : f
                }
                guard !spec.fractions.isEmpty else { throw value.error("'fraction' must list at least one fraction") }
            case "projection":
                spec.projections = try value.listOrSingle().map { node -> Int? in
                    try node.int(RandomProjection.dimensions, what: "a projection dimension in \(RandomProjection.dimensions.lowerBound)...\(RandomProjection.dimensions.upperBound)")
                }
                guard !spec.projections.isEmpty else { throw value.error("'projection' must list at least one dimension") }
            case "options":
                let allowed = Catalog.generatorOptions(name)
                for (option, keyNode, optionValue) in try value.freeMapping() {
                    guard allowed.contains(option) else {
                        throw keyNode.error("unknown option '\(option)' for data set '\(name)'; allowed: \(allowed.isEmpty ? "none" : allowed.joined(separator: ", "))")
                    }
                    spec.options.append((option, try optionValue.listOrSingle().map { try $0.double() }))
                }
            default: break
            }
        }
        if fields.contains(where: { $0.key == "views" }) {
            spec.views = try TableSpecParser.parseViews(fields, name: name, node: node)
        } else {
            spec.table = try TableSpecParser.parse(fields, name: name, path: spec.path, node: node)
        }
        if spec.table != nil || spec.views != nil || spec.transformSplit != nil {
            // Subsample fractions and projections act on one matrix that is fitted whole.
            for (key, keyNode, _) in fields where ["fraction", "projection"].contains(key) {
                throw keyNode.error("'\(key)' does not apply to a data set with \(spec.transformSplit != nil ? "'transform'" : spec.views != nil ? "'views'" : "blocks")")
            }
        }
        if spec.table != nil {
            // A table's blocks carry their own scaling; nothing may be asked of it that its blocks would ignore.
            for (key, keyNode, _) in fields where ["pca", "scaling", "labels", "options"].contains(key) {
                throw keyNode.error("'\(key)' does not apply to a table with blocks (a block has its own 'scaling')")
            }
        }
        if name == "file" && spec.path == nil { throw node.error("data set 'file' needs a 'path' to a .csv, .npy or IDX file") }
        if name != "file" && spec.path != nil { throw node.error("'path' is only for data set 'file'") }
        if let held = spec.transformSplit {
            guard DatasetBridge.hasSplits(name) else {
                throw node.error("'transform' needs a data set with train and test splits (\(DatasetBridge.splitNames.joined(separator: ", "))), not '\(name)'")
            }
            guard let split = spec.split, split != "all", split != held else {
                throw node.error("'transform: \(held)' needs 'split' set to the other split (fit on one split, transform the other)")
            }
        }
        return spec
    }

    /// A task time limit in seconds: a positive number up to a year.
    static func timeout(_ node: SpecNode) throws -> Double {
        let seconds = try node.double()
        guard seconds > 0, seconds <= TaskTimeLimit.maximumSeconds else {
            throw node.error("'\(node.path)' = \(seconds) is out of range; a time limit is seconds in (0, \(Int(TaskTimeLimit.maximumSeconds))]")
        }
        return seconds
    }

    private static func parseAlgorithm(_ node: SpecNode) throws -> AlgorithmSpec {
        let fields = try node.mapping(allowed: algorithmKeys)
        guard let nameField = fields.first(where: { $0.key == "name" }) else {
            throw node.error("algorithm entry needs a 'name'; known: \(Catalog.algorithmNames.joined(separator: ", "))")
        }
        let name = try nameField.value.string()
        guard let docs = Catalog.parameterDocs(algorithm: name) else {
            throw nameField.value.error("unknown algorithm '\(name)'; known: \(Catalog.algorithmNames.joined(separator: ", "))")
        }
        var spec = AlgorithmSpec(name: name, label: name.uppercased(), parameters: [], timeoutSeconds: nil)
        for (key, _, value) in fields {
            switch key {
            case "label": spec.label = try value.string()
            case "timeout": spec.timeoutSeconds = try timeout(value)
            case "params":
                for (param, keyNode, paramValue) in try value.freeMapping() {
                    guard docs.contains(where: { $0.name == param }) else {
                        throw keyNode.error("unknown parameter '\(param)' for \(name); allowed: \(docs.map(\.name).joined(separator: ", "))")
                    }
                    let values = try paramValue.listOrSingle().map { try $0.parameterValue() }
                    // Check each value now, so a bad one is reported at its own line.
                    for (value, valueNode) in zip(values, paramValue.listOrSingle()) {
                        do {
                            _ = try Catalog.makeAlgorithm(name, parameters: [param: value])
                        } catch let error as EmbeddingError {
                            throw valueNode.error(error.description)
                        }
                    }
                    spec.parameters.append((param, values))
                }
            default: break
            }
        }
        return spec
    }

    private static func parseFigure(_ node: SpecNode) throws -> FigureSpec {
        guard case .mapping = node.node else { throw node.error("each figure must be a mapping with 'kind' and 'file'") }
        let raw = try node.freeMapping()
        guard let kindField = raw.first(where: { $0.key == "kind" }) else {
            throw node.error("figure needs a 'kind'; known: \(FigureRecipes.kinds.keys.sorted().joined(separator: ", "))")
        }
        let kind = try kindField.value.string()
        guard let declared = FigureRecipes.settings(of: kind) else {
            throw kindField.value.error("unknown figure kind '\(kind)'; known: \(FigureRecipes.kinds.keys.sorted().joined(separator: ", "))")
        }
        let fields = try node.mapping(allowed: ["kind", "file"] + declared.map(\.name))
        guard let fileField = fields.first(where: { $0.key == "file" }) else { throw node.error("figure needs a 'file' (e.g. embeddings.png)") }
        let file = try fileField.value.string()
        guard file.hasSuffix(".png"), !file.contains("/"), !file.hasPrefix(".") else {
            throw fileField.value.error("figure 'file' must be a plain file name ending in .png, got '\(file)'")
        }
        var settings: [String: FigureSetting] = [:]
        for (key, _, value) in fields where key != "kind" && key != "file" {
            let setting: FigureSetting
            if value.isSequence {
                setting = .list(try value.list().map { try $0.string() })
            } else {
                switch try value.parameterValue() {
                case .number(let x): setting = .number(x)
                case .flag(let b): setting = .flag(b)
                case .text(let s): setting = .text(s)
                }
            }
            // Every setting is checked against its declaration now, so drawing never meets a bad value.
            if let declaration = declared.first(where: { $0.name == key }), let problem = declaration.problem(with: setting) {
                throw value.error("figure '\(file)': \(problem)")
            }
            settings[key] = setting
        }
        return FigureSpec(kind: kind, file: file, settings: settings, line: node.line, column: node.column)
    }

    private static func parseClustering(_ node: SpecNode) throws -> ClusteringSpec {
        var spec = ClusteringSpec(ks: Array(2...20), covarianceTypes: ["full"], nInit: 1)
        let entries = try node.mapping(allowed: ["method", "k", "covariance", "n_init", "min_cluster_size", "min_samples",
                                                 "selection", "approx_min_span_tree"])
        let method = try entries.first { $0.key == "method" }.map { try oneOf($0.value, ["gmm", "hdbscan", "hdbscan-package"]) } ?? "gmm"
        let gmmKeys = ["k", "covariance", "n_init"], hdbscanKeys = ["min_cluster_size", "min_samples", "selection"]
        let packageKeys = ["approx_min_span_tree"]
        for (key, keyNode, _) in entries {
            let applies: Bool
            switch method {
            case "gmm": applies = !hdbscanKeys.contains(key) && !packageKeys.contains(key)
            case "hdbscan": applies = !gmmKeys.contains(key) && !packageKeys.contains(key)
            default: applies = !gmmKeys.contains(key)
            }
            if applies { continue }
            let hint = packageKeys.contains(key) ? "it is the hdbscan package's option: use 'method: hdbscan-package'"
                : method == "gmm" ? "add 'method: hdbscan'" : "GMM keys are k, covariance, n_init"
            throw keyNode.error("'clustering.\(key)' does not apply to method \(method); \(hint)")
        }
        if method == "hdbscan" || method == "hdbscan-package" {
            if method == "hdbscan-package" {
                spec.implementation = method
                if let entry = entries.first(where: { $0.key == "approx_min_span_tree" }) { spec.approximateTree = try entry.value.bool() }
            }
            var options = HDBSCAN.Options()
            for (key, _, value) in entries {
                switch key {
                case "min_cluster_size": options.minClusterSize = try value.int(2...10_000_000, what: "a cluster size of at least 2")
                case "min_samples": options.minSamples = try value.int(1...10_000_000, what: "a positive neighbour count")
                case "selection":
                    options.selection = HDBSCAN.Selection(rawValue: try oneOf(value, HDBSCAN.Selection.allCases.map(\.rawValue)))!
                default: break
                }
            }
            spec.hdbscan = options
            return spec
        }
        for (key, _, value) in entries {
            switch key {
            case "k":
                if !value.isSequence, let text = try? value.string(), text.contains("...") || text.contains("-") {
                    let bounds = text.components(separatedBy: text.contains("...") ? "..." : "-").compactMap { Int($0) }
                    guard bounds.count == 2, bounds[0] >= 1, bounds[0] <= bounds[1], bounds[1] <= 100_000 else {
                        throw value.error("'clustering.k' range must look like 2...30 with 1 ≤ low ≤ high ≤ 100000, got '\(text)'")
                    }
                    spec.ks = Array(bounds[0]...bounds[1])
                } else {
                    spec.ks = try value.listOrSingle().map { try $0.int(1...100_000, what: "a positive cluster count") }
                }
            case "covariance":
                spec.covarianceTypes = try value.listOrSingle().map { try oneOf($0, CovarianceType.allCases.map(\.rawValue)) }
            case "n_init":
                spec.nInit = try value.int(1...100)
            default: break
            }
        }
        return spec
    }

    private static func oneOf(_ node: SpecNode, _ choices: [String]) throws -> String {
        let value = try node.string()
        guard choices.contains(value) else {
            throw node.error("'\(node.path)' = '\(value)' is not allowed; allowed: \(choices.joined(separator: ", "))")
        }
        return value
    }

    private static func yamlError(_ error: YamlError, file: String) -> SpecError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return SpecError(file: file, line: mark.line, column: mark.column, message: "malformed YAML: \(problem)")
        default:
            return SpecError(file: file, line: 0, column: 0, message: "malformed YAML: \(error)")
        }
    }
}
