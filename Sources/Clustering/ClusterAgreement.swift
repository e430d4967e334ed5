import Linalg
import Foundation

/// Agreement between two labelings of the same points: adjusted Rand index and
/// adjusted mutual information, with scikit-learn's definitions and special cases.
public enum ClusterAgreement {
    /// Contingency table of two labelings: rows = classes of `a`, columns = classes of `b`.
    struct Contingency {
        var table: [Int]   // r × c, row-major
        var r: Int
        var c: Int
        var rowSums: [Int]
        var colSums: [Int]
        var n: Int
    }

    static func contingency(_ a: [Int], _ b: [Int]) throws -> Contingency {
        guard a.count == b.count else { throw ClusteringError.labelCountMismatch(labels: b.count, points: a.count) }
        let va = Array(Set(a)).sorted(), vb = Array(Set(b)).sorted()
        var ca: [Int: Int] = [:], cb: [Int: Int] = [:]
        for (i, v) in va.enumerated() { ca[v] = i }
        for (i, v) in vb.enumerated() { cb[v] = i }
        var t = [Int](repeating: 0, count: va.count * vb.count)
        var rs = [Int](repeating: 0, count: va.count), cs = [Int](repeating: 0, count: vb.count)
        for i in a.indices {
            let x = ca[a[i]] ?? 0, y = cb[b[i]] ?? 0
            t[x * vb.count + y] += 1; rs[x] += 1; cs[y] += 1
        }
        return Contingency(table: t, r: va.count, c: vb.count, rowSums: rs, colSums: cs, n: a.count)
    }

    /// Adjusted Rand index (Hubert & Arabie), from the pair confusion matrix like
    /// scikit-learn: 1.0 when the two labelings agree on every pair (including the
    /// degenerate all-one-cluster and all-singletons cases).
    public static func adjustedRandIndex(_ truth: [Int], _ predicted: [Int]) throws -> Double {
        let ct = try contingency(truth, predicted)
        let n = Double(ct.n)
        var sumSquares = 0.0
        for v in ct.table { sumSquares += Double(v) * Double(v) }
        var rowSq = 0.0, colSq = 0.0
        for v in ct.rowSums { rowSq += Double(v) * Double(v) }
        for v in ct.colSums { colSq += Double(v) * Double(v) }
        // Pair confusion (ordered pairs), as sklearn.metrics.cluster.pair_confusion_matrix.
        let tp = sumSquares - n
        let fp = colSq - sumSquares   // same predicted cluster, different true class
        let fn = rowSq - sumSquares
        let tn = n * n - fp - fn - sumSquares
        if fn == 0 && fp == 0 { return 1.0 }
        return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
    }

    /// Mutual information (nats) of two labelings.
    public static func mutualInformation(_ a: [Int], _ b: [Int]) throws -> Double {
        mutualInformation(try contingency(a, b))
    }

    static func mutualInformation(_ ct: Contingency) -> Double {
        let n = Double(ct.n)
        var mi = 0.0
        for i in 0..<ct.r {
            for j in 0..<ct.c {
                let nij = Double(ct.table[i * ct.c + j])
                if nij == 0 { continue }
                mi += nij / n * (DeterministicMath.log(nij) + DeterministicMath.log(n) - DeterministicMath.log(Double(ct.rowSums[i])) - DeterministicMath.log(Double(ct.colSums[j])))
            }
        }
        return max(mi, 0)
    }

    static func entropy(_ counts: [Int], _ n: Int) -> Double {
        var h = 0.0
        for c in counts where c > 0 { let p = Double(c) / Double(n); h -= p * DeterministicMath.log(p) }
        return h
    }

    /// Expected mutual information under the hypergeometric model of random labelings
    /// with the same cluster sizes (Vinh, Epps & Bailey 2010), in log space with lgamma.
    static func expectedMutualInformation(_ ct: Contingency) -> Double {
        let n = ct.n
        let nD = Double(n)
        var emi = 0.0
        let lgN = logGamma(nD + 1)
        for a in ct.rowSums {
            for b in ct.colSums {
                let lo = max(1, a + b - n), hi = min(a, b)
                if lo > hi { continue }
                let aD = Double(a), bD = Double(b)
                let ga = logGamma(aD + 1), gb = logGamma(bD + 1)
                let gna = logGamma(nD - aD + 1), gnb = logGamma(nD - bD + 1)
                let constant: Double = ga + gb + gna + gnb - lgN
                for nij in lo...hi {
                    let v = Double(nij)
                    let term: Double = v / nD * (DeterministicMath.log(nD * v) - DeterministicMath.log(aD * bD))
                    let g1 = logGamma(v + 1), g2 = logGamma(aD - v + 1)
                    let g3 = logGamma(bD - v + 1), g4 = logGamma(nD - aD - bD + v + 1)
                    let logP: Double = constant - g1 - g2 - g3 - g4
                    emi += term * DeterministicMath.exp(logP)
                }
            }
        }
        return emi
    }

    @inline(__always) static func logGamma(_ x: Double) -> Double {
        let value: Double = lgamma(x)
        return value
    }

    /// Adjusted mutual information with the arithmetic-mean normalisation
    /// (scikit-learn's default): (MI − E[MI]) / (mean(H(a), H(b)) − E[MI]).
    public static func adjustedMutualInformation(_ truth: [Int], _ predicted: [Int]) throws -> Double {
        let ct = try contingency(truth, predicted)
        if ct.n == 0 || (ct.r == ct.c && (ct.r == 1 || ct.r == 0)) { return 1.0 }
        let mi = mutualInformation(ct)
        let emi = expectedMutualInformation(ct)
        let hA = entropy(ct.rowSums, ct.n), hB = entropy(ct.colSums, ct.n)
        let normaliser = (hA + hB) / 2
        var denominator = normaliser - emi
        let eps = Double.ulpOfOne
        denominator = denominator < 0 ? min(denominator, -eps) : max(denominator, eps)
        return (mi - emi) / denominator
    }
}
