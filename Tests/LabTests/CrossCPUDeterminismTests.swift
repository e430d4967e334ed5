import Datasets
import Foundation
import Linalg
import XCTest

/// Issue 15's check through the built `mbench` binary: the same spec and seed give the same
/// embedding bytes whichever kernels the CPU would select. Each environment below stands for
/// another CPU: an OpenBLAS core type forced with OPENBLAS_CORETYPE (which `mbench` must pin
/// back), the SGEMM kernels' narrower instruction sets (MBENCH_KERNEL_ISA, as on a CPU without
/// AVX-512 or AVX2), glibc's libm without its AVX/AVX2/FMA variants (GLIBC_TUNABLES), and one
/// thread instead of two. `Tools/check_cross_cpu.sh` runs the same check on MNIST.
final class CrossCPUDeterminismTests: XCTestCase {
    static let cpuFlags: String = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("flags") }.map(String.init) ?? ""

    func binary() throws -> URL {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("mbench")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        XCTFail("mbench not found beside \(CommandLine.arguments[0]); build it with the tests (make test)")
        throw XCTSkip("no mbench binary")
    }

    /// Runs `mbench embed` and returns the embedding's bytes.
    func embed(_ mbench: URL, input: URL, algorithm: String, params: [String], extra: [String] = [],
               environment: [String: String], in dir: URL, tag: String) throws -> Data {
        let out = dir.appendingPathComponent("\(tag).npy")
        let process = Process()
        process.executableURL = mbench
        process.arguments = ["embed", "--input", input.path, "--algorithm", algorithm, "--seed", "7", "--out", out.path]
            + params.flatMap { ["--param", $0] } + extra
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            XCTFail("\(tag): mbench exited \(process.terminationStatus): \(String(decoding: message, as: UTF8.self))")
            return Data()
        }
        return try Data(contentsOf: out)
    }

    /// Gaussian clusters in `d` dimensions (40 is enough for the BLAS-tiled distance paths).
    func writeData(n: Int, d: Int = 40, to url: URL) throws {
        var rng = RandomStream(seed: 99, purpose: "test.cross-cpu")
        var values = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            let c = i % 6
            for j in 0..<d { values[i * d + j] = Float(rng.nextGaussian()) + (j % 6 == c ? 6 : 0) }
        }
        try NPY.write(try Matrix(rows: n, cols: d, storage: values), to: url)
    }

    var environments: [(String, [String: String], [String])] {
        var list: [(String, [String: String], [String])] = [
            ("reference", ["OPENBLAS_CORETYPE": "Prescott"], ["--threads", "2"]),
            ("unset", ["OPENBLAS_CORETYPE": ""], ["--threads", "2"]),
            ("Core2", ["OPENBLAS_CORETYPE": "Core2"], ["--threads", "2"]),
            ("sse2-kernels", ["MBENCH_KERNEL_ISA": "sse2"], ["--threads", "2"]),
            ("libm-without-avx-fma", ["GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-AVX"], ["--threads", "2"]),
            ("one-thread", [:], ["--threads", "1"]),
        ]
        if Self.cpuFlags.contains(" avx2 ") {
            list.append(("Haswell", ["OPENBLAS_CORETYPE": "Haswell"], ["--threads", "2"]))
            list.append(("avx2-kernels", ["MBENCH_KERNEL_ISA": "avx2"], ["--threads", "2"]))
        }
        if Self.cpuFlags.contains(" avx512f ") { list.append(("SkylakeX", ["OPENBLAS_CORETYPE": "SkylakeX"], ["--threads", "2"])) }
        if Self.cpuFlags.contains(" avx ") { list.append(("Sandybridge", ["OPENBLAS_CORETYPE": "Sandybridge"], ["--threads", "2"])) }
        return list
    }

    func testEmbeddingBytesDoNotDependOnCPUKernels() throws {
        let mbench = try binary()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-cross-cpu-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let small = dir.appendingPathComponent("x1500.npy")
        try writeData(n: 1500, to: small)
        let short = ["early_exaggeration_iter=100", "n_iter=150"]
        let cases: [(String, String, [String])] = [
            ("pca", "pca", ["n_components=2"]),
            ("tsne-bh-exact-knn", "tsne", ["negative_gradient_method=bh"] + short),
            ("tsne-fft-nndescent", "tsne", ["negative_gradient_method=fft", "nn_method=nndescent"] + short),
            ("tsne-exact32", "tsne", ["negative_gradient_method=exact32"] + short),
            ("umap-exact-knn", "umap", ["n_epochs=100"]),
            ("umap-nndescent", "umap", ["n_epochs=100", "nn_method=nndescent"]),
        ]
        for (name, algorithm, params) in cases {
            var reference: Data?
            for (label, env, extra) in environments {
                let bytes = try embed(mbench, input: small, algorithm: algorithm, params: params, extra: extra,
                                      environment: env, in: dir, tag: "\(name)-\(label)")
                XCTAssertGreaterThan(bytes.count, 1500 * 2 * 4, "\(name) under \(label)")
                if let reference {
                    XCTAssertTrue(bytes == reference, "\(name): bytes under \(label) differ from the reference run")
                } else {
                    reference = bytes
                }
            }
        }
    }

    /// The comparison above can fail: OpenBLAS's own kernels, unpinned, give t-SNE's PCA
    /// initialisation (LAPACK dsyevr on a 300 × 300 covariance) different last bits for two core
    /// types, and t-SNE amplifies them into different bytes.
    func testUnpinnedKernelsAreDetectedAsDifferent() throws {
        guard Self.cpuFlags.contains(" avx2 ") else { throw XCTSkip("needs a CPU with AVX2 for a second core type") }
        let mbench = try binary()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-unpinned-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("x.npy")
        try writeData(n: 2000, d: 300, to: input)
        var outputs: [Data] = []
        for core in ["Prescott", "Haswell"] {
            outputs.append(try embed(mbench, input: input, algorithm: "tsne",
                                     params: ["early_exaggeration_iter=50", "n_iter=50"],
                                     environment: ["MBENCH_BLAS_PIN": "off", "OPENBLAS_CORETYPE": core],
                                     in: dir, tag: "tsne-\(core)"))
        }
        XCTAssertNotEqual(outputs[0], outputs[1], "unpinned Prescott and Haswell kernels gave identical t-SNE bytes")
    }
}
