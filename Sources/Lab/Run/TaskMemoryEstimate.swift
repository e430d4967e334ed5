import Datasets
import Embedding
import Foundation
import Neighbors

/// The peak resident memory a task is expected to need, estimated before it starts from the shape of
/// its data (n rows × d columns, known without loading: `DatasetLoader.plannedShape`) and its
/// algorithm's parameters, so that a task that cannot fit is refused with the estimate and the limit
/// instead of being killed by the kernel half-way.
///
/// The formula (bytes; D = the PCA pre-reduction's dimension if any, else d; c = n_components;
/// k = n_neighbors for UMAP, 3·perplexity + 1 for t-SNE):
///
///     process   64 MiB                     (runtime, BLAS buffers, the worker's code)
///   + loader    the generator's own arrays (augmented-mnist: the 70 000 source digits)
///   + input     4·n·d                      (the Float matrix)
///   + pre-PCA   4·n·d + 4·n·D              (centred copy while reducing, the reduced matrix)
///   + pca       4·n·D + 4·n·c + 16·D²      (centred copy, output, covariance and eigenvectors)
///   + umap      copy + umapBytesPerEdge·n·k + 16·n·c    (NN-descent's reordered copy, graph and SGD arrays)
///   + tsne      copy + tsneBytesPerEdge·n·k + 64·n·c    (neighbour search copy, P, gradient state)
///
/// where copy = 4·n·D when n·D ≤ `NNDescentParameters.localityCopyLimit`, else 0 (larger data is
/// searched in place).
///
/// The per-edge constants are calibrated on measured peaks (`TaskMemoryEstimateTests` checks the
/// estimate against the peak RSS of workers on 4 000 and 16 000 points of 100 dimensions: never below
/// it, at most 1.5× it plus 32 MiB; calibrated there, where t-SNE's measured peak on 16 000 points was
/// 169–171 MB against an estimate of 199 MB and UMAP's 87–88 MB against 119 MB). Metrics are not included (they work on samples or on the embedding). Other
/// algorithms (reference implementations in Python) have no estimate and are never refused.
struct TaskMemoryEstimate: Sendable, Equatable {
    /// What a process holds besides the data: a worker's peak on 4 000 × 100 points with PCA was 41 MB.
    static let processBytes = 64 << 20
    /// UMAP: bytes per (point × neighbour) for the kNN graph, NN-descent's heaps, the symmetrised fuzzy
    /// set (up to two edges per neighbour pair) and the per-edge epoch schedule.
    static let umapBytesPerEdge = 160
    /// t-SNE: bytes per (point × neighbour) for the kNN search, the conditional and joint P (CSR, symmetrised).
    static let tsneBytesPerEdge = 80

    /// Total estimated peak, bytes.
    var bytes: Int
    /// The terms, for the message.
    var parts: [(name: String, bytes: Int)]
    var rows: Int
    var cols: Int

    static func == (a: TaskMemoryEstimate, b: TaskMemoryEstimate) -> Bool {
        a.bytes == b.bytes && a.rows == b.rows && a.cols == b.cols && a.parts.map(\.name) == b.parts.map(\.name)
    }

    /// The estimate of `task`, or nil when its data's shape is unknown before loading (CSV and IDX files,
    /// tables) or its algorithm has no formula.
    static func of(_ task: ExperimentTask) -> TaskMemoryEstimate? {
        let selection = task.dataset
        guard selection.table == nil, selection.views == nil else { return nil }
        let request = DatasetRequest(name: selection.name, n: selection.n, split: selection.split,
                                     subsample: Subsample(rawValue: selection.subsample) ?? .random,
                                     path: selection.path, options: selection.options)
        guard let shape = DatasetLoader.plannedShape(request) else { return nil }
        // A random projection replaces the loaded columns by its own; a subsample fraction only shrinks n.
        let n = Double(shape.rows), loadedCols = Double(shape.cols)
        let cols = selection.projection ?? shape.cols, d = Double(cols)
        let reduced = Double(selection.pca.map { min($0, cols) } ?? cols)
        func integer(_ name: String, _ fallback: Int) -> Double {
            if case .number(let v)? = task.parameters[name], v.isFinite { return v }
            return Double(fallback)
        }
        let c = integer("n_components", 2)
        let searchCopy = n * reduced <= Double(NNDescentParameters.localityCopyLimit) ? 4 * n * reduced : 0
        var parts: [(String, Double)] = [("process", Double(processBytes))]
        if shape.loaderBytes > 0 { parts.append(("generator", Double(shape.loaderBytes))) }
        parts.append(("input \(shape.rows) × \(shape.cols)", 4 * n * loadedCols))
        if let projected = selection.projection {
            parts.append(("random projection to \(projected)", 4 * n * d + 4 * loadedCols * d))
        }
        if selection.pca != nil { parts.append(("PCA pre-reduction", 4 * n * d + 4 * n * reduced)) }
        switch task.algorithm {
        case PCA.name:
            parts.append(("pca", 4 * n * reduced + 4 * n * c + 16 * reduced * reduced))
        case UMAP.name:
            let k = integer("n_neighbors", 15)
            parts.append(("umap (k = \(Int(k)))", searchCopy + Double(umapBytesPerEdge) * n * k + 16 * n * c))
        case TSNE.name:
            let k = (3 * integer("perplexity", 30)).rounded(.down) + 1
            parts.append(("tsne (k = \(Int(k)))", searchCopy + Double(tsneBytesPerEdge) * n * k + 64 * n * c))
        default:
            return nil
        }
        let total = parts.reduce(0) { $0 + $1.1 }
        let clamp = { (x: Double) -> Int in x < Double(Int.max / 2) ? Int(x) : Int.max / 2 }
        return TaskMemoryEstimate(bytes: clamp(total), parts: parts.map { ($0.0, clamp($0.1)) },
                                  rows: shape.rows, cols: shape.cols)
    }

    /// A refusal message when the estimate exceeds `limit` bytes, else nil.
    func refusal(limit: MemoryLimit) -> String? {
        guard bytes > limit.bytes else { return nil }
        let terms = parts.map { "\($0.name) \(Self.format($0.bytes))" }.joined(separator: " + ")
        return "not started: estimated peak memory \(Self.format(bytes)) (\(terms)) exceeds the limit \(Self.format(limit.bytes)) (\(limit.source)); "
            + "use a smaller n, a PCA pre-reduction, or raise the limit with --memory-limit"
    }

    /// Bytes as GiB or MiB with one decimal.
    static func format(_ bytes: Int) -> String {
        let b = Double(bytes)
        return b >= Double(1 << 30) ? String(format: "%.1f GiB", b / Double(1 << 30)) : String(format: "%.1f MiB", b / Double(1 << 20))
    }
}

/// The memory a task may use: `--memory-limit` (divided among `--jobs` workers) or the machine's memory.
public struct MemoryLimit: Sendable, Equatable {
    /// Bytes one task may use.
    public var bytes: Int
    /// Where the number comes from, for messages.
    public var source: String

    public init(bytes: Int, source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// The limit per task: `configured` bytes (else MemTotal of /proc/meminfo) divided by the tasks
    /// that run at once; nil when neither is known.
    public static func perTask(configured: Int?, jobs: Int) -> MemoryLimit? {
        let jobs = max(1, jobs)
        let share = jobs > 1 ? ", shared by \(jobs) jobs" : ""
        if let configured { return MemoryLimit(bytes: configured / jobs, source: "--memory-limit\(share)") }
        guard let total = MachineIdentity.memoryBytes() else { return nil }
        return MemoryLimit(bytes: total / jobs, source: "this machine's memory\(share)")
    }

    /// Parses a size such as `512M`, `16G` or a number of bytes (units K, M, G, T: powers of 1024).
    public static func parse(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var digits = Substring(text.uppercased())
        var shift = 0
        if let last = digits.last, let s = units[last] { shift = s; digits = digits.dropLast() }
        if digits.hasSuffix("I") || digits.hasSuffix("B") { return nil }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int(digits), value > 0,
              value <= Int.max >> shift else { return nil }
        return value << shift
    }
}
