import Foundation
import Linalg

/// Shape of the component covariances (scikit-learn's `covariance_type`).
public enum CovarianceType: String, Codable, CaseIterable, Sendable {
    /// Each component its own general covariance matrix.
    case full
    /// All components share one general covariance matrix.
    case tied
    /// Each component its own diagonal covariance.
    case diag
    /// Each component its own single variance.
    case spherical

    /// Parses `full`, `tied`, `diag` (or `diagonal`), `spherical`.
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "diagonal" { self = .diag; return }
        guard let v = CovarianceType(rawValue: t) else { throw ClusteringError.unknownCovarianceType(text) }
        self = v
    }
}

/// Gaussian mixture fitted by expectation–maximisation, following scikit-learn's
/// `GaussianMixture` step for step (Double throughout):
/// - initial responsibilities from k-means labels (or from the nearest of given initial
///   means); initial weights and covariances estimated from them, means from k-means
///   or the given means;
/// - each iteration: E-step (its mean log-likelihood is the lower bound), M-step with
///   `regCovar` added to the covariance diagonal; stop when the lower bound changes by
///   less than `tol`, or after `maxIterations`;
/// - `nInit` runs, keeping the one with the largest final lower bound.
public enum GaussianMixture {
    /// Fitting options; defaults are scikit-learn's.
    public struct Options: Codable, Equatable, Sendable {
        public var components: Int
        public var covarianceType: CovarianceType
        /// Number of initialisations (default 1).
        public var nInit: Int
        /// Convergence threshold on the change of the mean per-sample log-likelihood (default 1e-3).
        public var tol: Double
        /// Maximum EM iterations per run (default 100).
        public var maxIterations: Int
        /// Added to covariance diagonals (default 1e-6).
        public var regCovar: Double
        /// Optional k × d initial means (then `nInit` runs all start from them).
        public var initialMeans: [Double]?

        public init(components: Int, covarianceType: CovarianceType = .full, nInit: Int = 1, tol: Double = 1e-3,
                    maxIterations: Int = 100, regCovar: Double = 1e-6, initialMeans: [Double]? = nil) {
            self.components = components; self.covarianceType = covarianceType; self.nInit = nInit; self.tol = tol
            self.maxIterations = maxIterations; self.regCovar = regCovar; self.initialMeans = initialMeans
        }
    }

    /// Fits a mixture to the rows of `data` (n × d).
    /// - Parameter seed: seeds the k-means initialisation of each run (`index` = run number).
    /// - Throws: `ClusteringError` for k > n, bad shapes, non-finite data, or covariances that stay
    ///   singular even after raising the regularisation (raises are recorded in `notes`).
    public static func fit(_ data: Matrix, options: Options, seed: UInt64) throws -> GaussianMixtureModel {
        let x = try DataBlock(data)
        let k = options.components
        guard k >= 1 else { throw ClusteringError.invalidClusterCount(k) }
        guard k <= x.n else { throw ClusteringError.tooManyClusters(k: k, n: x.n) }
        guard options.nInit >= 1, options.maxIterations >= 1, options.regCovar >= 0, options.tol >= 0 else {
            throw ClusteringError.invalidArgument("nInit and maxIterations must be ≥ 1, regCovar and tol ≥ 0")
        }
        if let m = options.initialMeans, m.count != k * x.d {
            throw ClusteringError.shapeMismatch("initial means need k × d = \(k * x.d) values, got \(m.count)")
        }
        var best: GaussianMixtureModel?
        for run in 0..<options.nInit {
            let labels: [Int]
            if let m = options.initialMeans {
                labels = (0..<x.n).map { i in
                    var b = 0, bd = Double.infinity
                    for c in 0..<k { let v = x.squaredDistance(i, m, c); if v < bd { bd = v; b = c } }
                    return b
                }
            } else {
                labels = try KMeans.fit(data, k: k, nInit: 1, seed: RandomStream.derive(seed: seed, purpose: "clustering.gmm.init", index: UInt64(run))).labels
            }
            var resp = [Double](repeating: 0, count: x.n * k)
            for i in 0..<x.n { resp[i * k + labels[i]] = 1 }
            var model = try GaussianMixtureModel.estimate(x, resp: resp, k: k, type: options.covarianceType, reg: options.regCovar)
            let nk = model.weights
            model.weights = nk.map { $0 / Double(x.n) }
            if let m = options.initialMeans { model.means = m }
            try model.run(x, options: options)
            if best == nil || model.lowerBound > best!.lowerBound { best = model }
        }
        return best!
    }
}

/// A fitted Gaussian mixture: parameters plus scoring (log-likelihood, BIC, AIC, prediction).
public struct GaussianMixtureModel: Codable, Equatable, Sendable {
    public var components: Int
    public var dimensions: Int
    public var covarianceType: CovarianceType
    /// Mixing weights (sum 1).
    public var weights: [Double]
    /// Means, k × d row-major.
    public var means: [Double]
    /// Covariances: full k·d·d, tied d·d, diag k·d, spherical k (row-major).
    public var covariances: [Double]
    /// Lower-triangular Cholesky factors of the covariances (full k·d·d, tied d·d) or
    /// standard deviations (diag k·d, spherical k).
    public var choleskyFactors: [Double]
    /// Whether the best run met the tolerance.
    public var converged: Bool = false
    /// EM iterations of the best run.
    public var iterations: Int = 0
    /// Final lower bound (mean per-sample log-likelihood at the last E-step).
    public var lowerBound: Double = -.infinity
    /// Anything unusual: raised regularisation, re-seeded empty components.
    public var notes: [String] = []

    // MARK: Scoring

    /// Log-density of every sample under the mixture (scikit-learn's `score_samples`).
    public func scoreSamples(_ data: Matrix) throws -> [Double] {
        let x = try DataBlock(data)
        try checkDimensions(x)
        return estep(x).logNorm
    }

    /// Mean per-sample log-likelihood (scikit-learn's `score`).
    public func score(_ data: Matrix) throws -> Double {
        let s = try scoreSamples(data)
        var sum = 0.0
        for v in s { sum += v }
        return sum / Double(s.count)
    }

    /// Most probable component of every sample.
    public func predict(_ data: Matrix) throws -> [Int] {
        let p = try predictProbabilities(data)
        let k = components
        return (0..<(p.count / k)).map { i in
            var b = 0
            for c in 1..<k where p[i * k + c] > p[i * k + b] { b = c }
            return b
        }
    }

    /// Posterior component probabilities, n × k row-major.
    public func predictProbabilities(_ data: Matrix) throws -> [Double] {
        let x = try DataBlock(data)
        try checkDimensions(x)
        return estep(x).resp
    }

    /// Free parameters: means k·d, weights k − 1, covariances full k·d(d+1)/2, tied d(d+1)/2, diag k·d, spherical k.
    public var parameterCount: Int {
        let k = components, d = dimensions
        let cov: Int
        switch covarianceType {
        case .full: cov = k * d * (d + 1) / 2
        case .tied: cov = d * (d + 1) / 2
        case .diag: cov = k * d
        case .spherical: cov = k
        }
        return cov + k * d + k - 1
    }

    /// Bayesian information criterion: −2 · n · score + parameters · ln n (lower is better).
    public func bic(_ data: Matrix) throws -> Double {
        -2 * (try score(data)) * Double(data.rows) + Double(parameterCount) * DeterministicMath.log(Double(data.rows))
    }

    /// Akaike information criterion: −2 · n · score + 2 · parameters (lower is better).
    public func aic(_ data: Matrix) throws -> Double {
        -2 * (try score(data)) * Double(data.rows) + 2 * Double(parameterCount)
    }

    func checkDimensions(_ x: DataBlock) throws {
        guard x.d == dimensions else {
            throw ClusteringError.shapeMismatch("model has \(dimensions) dimensions, data has \(x.d)")
        }
    }

    // MARK: EM

    /// Weighted log-probabilities → (per-sample log normaliser, responsibilities).
    func estep(_ x: DataBlock) -> (logNorm: [Double], resp: [Double]) {
        let n = x.n, d = x.d, k = components
        var logNorm = [Double](repeating: 0, count: n)
        var resp = [Double](repeating: 0, count: n * k)
        let logTwoPi = DeterministicMath.log(2 * Double.pi)
        // Per-component constant: log w − ½ d log 2π − ½ log det Σ.
        var constant = [Double](repeating: 0, count: k)
        for c in 0..<k {
            var halfLogDet = 0.0
            switch covarianceType {
            case .full: for t in 0..<d { halfLogDet += DeterministicMath.log(choleskyFactors[c * d * d + t * d + t]) }
            case .tied: for t in 0..<d { halfLogDet += DeterministicMath.log(choleskyFactors[t * d + t]) }
            case .diag: for t in 0..<d { halfLogDet += DeterministicMath.log(choleskyFactors[c * d + t]) }
            case .spherical: halfLogDet = Double(d) * DeterministicMath.log(choleskyFactors[c])
            }
            constant[c] = DeterministicMath.log(weights[c]) - 0.5 * Double(d) * logTwoPi - halfLogDet
        }
        logNorm.withUnsafeMutableBufferPointer { lb in
        resp.withUnsafeMutableBufferPointer { rb in
            let lo = lb.baseAddress!, ro = rb.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: 512) { _, range in
                var z = [Double](repeating: 0, count: d)
                var w = [Double](repeating: 0, count: k)
                for i in range {
                    for c in 0..<k {
                        var maha = 0.0
                        switch covarianceType {
                        case .full, .tied:
                            let base = covarianceType == .full ? c * d * d : 0
                            // Solve L z = x − μ (forward substitution).
                            for r in 0..<d {
                                var s = x.values[i * d + r] - means[c * d + r]
                                for t in 0..<r { s -= choleskyFactors[base + r * d + t] * z[t] }
                                z[r] = s / choleskyFactors[base + r * d + r]
                                maha += z[r] * z[r]
                            }
                        case .diag:
                            for t in 0..<d {
                                let v = (x.values[i * d + t] - means[c * d + t]) / choleskyFactors[c * d + t]
                                maha += v * v
                            }
                        case .spherical:
                            for t in 0..<d { let v = x.values[i * d + t] - means[c * d + t]; maha += v * v }
                            maha /= choleskyFactors[c] * choleskyFactors[c]
                        }
                        w[c] = constant[c] - 0.5 * maha
                    }
                    var top = -Double.infinity
                    for c in 0..<k where w[c] > top { top = w[c] }
                    var s = 0.0
                    for c in 0..<k { s += DeterministicMath.exp(w[c] - top) }
                    let norm = top + DeterministicMath.log(s)
                    lo[i] = norm
                    for c in 0..<k { ro[i * k + c] = DeterministicMath.exp(w[c] - norm) }
                }
            }
        }}
        return (logNorm, resp)
    }

    /// Runs EM from the current parameters until convergence.
    mutating func run(_ x: DataBlock, options: GaussianMixture.Options) throws {
        var lower = -Double.infinity
        converged = false
        for it in 1...options.maxIterations {
            iterations = it
            let previous = lower
            let (logNorm, resp) = estep(x)
            var sum = 0.0
            for v in logNorm { sum += v }
            lower = sum / Double(x.n)
            let kept = notes
            var next = try GaussianMixtureModel.estimate(x, resp: resp, k: components, type: covarianceType,
                                                         reg: options.regCovar, logNorm: logNorm, iteration: it)
            let total = next.weights.reduce(0, +)
            next.weights = next.weights.map { $0 / total }
            weights = next.weights; means = next.means; covariances = next.covariances
            choleskyFactors = next.choleskyFactors
            notes = kept + next.notes
            if abs(lower - previous) < options.tol { converged = true; break }
        }
        lowerBound = lower
    }

    /// M-step: weights (= nk, unnormalised), means and regularised covariances from responsibilities.
    /// A component with (numerically) no responsibility is re-seeded at the worst-explained sample.
    static func estimate(_ x: DataBlock, resp: [Double], k: Int, type: CovarianceType, reg: Double,
                         logNorm: [Double]? = nil, iteration: Int = 0) throws -> GaussianMixtureModel {
        let n = x.n, d = x.d
        var resp = resp
        var notes: [String] = []
        var nk = [Double](repeating: 0, count: k)
        for i in 0..<n { for c in 0..<k { nk[c] += resp[i * k + c] } }
        let emptyLimit = 1e-10 * Double(n)
        if nk.contains(where: { $0 < emptyLimit }) && k > 1 {
            // Worst-explained samples (lowest log-likelihood, or largest distance to the weighted mean).
            let badness: [Double] = logNorm.map { $0.map { -$0 } } ?? (0..<n).map { _ in 0 }
            let order = (0..<n).sorted { badness[$0] > badness[$1] || (badness[$0] == badness[$1] && $0 < $1) }
            var used = 0
            for c in 0..<k where nk[c] < emptyLimit {
                guard used < order.count else { break }
                let p = order[used]; used += 1
                for t in 0..<k { resp[p * k + t] = t == c ? 1 : 0 }
                notes.append("iteration \(iteration): component \(c) had no responsibility; re-seeded at sample \(p)")
            }
            nk = [Double](repeating: 0, count: k)
            for i in 0..<n { for c in 0..<k { nk[c] += resp[i * k + c] } }
        }
        let tiny = 10 * Double.ulpOfOne
        for c in 0..<k { nk[c] += tiny }
        var means = [Double](repeating: 0, count: k * d)
        for i in 0..<n {
            for c in 0..<k {
                let r = resp[i * k + c]
                if r == 0 { continue }
                for t in 0..<d { means[c * d + t] += r * x.values[i * d + t] }
            }
        }
        for c in 0..<k { for t in 0..<d { means[c * d + t] /= nk[c] } }
        var cov: [Double]
        switch type {
        case .full, .tied:
            cov = [Double](repeating: 0, count: (type == .full ? k : 1) * d * d)
            var diff = [Double](repeating: 0, count: d)
            for i in 0..<n {
                for c in 0..<k {
                    let r = resp[i * k + c]
                    if r == 0 { continue }
                    let base = type == .full ? c * d * d : 0
                    for t in 0..<d { diff[t] = x.values[i * d + t] - means[c * d + t] }
                    for a in 0..<d { let ra = r * diff[a]; for b in 0...a { cov[base + a * d + b] += ra * diff[b] } }
                }
            }
            let blocks = type == .full ? k : 1
            var total = 0.0
            for c in 0..<k { total += nk[c] }
            for c in 0..<blocks {
                let base = c * d * d
                let scale = type == .full ? nk[c] : total
                for a in 0..<d { for b in 0...a {
                    let v = cov[base + a * d + b] / scale
                    cov[base + a * d + b] = v; cov[base + b * d + a] = v
                } }
                for a in 0..<d { cov[base + a * d + a] += reg }
            }
        case .diag, .spherical:
            var diag = [Double](repeating: 0, count: k * d)
            for i in 0..<n {
                for c in 0..<k {
                    let r = resp[i * k + c]
                    if r == 0 { continue }
                    for t in 0..<d { let v = x.values[i * d + t] - means[c * d + t]; diag[c * d + t] += r * v * v }
                }
            }
            for c in 0..<k { for t in 0..<d { diag[c * d + t] = diag[c * d + t] / nk[c] + reg } }
            if type == .diag { cov = diag } else {
                cov = (0..<k).map { c in (0..<d).reduce(0.0) { $0 + diag[c * d + $1] } / Double(d) }
            }
        }
        let factors = try factorise(&cov, type: type, d: d, k: k, reg: reg, notes: &notes)
        return GaussianMixtureModel(components: k, dimensions: d, covarianceType: type, weights: nk, means: means,
                                    covariances: cov, choleskyFactors: factors, notes: notes)
    }

    /// Cholesky factors (or standard deviations); a singular covariance gets its diagonal
    /// regularisation raised tenfold at a time (recorded in `notes`) before giving up.
    static func factorise(_ cov: inout [Double], type: CovarianceType, d: Int, k: Int, reg: Double,
                          notes: inout [String]) throws -> [Double] {
        switch type {
        case .diag, .spherical:
            var out = [Double](repeating: 0, count: cov.count)
            for (i, v) in cov.enumerated() {
                var value = v
                var extra = max(reg, 1e-12)
                while !(value > 0) && extra < 1 {
                    extra *= 10; value = v + extra
                }
                guard value > 0 else {
                    throw ClusteringError.singularCovariance(component: type == .diag ? i / d : i, detail: "variance \(v)")
                }
                if value != v {
                    notes.append("component \(type == .diag ? i / d : i): non-positive variance regularised by \(value - v)")
                    cov[i] = value
                }
                out[i] = value.squareRoot()
            }
            return out
        case .full, .tied:
            let blocks = type == .full ? k : 1
            var out = [Double](repeating: 0, count: cov.count)
            for c in 0..<blocks {
                let base = c * d * d
                var block = Array(cov[base ..< base + d * d])
                var extra = 0.0
                var step = max(reg, 1e-12)
                while true {
                    if let l = cholesky(block, d) {
                        for t in 0..<(d * d) { out[base + t] = l[t] }
                        break
                    }
                    guard step < 1 else {
                        throw ClusteringError.singularCovariance(component: c, detail: "Cholesky failed after adding \(extra) to the diagonal")
                    }
                    step *= 10
                    extra += step
                    for a in 0..<d { block[a * d + a] = cov[base + a * d + a] + extra }
                }
                if extra > 0 {
                    notes.append("component \(c): singular covariance; diagonal regularisation raised by \(extra)")
                    for a in 0..<d { cov[base + a * d + a] += extra }
                }
            }
            return out
        }
    }

    /// Lower Cholesky factor of a symmetric positive-definite d × d matrix, or nil.
    static func cholesky(_ a: [Double], _ d: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: d * d)
        for j in 0..<d {
            var s = a[j * d + j]
            for t in 0..<j { s -= l[j * d + t] * l[j * d + t] }
            guard s > 0, s.isFinite else { return nil }
            let pivot = s.squareRoot()
            l[j * d + j] = pivot
            for i in (j + 1)..<max(j + 1, d) {
                var v = a[i * d + j]
                for t in 0..<j { v -= l[i * d + t] * l[j * d + t] }
                l[i * d + j] = v / pivot
            }
        }
        return l
    }
}
