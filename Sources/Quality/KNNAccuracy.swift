import Linalg
import Neighbors

/// Accuracy of a k-nearest-neighbour classifier of the labels in an embedding.
///
/// Votes are uniform; a tie between classes goes to the smallest label (as
/// scikit-learn's `KNeighborsClassifier` does). Neighbours are computed once for
/// the largest k asked for and every smaller k uses their prefix, so a whole
/// kNN-versus-k curve (k up to thousands) costs one neighbour search.
public enum KNNAccuracy {
    /// Leave-one-out accuracy: each point is classified by its k nearest other points.
    /// - Returns: accuracy in [0, 1] per k.
    public static func leaveOneOut(embedding: Matrix, labels: [Int], ks: [Int]) throws -> [Int: Double] {
        let n = embedding.rows
        try check(embedding: embedding, labels: labels, ks: ks, available: n - 1)
        let (codes, classes) = encode(labels)
        let kMax = ks.max() ?? 0
        let neighbors = neighborLists(embedding, k: kMax, fold: nil)
        return accuracies(count: n, neighbors: { neighbors[$0] }, codes: codes, classes: classes, truth: codes, ks: ks)
    }

    /// Accuracy per k of classifying points 0..<count by a vote among `neighbors(i)`
    /// (nearest first, at least max(ks) of them, indexing `codes`) against `truth[i]`.
    static func accuracies(count: Int, neighbors: (Int) -> ArraySlice<Int>, codes: [Int], classes: Int, truth: [Int],
                           ks: [Int]) -> [Int: Double] {
        var correct = [Int](repeating: 0, count: ks.count)
        let sortedKs = ks.enumerated().sorted { $0.element < $1.element }
        let ascending = sortedKs.map(\.element)
        for i in 0..<count {
            let predictions = vote(neighbors(i), codes: codes, classes: classes, sortedKs: ascending)
            for (slot, entry) in sortedKs.enumerated() where predictions[slot] == truth[i] { correct[entry.offset] += 1 }
        }
        var out: [Int: Double] = [:]
        for (a, k) in ks.enumerated() { out[k] = Double(correct[a]) / Double(count) }
        return out
    }

    /// Held-out accuracy: each of the m `heldOut` points (placed into the embedding by
    /// `transform`) is classified by its k nearest `training` points (exact Euclidean search;
    /// ties in distance go to the lower training index).
    /// - Returns: accuracy in [0, 1] per k.
    public static func heldOut(training: Matrix, trainingLabels: [Int], heldOut: Matrix, heldOutLabels: [Int],
                               ks: [Int]) throws -> [Int: Double] {
        let m = heldOut.rows
        try check(embedding: training, labels: trainingLabels, ks: ks, available: training.rows)
        guard heldOutLabels.count == m else { throw QualityError.labelCountMismatch(labels: heldOutLabels.count, points: m) }
        guard heldOut.cols == training.cols else {
            throw QualityError.invalidArgument("held-out points have \(heldOut.cols) coordinates, training points \(training.cols)")
        }
        if let bad = heldOut.firstNonFinite() { throw QualityError.nonFinite(matrix: "held-out embedding", row: bad.row, col: bad.col) }
        guard m > 0 else { throw QualityError.invalidArgument("no held-out points to classify") }
        let (allCodes, classes) = encode(trainingLabels + heldOutLabels)
        let codes = Array(allCodes[..<training.rows]), heldOutCodes = Array(allCodes[training.rows...])
        let kMax = ks.max() ?? 0
        let graph: KNNGraph
        do { graph = try ExactKNN.query(heldOut, reference: training, k: kMax, metric: .euclidean) } catch {
            throw QualityError.invalidArgument("held-out neighbour search: \(error)")
        }
        let neighbors = graph.indices.map(Int.init)
        return accuracies(count: m, neighbors: { neighbors[$0 * kMax ..< ($0 + 1) * kMax] }, codes: codes, classes: classes,
                          truth: heldOutCodes, ks: ks)
    }

    /// Stratified k-fold cross-validated accuracy (the UMAP paper's protocol: 10 folds):
    /// each fold is classified by neighbours from the other folds only. Folds are built per
    /// class from a seeded shuffle (`RandomStream(seed:, purpose: "quality.knn-cv.folds")`),
    /// dealing members round-robin so every fold gets its share of every class.
    /// - Returns: per k, the mean of the per-fold accuracies and its standard error over folds.
    public static func crossValidated(embedding: Matrix, labels: [Int], ks: [Int], folds: Int = 10,
                                      seed: UInt64) throws -> [Int: MetricEstimate] {
        let n = embedding.rows
        guard folds >= 2, folds <= n else {
            throw QualityError.invalidArgument("cross-validation needs 2 ≤ folds ≤ n (folds = \(folds), n = \(n))")
        }
        let fold = stratifiedFolds(labels: labels, folds: folds, seed: seed)
        var foldSize = [Int](repeating: 0, count: folds)
        for f in fold { foldSize[f] += 1 }
        try check(embedding: embedding, labels: labels, ks: ks, available: n - (foldSize.max() ?? 0))
        let (codes, classes) = encode(labels)
        let kMax = ks.max() ?? 0
        let neighbors = neighborLists(embedding, k: kMax, fold: fold)
        var correct = [[Int]](repeating: [Int](repeating: 0, count: folds), count: ks.count)
        let sortedKs = ks.enumerated().sorted { $0.element < $1.element }
        let ascending = sortedKs.map(\.element)
        for i in 0..<n {
            let predictions = vote(neighbors[i], codes: codes, classes: classes, sortedKs: ascending)
            for (slot, entry) in sortedKs.enumerated() where predictions[slot] == codes[i] {
                correct[entry.offset][fold[i]] += 1
            }
        }
        var out: [Int: MetricEstimate] = [:]
        for (a, k) in ks.enumerated() {
            let accuracies = (0..<folds).map { Double(correct[a][$0]) / Double(max(foldSize[$0], 1)) }
            let (mean, se) = Statistics.meanAndStandardError(accuracies, population: Int.max)
            out[k] = MetricEstimate(value: mean, standardError: se, queries: n, points: n)
        }
        return out
    }

    /// Fold number of every point (stratified, seeded).
    public static func stratifiedFolds(labels: [Int], folds: Int, seed: UInt64) -> [Int] {
        var rng = RandomStream(seed: seed, purpose: "quality.knn-cv.folds")
        var members: [Int: [Int]] = [:]
        for (i, l) in labels.enumerated() { members[l, default: []].append(i) }
        var fold = [Int](repeating: 0, count: labels.count)
        var dealt = 0
        for label in members.keys.sorted() {
            let list = members[label] ?? []
            let order = rng.permutation(list.count)
            for p in order { fold[list[p]] = dealt % folds; dealt += 1 }
        }
        return fold
    }

    static func check(embedding: Matrix, labels: [Int], ks: [Int], available: Int) throws {
        let n = embedding.rows
        guard labels.count == n else { throw QualityError.labelCountMismatch(labels: labels.count, points: n) }
        if let bad = embedding.firstNonFinite() {
            throw QualityError.nonFinite(matrix: "embedding", row: bad.row, col: bad.col)
        }
        guard !ks.isEmpty else { throw QualityError.invalidArgument("no neighbourhood size given") }
        for k in ks where k < 1 || k > available {
            throw QualityError.invalidNeighborCount(k: k, n: n, requirement: "kNN accuracy needs 1 ≤ k ≤ \(available) (the points available as neighbours)")
        }
    }

    /// Labels as codes 0..<C (ordered by label value) and the number of classes.
    static func encode(_ labels: [Int]) -> ([Int], Int) {
        let values = Array(Set(labels)).sorted()
        var code: [Int: Int] = [:]
        for (c, v) in values.enumerated() { code[v] = c }
        return (labels.map { code[$0] ?? 0 }, values.count)
    }

    /// Predicted class code for each k in ascending `sortedKs`.
    static func vote(_ neighbors: ArraySlice<Int>, codes: [Int], classes: Int, sortedKs: [Int]) -> [Int] {
        var counts = [Int](repeating: 0, count: classes)
        var out: [Int] = []
        out.reserveCapacity(sortedKs.count)
        var used = 0
        for k in sortedKs {
            while used < k { counts[codes[neighbors[neighbors.startIndex + used]]] += 1; used += 1 }
            var best = 0
            for c in 1..<max(classes, 1) where counts[c] > counts[best] { best = c }
            out.append(best)
        }
        return out
    }

    /// The k nearest other points of every point (restricted to other folds when `fold` is given).
    static func neighborLists(_ embedding: Matrix, k: Int, fold: [Int]?) -> [ArraySlice<Int>] {
        if embedding.cols <= DistanceSpace.directLimit { return sweepNeighborLists(embedding, k: k, fold: fold) }
        let n = embedding.rows
        let space = DistanceSpace(embedding)
        var flat = [Int](repeating: 0, count: n * k)
        embedding.storage.withUnsafeBufferPointer { yb in
        space.norms.withUnsafeBufferPointer { nb in
        flat.withUnsafeMutableBufferPointer { out in
            let py = yb.baseAddress!, o = out.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: NeighborhoodMetrics.queryBlock) { _, range in
                let block = Array(range)
                let rows = RowBlock(space: space, enabled: true, queries: block.count)
                defer { rows.release() }
                rows.fill(py, block[...])
                for (r, i) in range.enumerated() {
                    let row = QueryRow(space: space, x: py, query: i, approx: rows.row(r), norms: nb.baseAddress!)
                    let list: [Int]
                    if let fold {
                        let own = fold[i]
                        list = row.nearest(k, excluding: { fold[$0] == own })
                    } else {
                        list = row.nearest(k)
                    }
                    for (t, j) in list.enumerated() { o[i * k + t] = j }
                }
            }
        }}}
        return (0..<n).map { flat[$0 * k ..< ($0 + 1) * k] }
    }

    /// Exact neighbours for low-dimensional points by a sweep along the first coordinate:
    /// points are visited outwards from the query in first-coordinate order and the
    /// sweep stops once the coordinate gap alone exceeds the current k-th distance.
    /// Same answer as brute force (exact `Double` distances, ties by lower index).
    static func sweepNeighborLists(_ embedding: Matrix, k: Int, fold: [Int]?) -> [ArraySlice<Int>] {
        let n = embedding.rows, d = embedding.cols
        let order = (0..<n).sorted { embedding[$0, 0] < embedding[$1, 0] || (embedding[$0, 0] == embedding[$1, 0] && $0 < $1) }
        var position = [Int](repeating: 0, count: n)
        for (p, i) in order.enumerated() { position[i] = p }
        let firstCoordinate = order.map { Double(embedding[$0, 0]) }
        var flat = [Int](repeating: 0, count: n * k)
        embedding.storage.withUnsafeBufferPointer { yb in
        flat.withUnsafeMutableBufferPointer { out in
            let y = yb.baseAddress!, o = out.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n, targetChunks: 256)) { _, range in
                var heap = BoundedMaxHeap<Double, Int>(capacity: k)
                for i in range {
                    heap.clear()
                    let p = position[i]
                    let xi = firstCoordinate[p]
                    let own = fold?[i]
                    @inline(__always) func offer(_ q: Int) -> Bool {
                        let gap = firstCoordinate[q] - xi
                        if heap.count == k, let top = heap.top, gap * gap > top.value { return false }
                        let j = order[q]
                        if let own, let fold, fold[j] == own { return true }
                        var s = 0.0
                        for t in 0..<d { let v = Double(y[i * d + t]) - Double(y[j * d + t]); s += v * v }
                        heap.push(s, j)
                        return true
                    }
                    var left = p - 1, right = p + 1
                    var leftOpen = left >= 0, rightOpen = right < n
                    while leftOpen || rightOpen {
                        if rightOpen { rightOpen = offer(right); right += 1; if right >= n { rightOpen = false } }
                        if leftOpen { leftOpen = offer(left); left -= 1; if left < 0 { leftOpen = false } }
                    }
                    for (t, j) in heap.sortedIndices().enumerated() { o[i * k + t] = j }
                }
            }
        }}
        return (0..<n).map { flat[$0 * k ..< ($0 + 1) * k] }
    }
}
