/// SIMD kernels for dense vectors of `Float`. Sums run in 8 lanes and are
/// combined in a fixed order, so a result depends only on its inputs.
public enum Distance {
    /// Squared Euclidean distance between `a[0..<d]` and `b[0..<d]`.
    @inlinable
    public static func squaredEuclidean(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var k = 0
        while k + 8 <= d {
            let x = UnsafeRawPointer(a + k).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b + k).loadUnaligned(as: SIMD8<Float>.self)
            let diff = x - y
            acc += diff * diff
            k += 8
        }
        var sum = acc.sum()
        while k < d {
            let diff = a[k] - b[k]
            sum += diff * diff
            k += 1
        }
        return sum
    }

    /// Dot product of `a[0..<d]` and `b[0..<d]`.
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var k = 0
        while k + 8 <= d {
            let x = UnsafeRawPointer(a + k).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b + k).loadUnaligned(as: SIMD8<Float>.self)
            acc += x * y
            k += 8
        }
        var sum = acc.sum()
        while k < d {
            sum += a[k] * b[k]
            k += 1
        }
        return sum
    }

    /// Squared Euclidean distance between rows `i` and `j` of `m`.
    @inlinable
    public static func squaredEuclidean(_ m: Matrix, _ i: Int, _ j: Int) -> Float {
        m.storage.withUnsafeBufferPointer { p in
            squaredEuclidean(p.baseAddress! + i * m.cols, p.baseAddress! + j * m.cols, m.cols)
        }
    }
}
