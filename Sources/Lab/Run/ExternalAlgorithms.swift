import Embedding
import Foundation
import Linalg

/// A reference implementation run through a Python adapter in `Tools/adapters/`.
///
/// The adapter is called as
/// `python3 Tools/adapters/<script> --input X.npy --output Y.npy --seed S --threads T --param k=v …`
/// and prints its phase timings as JSON (see `ExternalProcess`). Parameters other than
/// `timeout_seconds` are passed through as `--param`; the adapter maps them to the library.
/// The interpreter is `MBENCH_PYTHON` or `python3`; the adapter folder is `MBENCH_ADAPTERS`,
/// or `Tools/adapters` in the current folder or above the `mbench` executable.
public protocol ExternalAlgorithm: EmbeddingAlgorithm {
    /// Adapter script file name in `Tools/adapters/`.
    static var adapterScript: String { get }
    /// Parameters as given (validated against `parameterDocs`).
    var parameters: Parameters { get }
}

extension ExternalAlgorithm {
    /// Parameters every reference adapter accepts besides its own.
    static var commonDocs: [ParameterDoc] {
        [ParameterDoc("timeout_seconds", "3600", "stop the external process after this many seconds")]
    }

    /// Validates names (and the timeout) with `ParameterReader`.
    static func validated(_ parameters: Parameters) throws -> Parameters {
        let reader = try ParameterReader(algorithm: name, parameters: parameters, docs: parameterDocs)
        _ = try reader.positiveDouble("timeout_seconds", default: 3600)
        _ = try reader.int("n_components", default: 2, range: 1...10_000)
        return parameters
    }

    public func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        let reader = try ParameterReader(algorithm: Self.name, parameters: parameters, docs: Self.parameterDocs)
        let timeout = try reader.positiveDouble("timeout_seconds", default: 3600)
        let components = try reader.int("n_components", default: 2, range: 1...10_000)
        let script = try ExternalAdapters.script(Self.adapterScript)
        let passed = parameters.filter { $0.key != "timeout_seconds" }
        return try ExternalProcess.fit(data, labels: labels, seed: seed, expectedColumns: components,
                                       timeoutSeconds: timeout, shell: false) { files in
            var arguments = [ExternalAdapters.python, script.path, "--input", files.input.path, "--output", files.output.path,
                             "--seed", String(seed), "--threads", String(Parallel.threadCount)]
            for key in passed.keys.sorted() {
                if let value = passed[key] { arguments += ["--param", "\(key)=\(value)"] }
            }
            return arguments
        }
    }
}

/// Where the adapters and the interpreter are.
public enum ExternalAdapters {
    /// `MBENCH_PYTHON`, or `python3`.
    public static var python: String { ProcessInfo.processInfo.environment["MBENCH_PYTHON"] ?? "python3" }

    /// The adapter folder: `MBENCH_ADAPTERS`, `./Tools/adapters`, or `Tools/adapters` above the executable.
    public static func directory() throws -> URL {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["MBENCH_ADAPTERS"] { return URL(fileURLWithPath: path) }
        var candidates = [URL(fileURLWithPath: fm.currentDirectoryPath)]
        var up = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(up)
            up = up.deletingLastPathComponent()
        }
        for base in candidates {
            let dir = base.appendingPathComponent("Tools/adapters")
            if fm.fileExists(atPath: dir.path) { return dir }
        }
        throw ExternalToolError.invalid("cannot find Tools/adapters (run mbench from the repository root or set MBENCH_ADAPTERS)")
    }

    /// URL of an adapter script (checked to exist).
    static func script(_ name: String) throws -> URL {
        let url = try directory().appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ExternalToolError.invalid("adapter \(url.path) is missing")
        }
        return url
    }

    /// Every external algorithm type, for `Catalog.algorithms`.
    public static let types: [any EmbeddingAlgorithm.Type] = [
        UMAPLearnReference.self, OpenTSNEReference.self, SklearnPCAReference.self, SklearnTSNEReference.self,
        SklearnSpectralReference.self, PaCMAPReference.self, TriMapReference.self, FItSNEReference.self,
        ExternalCommand.self,
    ]
}

/// umap-learn's `UMAP` (pip install umap-learn). Numba compilation is done by a small
/// untimed warm-up fit (phase `jit_warmup`) unless `jit_warmup` is false.
public struct UMAPLearnReference: ExternalAlgorithm {
    public static let name = "umap-learn"
    public static let implementationVersion = 1
    public static let adapterScript = "umap_learn.py"
    public static let parameterDocs: [ParameterDoc] = [
        ParameterDoc("n_components", "2", "output dimensions"),
        ParameterDoc("n_neighbors", "15", "neighbourhood size"),
        ParameterDoc("min_dist", "0.1", "minimum distance in the embedding"),
        ParameterDoc("n_epochs", "auto", "optimisation epochs"),
        ParameterDoc("metric", "euclidean", "input metric"),
        ParameterDoc("init", "spectral", "spectral | random | pca"),
        ParameterDoc("learning_rate", "1.0", "initial learning rate"),
        ParameterDoc("negative_sample_rate", "5", "negative samples per positive"),
        ParameterDoc("spread", "1.0", "scale of embedded points"),
        ParameterDoc("densmap", "false", "true = densMAP (n_epochs auto then adds 200)"),
        ParameterDoc("dens_lambda", "2.0", "densMAP: weight of the density-correlation term"),
        ParameterDoc("dens_frac", "0.3", "densMAP: fraction of the epochs, at the end, with the density term"),
        ParameterDoc("dens_var_shift", "0.1", "densMAP: added to the variance of the output log radii"),
        ParameterDoc("jit_warmup", "true", "run an untimed fit on 5 000 points first, so fit excludes Numba compilation (NN-descent included)"),
        ParameterDoc("seeded", "true", "true = random_state = seed (reproducible, single-threaded); false = umap-learn's parallel mode (not reproducible)"),
    ] + commonDocs
    public let parameters: Parameters
    public init(parameters: Parameters) throws { self.parameters = try Self.validated(parameters) }
}

/// openTSNE's `TSNE` (pip install openTSNE).
public struct OpenTSNEReference: ExternalAlgorithm {
    public static let name = "opentsne"
    public static let implementationVersion = 1
    public static let adapterScript = "opentsne.py"
    public static let parameterDocs: [ParameterDoc] = [
        ParameterDoc("n_components", "2", "output dimensions"),
        ParameterDoc("perplexity", "30", "perplexity"),
        ParameterDoc("n_iter", "500", "optimisation iterations after early exaggeration"),
        ParameterDoc("early_exaggeration_iter", "250", "early exaggeration iterations"),
        ParameterDoc("early_exaggeration", "auto", "early exaggeration factor"),
        ParameterDoc("learning_rate", "auto", "learning rate"),
        ParameterDoc("initialization", "pca", "pca | random | spectral"),
        ParameterDoc("negative_gradient_method", "auto", "auto | fft | bh"),
        ParameterDoc("neighbors", "auto", "exact | annoy | pynndescent | auto"),
        ParameterDoc("jit_warmup", "true", "run an untimed fit on 300 points first"),
    ] + commonDocs
    public let parameters: Parameters
    public init(parameters: Parameters) throws { self.parameters = try Self.validated(parameters) }
}

/// scikit-learn's `PCA` (pip install scikit-learn).
public struct SklearnPCAReference: ExternalAlgorithm {
    public static let name = "sklearn-pca"
    public static let implementationVersion = 1
    public static let adapterScript = "sklearn_pca.py"
    public static let parameterDocs: [ParameterDoc] = [
        ParameterDoc("n_components", "2", "principal components kept"),
        ParameterDoc("svd_solver", "auto", "auto | full | covariance_eigh | randomized | arpack"),
        ParameterDoc("whiten", "false", "scale components to unit variance"),
    ] + commonDocs
    public let parameters: Parameters
    public init(parameters: Parameters) throws { self.parameters = try Self.validated(parameters) }
}

/// scikit-learn's `TSNE` (pip install scikit-learn).
public struct SklearnTSNEReference: ExternalAlgorithm {
    public static let name = "sklearn-tsne"
    public static let implementationVersion = 1
    public static let adapterScript = "sklearn_tsne.py"
    public static let parameterDocs: [ParameterDoc] = [
        ParameterDoc("n_components", "2", "output dimensions"),
        ParameterDoc("perplexity", "30", "perplexity"),
        ParameterDoc("max_iter", "1000", "iterations"),
        ParameterDoc("early_exaggeration", "12", "early exaggeration factor"),
        ParameterDoc("learning_rate", "auto", "learning rate"),
        ParameterDoc("init", "pca", "pca | random"),
        ParameterDoc("method", "barnes_hut", "barnes_hut | exact"),
        ParameterDoc("angle", "0.5", "Barnes-Hut angle"),
    ] + commonDocs
    public let parameters: Parameters
    public init(parameters: Parameters) throws { self.parameters = try Self.validated(parameters) }
}

/// scikit-learn's `SpectralEmbedding`, Laplacian eigenmaps (pip install scikit-learn): the
/// reference for our `laplacian-eigenmaps`.
public struct SklearnSpectralReference: ExternalAlgorithm {
    public static let name = "sklearn-spectral"
    public static let implementationVersion = 1
    public static let adapterScript = "sklearn_spectral.py"
    public static let parameterDocs: [ParameterDoc] = [
        ParameterDoc("n_components", "2", "output dimensions"),
        ParameterDoc("n_neighbors", "auto", "neighbours of the kNN affinity (scikit-learn's auto: max(n/10, 1))"),
        ParameterDoc("affinity", "nearest_neighbors", "nearest_neighbors | rbf"),
        ParameterDoc("eigen_solver", "auto", "arpack | lobpcg | amg (scikit-learn's default: arpack)"),
    ] + commonDocs
    public let parameters: Parameters
    public init(parameters: Parameters) throws { self.parameters = try Self.validated(parameters) }
}

/// PaCMAP (Wang, Huang, Rudin & Shaposhnik 2021; pip install pacmap). Numba compilation is done
/// by a small untimed warm-up fit (phase `jit_warmup`) unless `jit_warmup` is false.
public struct PaCMAPReference: ExternalAlgorithm {
    public static let name = "pacmap"
    public static let implementationVersion = 1
    public static let adapterScript = "pacmap_ref.py"
    public static let parameterDocs: [ParameterDoc] = [
        ParameterDoc("n_components", "2", "output dimensions"),
        ParameterDoc("n_neighbors", "10", "near pairs per point"),
        ParameterDoc("MN_ratio", "0.5", "mid-near pairs per near pair"),
        ParameterDoc("FP_ratio", "2.0", "further pairs per near pair"),
        ParameterDoc("num_iters", "(100, 100, 250)", "iterations of the three phases"),
        ParameterDoc("apply_pca", "true", "PCA to 100 dimensions first"),
        ParameterDoc("jit_warmup", "true", "run an untimed fit on 300 points first"),
    ] + commonDocs
    public let parameters: Parameters
    public init(parameters: Parameters) throws { self.parameters = try Self.validated(parameters) }
}

/// TriMap (Amid & Warmuth 2019; pip install "trimap<1.2", the last release without JAX). It draws
/// its triplets from NumPy's global generator, which the adapter seeds. Numba compilation is done
/// by a small untimed warm-up fit (phase `jit_warmup`) unless `jit_warmup` is false.
public struct TriMapReference: ExternalAlgorithm {
    public static let name = "trimap"
    public static let implementationVersion = 1
    public static let adapterScript = "trimap_ref.py"
    public static let parameterDocs: [ParameterDoc] = [
        ParameterDoc("n_components", "2", "output dimensions"),
        ParameterDoc("n_inliers", "12", "nearest neighbours per triplet anchor"),
        ParameterDoc("n_outliers", "4", "outliers per inlier"),
        ParameterDoc("n_random", "3", "random triplets per point"),
        ParameterDoc("n_iters", "400", "iterations"),
        ParameterDoc("jit_warmup", "true", "run an untimed fit on 300 points first"),
    ] + commonDocs
    public let parameters: Parameters
    public init(parameters: Parameters) throws { self.parameters = try Self.validated(parameters) }
}

/// FIt-SNE (Linderman, Rachh, Hoskins, Steinerberger & Kluger 2019), KlugerLab's `fitsne` package:
/// `apt-get install libfftw3-dev`, then `pip install cython numpy wheel` and
/// `pip install --no-build-isolation fitsne`. Its defaults are those of our `tsne` (perplexity 30,
/// 750 iterations, the first 250 with exaggeration 12, learning rate max(200, n/12), PCA
/// initialisation scaled to standard deviation 1e-4); Annoy neighbours, FFT-interpolated gradient.
/// Diagnostic `kl_divergence`: the C++ core's own cost at the last iteration.
public struct FItSNEReference: ExternalAlgorithm {
    public static let name = "fitsne"
    public static let implementationVersion = 1
    public static let adapterScript = "fitsne_ref.py"
    public static let parameterDocs: [ParameterDoc] = [
        ParameterDoc("n_components", "2", "output dimensions"),
        ParameterDoc("perplexity", "30", "perplexity"),
        ParameterDoc("max_iter", "750", "iterations in all, early exaggeration included"),
        ParameterDoc("stop_early_exag_iter", "250", "early exaggeration iterations"),
        ParameterDoc("early_exag_coeff", "12", "early exaggeration factor"),
        ParameterDoc("learning_rate", "auto", "learning rate (auto: max(200, n / early_exag_coeff))"),
        ParameterDoc("initialization", "pca", "pca (first column scaled to std 1e-4) | random"),
        ParameterDoc("knn", "annoy", "annoy (approximate) | vptree (exact)"),
        ParameterDoc("n_trees", "50", "Annoy trees"),
        ParameterDoc("df", "1", "degrees of freedom of the output kernel"),
    ] + commonDocs
    public let parameters: Parameters
    public init(parameters: Parameters) throws { self.parameters = try Self.validated(parameters) }
}

/// Any program: `command` is a shell command template using {input} {output} {labels} {workdir}
/// {seed} {n} {d} {threads} {n_components} (file names are quoted for the shell). The program
/// reads input.npy, writes output.npy (n × n_components), and may print a JSON phases line.
///
///     params: {command: "python3 my_method.py {input} {output} --seed {seed}", n_components: 2}
public struct ExternalCommand: EmbeddingAlgorithm {
    public static let name = "external"
    public static let implementationVersion = 1
    public static let parameterDocs: [ParameterDoc] = [
        ParameterDoc("command", "(required)", "shell command template with {input} {output} {seed} {n_components} {threads} {n} {d} {labels} {workdir}"),
        ParameterDoc("n_components", "2", "columns the output must have"),
        ParameterDoc("timeout_seconds", "3600", "stop the process after this many seconds"),
    ]
    public let command: String?
    public let nComponents: Int
    public let timeoutSeconds: Double

    public init(parameters: Parameters) throws {
        let reader = try ParameterReader(algorithm: Self.name, parameters: parameters, docs: Self.parameterDocs)
        nComponents = try reader.int("n_components", default: 2, range: 1...10_000)
        timeoutSeconds = try reader.positiveDouble("timeout_seconds", default: 3600)
        switch reader.raw("command") {
        case nil: command = nil
        case .text(let text)?:
            if let unknown = Self.unknownPlaceholder(in: text) {
                throw EmbeddingError.invalidParameter(
                    algorithm: Self.name, name: "command", value: text,
                    allowed: "placeholders \(ExternalProcess.placeholders.map { "{\($0)}" }.joined(separator: " ")); unknown {\(unknown)}")
            }
            command = text
        case let other?:
            throw EmbeddingError.invalidParameter(algorithm: Self.name, name: "command", value: other.description,
                                                  allowed: "a shell command template (text)")
        }
    }

    /// The first `{name}` in `template` that is not a known placeholder.
    static func unknownPlaceholder(in template: String) -> String? {
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { return nil }
            let name = String(rest[rest.index(after: open)..<close])
            if !ExternalProcess.placeholders.contains(name) { return name }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }

    public func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        guard let command else {
            throw ExternalToolError.invalid("algorithm 'external' needs a 'command' parameter, e.g. \"python3 run.py {input} {output}\"")
        }
        return try ExternalProcess.fit(data, labels: labels, seed: seed, expectedColumns: nComponents,
                                       timeoutSeconds: timeoutSeconds, shell: true) { files in
            let values: [String: String] = [
                "input": ExternalProcess.shellQuoted(files.input.path),
                "output": ExternalProcess.shellQuoted(files.output.path),
                "labels": ExternalProcess.shellQuoted(files.labels.path),
                "workdir": ExternalProcess.shellQuoted(files.workdir.path),
                "seed": String(seed), "n": String(data.rows), "d": String(data.cols),
                "threads": String(Parallel.threadCount), "n_components": String(nComponents),
            ]
            var line = command
            for (key, value) in values { line = line.replacingOccurrences(of: "{\(key)}", with: value) }
            return [line]
        }
    }
}
