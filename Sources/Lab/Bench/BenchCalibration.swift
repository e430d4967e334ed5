import Foundation
import Linalg

/// The fixed calibration kernel of `mbench bench`.
///
/// Two pieces of work that do not depend on the project's code: a 512³
/// single-precision matrix product through OpenBLAS (pinned to one thread; it
/// measures vector throughput and cache bandwidth) and a dependent chain of
/// integer multiply-xor-shift steps (it measures scalar single-core speed).
/// Each is timed several times; the median of each is taken and their sum is
/// one *calibrated unit*.
public enum CalibrationKernel {
    /// Matrix size of the sgemm kernel.
    public static let sgemmSize = 512
    /// Iterations of the scalar loop (about 10–20 ms on a current core).
    public static let scalarIterations = 10_000_000

    /// Wall and CPU seconds of one sgemm of `size`³ (single-threaded).
    public static func sgemmSeconds(size: Int = sgemmSize) -> (wall: Double, cpu: Double) {
        var a = [Float](repeating: 0, count: size * size)
        var b = a
        var c = a
        var rng = RandomStream(seed: 0, purpose: "bench.calibration")
        for i in 0..<a.count { a[i] = rng.nextFloat() - 0.5; b[i] = rng.nextFloat() - 0.5 }
        let start = Clock.wallSeconds(), cpu = Clock.processCPUSeconds()
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(m: size, n: size, k: size, a: pa.baseAddress!, lda: size,
                               b: pb.baseAddress!, ldb: size, transposeB: false, c: pc.baseAddress!, ldc: size)
                }
            }
        }
        return (Clock.wallSeconds() - start, Clock.processCPUSeconds() - cpu)
    }

    /// A dependent chain of `iterations` multiply-xor-shift steps; returns wall and CPU seconds and the final value.
    @inline(never)
    public static func scalarLoop(iterations: Int = scalarIterations) -> (wall: Double, cpu: Double, value: UInt64) {
        let start = Clock.wallSeconds(), cpu = Clock.processCPUSeconds()
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<UInt64(iterations) {
            x = (x &* 0xBF58_476D_1CE4_E5B9) ^ (x >> 31) ^ i
        }
        return (Clock.wallSeconds() - start, Clock.processCPUSeconds() - cpu, x)
    }

    /// Samples of both kernels.
    public struct Samples: Sendable {
        public var sgemmWall: [Double] = [], sgemmCPU: [Double] = []
        public var scalarWall: [Double] = [], scalarCPU: [Double] = []
        public var checksum: UInt64 = 0
        public var iterations = 0

        /// Wall-clock unit: sum of the kernels' median wall times.
        var wallUnit: Double { CalibrationKernel.unit(sgemm: sgemmWall, scalar: scalarWall) }
        /// CPU unit: sum of the kernels' median CPU times.
        var cpuUnit: Double { CalibrationKernel.unit(sgemm: sgemmCPU, scalar: scalarCPU) }
    }

    /// Runs each kernel `runs` times (the scalar loop with `iterations` steps).
    public static func measure(runs: Int, iterations: Int = scalarIterations) -> Samples {
        var samples = Samples()
        samples.iterations = iterations
        _ = sgemmSeconds()  // first call pays for OpenBLAS set-up and page faults
        for _ in 0..<max(1, runs) {
            let gemm = sgemmSeconds()
            samples.sgemmWall.append(gemm.wall)
            samples.sgemmCPU.append(gemm.cpu)
            let loop = scalarLoop(iterations: iterations)
            samples.scalarWall.append(loop.wall)
            samples.scalarCPU.append(loop.cpu)
            samples.checksum = loop.value
        }
        return samples
    }

    /// One unit in seconds from sgemm and scalar samples: the sum of their medians.
    public static func unit(sgemm: [Double], scalar: [Double]) -> Double {
        Statistics.median(sorted: sgemm.sorted()) + Statistics.median(sorted: scalar.sorted())
    }

    /// Combines measurements taken before and after the tasks.
    static func calibration(before: Samples, after: Samples) -> BenchCalibration {
        var all = before
        all.sgemmWall += after.sgemmWall
        all.sgemmCPU += after.sgemmCPU
        all.scalarWall += after.scalarWall
        all.scalarCPU += after.scalarCPU
        return BenchCalibration(
            sgemmSize: sgemmSize, scalarIterations: before.iterations,
            sgemmSeconds: BenchStatistic(all.sgemmWall), scalarSeconds: BenchStatistic(all.scalarWall),
            sgemmCPUSeconds: BenchStatistic(all.sgemmCPU), scalarCPUSeconds: BenchStatistic(all.scalarCPU),
            unitBeforeSeconds: before.wallUnit, unitAfterSeconds: after.wallUnit,
            unitSeconds: all.wallUnit, unitCPUSeconds: all.cpuUnit, checksum: after.checksum)
    }
}
