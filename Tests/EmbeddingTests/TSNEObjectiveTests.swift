import XCTest
import Linalg
@testable import Embedding

/// The attractive forces against the formula evaluated one row at a time, to the bit.
final class TSNEObjectiveTests: XCTestCase {
    /// Random sparse P: 45 rows of 0 to 23 entries, with an empty row among them.
    private func affinities(n: Int, seed: UInt64) -> TSNEAffinities {
        var rng = RandomStream(seed: seed, purpose: "attractive-test")
        var rowStart = [0], columns: [Int32] = [], values: [Double] = []
        for i in 0 ..< n {
            let count = i == 17 ? 0 : rng.nextInt(below: 24)
            for _ in 0 ..< count {
                columns.append(Int32(rng.nextInt(below: n)))
                values.append(rng.nextDouble() / Double(n))
            }
            rowStart.append(columns.count)
        }
        return TSNEAffinities(n: n, rowStart: rowStart, columns: columns, values: values,
                              sigmas: [Double](repeating: 1, count: n))
    }

    /// The documented sums, one row at a time in entry order.
    private func byTheFormula(_ p: TSNEAffinities, y: [Double], c: Int, kernel: TSNEKernel) -> ([Double], Double) {
        var out = [Double](repeating: 0, count: p.n * c)
        var logSum = 0.0
        for i in 0 ..< p.n {
            var f = [Double](repeating: 0, count: c)
            for e in p.rowStart[i] ..< p.rowStart[i + 1] {
                let j = Int(p.columns[e])
                var diff = [Double](repeating: 0, count: c)
                var d2 = 0.0
                for d in 0 ..< c {
                    diff[d] = y[i * c + d] - y[j * c + d]
                    d2 = d == 0 ? diff[d] * diff[d] : d2 + diff[d] * diff[d]
                }
                let u = 1 / (1 + d2 * kernel.invDof)
                let pu = p.values[e] * u
                for d in 0 ..< c { f[d] = f[d] + pu * diff[d] }
                logSum += p.values[e] * DeterministicMath.log(kernel.w(fromU: u))
            }
            for d in 0 ..< c { out[i * c + d] = f[d] }
        }
        return (out, logSum)
    }

    func testAttractiveForcesEqualTheFormulaForAnyThreadCount() {
        let n = 45
        let p = affinities(n: n, seed: 7)
        for c in 1 ... 3 {
            for dof in [1.0, 0.6] {
                let kernel = TSNEKernel(dof: dof)
                var rng = RandomStream(seed: UInt64(c), purpose: "attractive-layout")
                let y = (0 ..< n * c).map { _ in 10 * rng.nextGaussian() }
                let (expected, expectedLog) = byTheFormula(p, y: y, c: c, kernel: kernel)
                do {
                    for threads in [1, 2] {
                        var out = [Double](repeating: .nan, count: n * c)
                        let logSum = Parallel.withThreadCount(threads) {
                            y.withUnsafeBufferPointer { yb in
                                out.withUnsafeMutableBufferPointer { ob in
                                    TSNEObjective.attractive(p: p, y: yb.baseAddress!, reference: yb.baseAddress!, c: c,
                                                             kernel: kernel, evaluateKL: true, out: ob.baseAddress!)
                                }
                            }
                        }
                        let what = "c = \(c), dof = \(dof), \(threads) threads"
                        XCTAssertEqual(out.map(\.bitPattern), expected.map(\.bitPattern), what)
                        XCTAssertEqual(logSum, expectedLog, accuracy: 1e-12 * max(1, abs(expectedLog)), what)
                        XCTAssertEqual(out[17 * c], 0, "an empty row has no attraction")
                    }
                }
            }
        }
    }
}
