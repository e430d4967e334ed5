import Linalg

/// Exact O(n²) repulsion: every pair is summed. Ground truth for the approximations.
enum TSNEExactRepulsion {
    static func compute(y: [Double], n: Int, c: Int, kernel: TSNEKernel) -> TSNERepulsion {
        var forces = [Double](repeating: 0, count: n * c)
        let partial: [Double] = y.withUnsafeBufferPointer { yb in
            forces.withUnsafeMutableBufferPointer { fb in
                let py = yb.baseAddress!
                let pf = fb.baseAddress!
                return Parallel.mapChunks(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range -> Double in
                    var zChunk = 0.0
                    for i in range {
                        var f = (0.0, 0.0, 0.0)
                        var zi = 0.0
                        for j in 0..<n where j != i {
                            var d = (0.0, 0.0, 0.0)
                            d.0 = py[i * c] - py[j * c]
                            if c > 1 { d.1 = py[i * c + 1] - py[j * c + 1] }
                            if c > 2 { d.2 = py[i * c + 2] - py[j * c + 2] }
                            let u = kernel.u(d.0 * d.0 + d.1 * d.1 + d.2 * d.2)
                            let w = kernel.w(fromU: u)
                            zi += w
                            let wu = w * u
                            f.0 += wu * d.0; f.1 += wu * d.1; f.2 += wu * d.2
                        }
                        zChunk += zi
                        pf[i * c] = f.0
                        if c > 1 { pf[i * c + 1] = f.1 }
                        if c > 2 { pf[i * c + 2] = f.2 }
                    }
                    return zChunk
                }
            }
        }
        var z = 0.0
        for v in partial { z += v }
        return TSNERepulsion(forces: forces, z: z)
    }
}
