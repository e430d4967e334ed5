import Linalg

/// Operations on fuzzy simplicial sets over the same points: the one home of graph combination,
/// used by supervised UMAP (categorical and continuous targets) and by UMAP on blocks of a table.
///
/// Semantics are umap-learn's (`umap_.py`, `sparse.py`, version 0.5); exp, pow and log2 are
/// `Linalg.DeterministicMath`'s, so results are the same on every CPU:
/// - `intersection(A, B, weight: w)` (general_simplicial_set_intersection): over the union of the
///   two patterns, an absent entry of A counts as a_min = max(min(A)/2, 1e−8), an absent entry of B
///   as b_min = min(max(min(B)/2, 1e−8), 1e−4); the result is a · b^(w/(1−w)) for w < 0.5 and
///   a^((1−w)/w) · b otherwise (w = 0.5: a · b), unless neither value exceeds its floor, when the
///   entry keeps A + B.
/// - `difference(A, B)`: the same on A's pattern with B replaced by its complement 1 − b
///   (umap-learn's `right_complement`, model subtraction).
/// - `union(A, B)` (general_simplicial_set_union): a + b − a·b with both floors max(min/2, 1e−8), over
///   the entries where A + B is not 0.
/// - `resetLocalConnectivity` (reset_local_connectivity): each row scaled to maximum 1, optionally
///   each row raised to the power that makes its sum log2(15) (reset_local_metrics), then the
///   fuzzy union with the transpose.
/// - `metricIntersection` (discrete_metric_simplicial_set_intersection): every entry (i, j) scaled by
///   exp(−scale · d(i, j)); with labels, exp(−far) between different labels and exp(−unknown) when
///   either is unlabelled (−1) (fast_intersection). Both then reset local connectivity.
/// Model algebra (`UMAP * UMAP`, `+`, `−`) is `modelIntersection`, `modelUnion`, `modelDifference`.
///
/// Stored zeros: umap-learn's operands of `*`, `+` and `−` are fitted models, and fitting lays the
/// graph out, which sets every weight below max/n_epochs to an explicit 0 inside the model's own
/// `graph_` (`simplicial_set_embedding` prunes a COO view that shares the data array). So in
/// umap-learn's model algebra a pruned entry counts as present with membership 0, and each side's
/// floor is max(0/2, 1e−8) = 1e−8 whenever anything was pruned. `UMAPGraph.zeroingLayoutCut`
/// makes such a graph here; `intersection`, `difference` and `union` tell a stored 0 from an absent
/// entry exactly as umap-learn does. Without it the floors are min/2 of the smallest membership,
/// which differs between the two operands by orders of magnitude (e.g. 7e−6 and 1e−8 for the
/// airports' position and name graphs) and lets one graph's single-sided edges outweigh the other's.
public enum FuzzySetAlgebra {
    /// The far distance of supervised UMAP for a target weight w: 2.5 / (1 − w), 1e12 at w = 1.
    public static func farDistance(targetWeight w: Double) -> Double { w < 1 ? 2.5 * (1 / (1 - w)) : 1e12 }

    /// Weighted fuzzy intersection (no reset; see the type's documentation).
    public static func intersection(_ left: UMAPGraph, _ right: UMAPGraph, weight: Double = 0.5) -> UMAPGraph {
        let leftMin = max(Double(left.weight.min() ?? 0) / 2, 1e-8)
        let rightMin = min(max(Double(right.weight.min() ?? 0) / 2, 1e-8), 1e-4)
        return left.combinedEntries(with: right) { a, b in
            let l = a.map(Double.init) ?? leftMin, r = b.map(Double.init) ?? rightMin
            guard l > leftMin || r > rightMin else { return (a ?? 0) + (b ?? 0) }
            return Float(mix(l, r, weight: weight))
        }
    }

    /// A with the complement of B intersected in, on A's pattern (no reset).
    public static func difference(_ left: UMAPGraph, _ right: UMAPGraph, weight: Double = 0.5) -> UMAPGraph {
        let leftMin = max(Double(left.weight.min() ?? 0) / 2, 1e-8)
        let complementMin = right.weight.map { 1 - Double($0) }.min() ?? 0
        let rightMin = min(max(complementMin / 2, 1e-8), 1e-4)
        return left.combinedEntries(with: right) { a, b in
            guard let a else { return 0 }  // only A's pattern
            let l = Double(a), r = b.map { 1 - Double($0) } ?? rightMin
            guard l > leftMin || r > rightMin else { return a }
            return Float(mix(l, r, weight: weight))
        }
    }

    /// Fuzzy union a + b − a·b over the union of the patterns (no reset).
    public static func union(_ left: UMAPGraph, _ right: UMAPGraph) -> UMAPGraph {
        let leftMin = max(Double(left.weight.min() ?? 0) / 2, 1e-8)
        let rightMin = max(Double(right.weight.min() ?? 0) / 2, 1e-8)
        return left.combinedEntries(with: right) { a, b in
            // umap-learn's pattern is that of A + B, which has no entry where both are 0 or absent.
            guard (a ?? 0) + (b ?? 0) != 0 else { return 0 }
            let l = a.map(Double.init) ?? leftMin, r = b.map(Double.init) ?? rightMin
            return Float(l + r - l * r)
        }
    }

    /// l · r^(w/(1−w)) for w < 0.5, l^((1−w)/w) · r otherwise.
    static func mix(_ l: Double, _ r: Double, weight w: Double) -> Double {
        w < 0.5 ? l * DeterministicMath.pow(r, w / (1 - w)) : DeterministicMath.pow(l, (1 - w) / w) * r
    }

    /// Rows scaled to maximum 1, optionally re-calibrated (`resetLocalMetric`), then unioned with the transpose.
    public static func resetLocalConnectivity(_ g: UMAPGraph, resetLocalMetric: Bool = false) -> UMAPGraph {
        var h = g
        for i in 0..<g.rows {
            var m: Float = 0
            for e in g.rowStart[i]..<g.rowStart[i + 1] { m = max(m, g.weight[e]) }
            if m > 0 { for e in g.rowStart[i]..<g.rowStart[i + 1] { h.weight[e] = g.weight[e] / m } }
            if resetLocalMetric { reprocessRow(&h.weight[h.rowStart[i]..<h.rowStart[i + 1]]) }
        }
        return h.symmetrized(mixRatio: 1)
    }

    /// umap-learn's reprocess_row: the exponent t with Σ p^t = log2(k) by 32 steps of bisection, then p ← p^t.
    static func reprocessRow(_ row: inout ArraySlice<Float>, k: Double = 15, iterations: Int = 32) {
        let target = DeterministicMath.log2(k)
        var lo = 0.0, hi = Double.infinity, mid = 1.0
        for _ in 0..<iterations {
            var psum = 0.0
            for p in row { psum += DeterministicMath.pow(Double(p), mid) }
            if abs(psum - target) < UMAPFuzzySet.tolerance { break }
            if psum < target {
                hi = mid; mid = (lo + hi) / 2
            } else {
                lo = mid
                mid = hi == .infinity ? mid * 2 : (lo + hi) / 2
            }
        }
        for e in row.indices { row[e] = Float(DeterministicMath.pow(Double(row[e]), mid)) }
    }

    /// Supervised UMAP with class labels: entries between different labels scaled by exp(−far),
    /// entries touching an unlabelled point (−1) by exp(−unknown); zeros dropped; local connectivity reset.
    public static func labelIntersection(_ g: UMAPGraph, labels: [Int], unknownDistance: Double = 1,
                                         farDistance: Double = 5) -> UMAPGraph {
        var h = g
        let unknown = Float(DeterministicMath.exp(-unknownDistance)), far = Float(DeterministicMath.exp(-farDistance))
        for i in 0..<g.rows {
            for e in g.rowStart[i]..<g.rowStart[i + 1] {
                let j = Int(g.column[e])
                if labels[i] == -1 || labels[j] == -1 { h.weight[e] *= unknown }
                else if labels[i] != labels[j] { h.weight[e] *= far }
            }
        }
        return resetLocalConnectivity(h)
    }

    /// Every entry (i, j) scaled by exp(−scale · distance(i, j)); zeros dropped; local connectivity reset.
    public static func metricIntersection(_ g: UMAPGraph, scale: Double, distance: (Int, Int) -> Float) -> UMAPGraph {
        var h = g
        for i in 0..<g.rows {
            for e in g.rowStart[i]..<g.rowStart[i + 1] {
                h.weight[e] = Float(Double(g.weight[e]) * DeterministicMath.exp(-(scale * Double(distance(i, Int(g.column[e]))))))
            }
        }
        return resetLocalConnectivity(h)
    }

    /// umap-learn's `model_a * model_b`: intersection (weight 0.5), then reset with re-calibrated rows.
    public static func modelIntersection(_ a: UMAPGraph, _ b: UMAPGraph) -> UMAPGraph {
        resetLocalConnectivity(intersection(a, b, weight: 0.5), resetLocalMetric: true)
    }

    /// umap-learn's `model_a + model_b`: union, then reset with re-calibrated rows.
    public static func modelUnion(_ a: UMAPGraph, _ b: UMAPGraph) -> UMAPGraph {
        resetLocalConnectivity(union(a, b), resetLocalMetric: true)
    }

    /// umap-learn's `model_a - model_b`: intersection with B's complement, then reset (rows not re-calibrated).
    public static func modelDifference(_ a: UMAPGraph, _ b: UMAPGraph) -> UMAPGraph {
        resetLocalConnectivity(difference(a, b), resetLocalMetric: false)
    }
}
