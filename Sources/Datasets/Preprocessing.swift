import Linalg

/// Seeded row selection and per-feature scaling.
public enum Preprocessing {
    /// Indices (ascending) of `n` of `total` rows chosen by `method`.
    ///
    /// - `.first`: 0 ..< n.
    /// - `.random`: n distinct rows from `RandomStream(seed:purpose:"datasets.subsample")`, sorted.
    /// - `.stratified`: each class gets round(n · its share) rows (largest remainders, ties to the
    ///   smaller label), drawn at random within the class from stream index = label; requires `labels`.
    /// - Throws: `invalidRequest` if n > total, n < 1, or stratified without labels.
    public static func subsampleIndices(total: Int, n: Int, method: Subsample, labels: [Int]?, seed: UInt64) throws -> [Int] {
        guard n >= 1, n <= total else {
            throw DatasetsError.invalidRequest("n = \(n) but the data set has \(total) rows")
        }
        switch method {
        case .first:
            return Array(0..<n)
        case .random:
            var rng = RandomStream(seed: seed, purpose: "datasets.subsample")
            return rng.sample(n, from: total).sorted()
        case .stratified:
            guard let labels, labels.count == total else {
                throw DatasetsError.invalidRequest("stratified subsampling needs class labels; this data set has none (use subsample: random)")
            }
            var members: [Int: [Int]] = [:]
            for (i, l) in labels.enumerated() { members[l, default: []].append(i) }
            let classes = members.keys.sorted()
            var quota: [Int: Int] = [:]
            var remainders: [(label: Int, rest: Double)] = []
            var assigned = 0
            for c in classes {
                let exact = Double(n) * Double(members[c]!.count) / Double(total)
                let whole = Int(exact.rounded(.down))
                quota[c] = whole
                assigned += whole
                remainders.append((c, exact - Double(whole)))
            }
            remainders.sort { $0.rest != $1.rest ? $0.rest > $1.rest : $0.label < $1.label }
            for r in remainders.prefix(n - assigned) { quota[r.label]! += 1 }
            var chosen: [Int] = []
            chosen.reserveCapacity(n)
            for c in classes {
                let m = members[c]!
                var rng = RandomStream(seed: seed, purpose: "datasets.stratified", index: UInt64(bitPattern: Int64(c)))
                for k in rng.sample(quota[c]!, from: m.count) { chosen.append(m[k]) }
            }
            return chosen.sorted()
        }
    }

    /// Version of `nestedSubsampleIndices`' output; bump it when the rows it keeps change
    /// (recorded in the data fingerprint of tasks with a `fraction`).
    public static let nestedSubsampleImplementationVersion = 1

    /// Indices (ascending) of a nested subsample holding about `fraction` of `total` rows: the
    /// subsamples of one seed at growing fractions are subsets of each other (the UMAP paper's
    /// stability experiment, Figs. 7–8).
    ///
    /// Each class (all rows one class when `labels` is nil) is put in a random order from
    /// `RandomStream(seed:purpose:"datasets.nested-subsample", index: label)`, and the first
    /// round(fraction · class size) rows of that order are kept (half rounds up). The order does
    /// not depend on `fraction` and the count never decreases with it, so a smaller fraction's rows
    /// are a prefix of a larger one's in every class: nested, and stratified when labelled.
    /// `fraction` = 1 keeps every row.
    /// - Throws: `invalidRequest` if `fraction` is not in (0, 1], `labels` has the wrong length, or no row is kept.
    public static func nestedSubsampleIndices(total: Int, fraction: Double, labels: [Int]?, seed: UInt64) throws -> [Int] {
        guard fraction.isFinite, fraction > 0, fraction <= 1 else {
            throw DatasetsError.invalidRequest("a subsample fraction must be in (0, 1], got \(fraction)")
        }
        if let labels, labels.count != total {
            throw DatasetsError.invalidRequest("\(labels.count) labels for \(total) rows")
        }
        var members: [Int: [Int]] = [:]
        for i in 0..<total { members[labels?[i] ?? 0, default: []].append(i) }
        var chosen: [Int] = []
        for c in members.keys.sorted() {
            let m = members[c]!
            var rng = RandomStream(seed: seed, purpose: "datasets.nested-subsample", index: UInt64(bitPattern: Int64(c)))
            let order = rng.permutation(m.count)
            let keep = min(m.count, Int((fraction * Double(m.count)).rounded(.toNearestOrAwayFromZero)))
            for k in order.prefix(keep) { chosen.append(m[k]) }
        }
        guard !chosen.isEmpty else {
            throw DatasetsError.invalidRequest("a subsample fraction of \(fraction) of \(total) rows keeps no row")
        }
        return chosen.sorted()
    }

    /// Applies `scaling` in place, per feature (column). Sums are accumulated in `Double`.
    /// `.unit`: (x − min) / (max − min), constant columns → 0. `.standardize`: (x − mean) / std
    /// with the population standard deviation, zero-variance columns → 0.
    public static func scale(_ m: inout Matrix, _ scaling: Scaling) {
        let n = m.rows, d = m.cols
        guard n > 0, d > 0 else { return }
        switch scaling {
        case .none:
            return
        case .unit:
            var lo = [Float](repeating: .infinity, count: d)
            var hi = [Float](repeating: -.infinity, count: d)
            m.storage.withUnsafeBufferPointer { x in
                for i in 0..<n { for j in 0..<d { let v = x[i * d + j]; lo[j] = min(lo[j], v); hi[j] = max(hi[j], v) } }
            }
            m.storage.withUnsafeMutableBufferPointer { x in
                for i in 0..<n {
                    for j in 0..<d {
                        let range = Double(hi[j]) - Double(lo[j])
                        x[i * d + j] = range > 0 ? Float((Double(x[i * d + j]) - Double(lo[j])) / range) : 0
                    }
                }
            }
        case .standardize:
            let means = m.columnMeans()
            var sq = [Double](repeating: 0, count: d)
            m.storage.withUnsafeBufferPointer { x in
                for i in 0..<n { for j in 0..<d { let c = Double(x[i * d + j]) - means[j]; sq[j] += c * c } }
            }
            let std = sq.map { ($0 / Double(n)).squareRoot() }
            m.storage.withUnsafeMutableBufferPointer { x in
                for i in 0..<n {
                    for j in 0..<d {
                        x[i * d + j] = std[j] > 0 ? Float((Double(x[i * d + j]) - means[j]) / std[j]) : 0
                    }
                }
            }
        }
    }
}
