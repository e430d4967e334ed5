import CBLAS
import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// The numeric code paths this process computes with, and the rule that makes them the same
/// on every x86-64 CPU.
///
/// **Determinism contract (enforced here and in `DeterministicMath`).** A spec and a seed give
/// the same bytes on every x86-64 CPU that runs the same build (same Swift toolchain, same
/// OpenBLAS and glibc packages), for any thread count. These would otherwise
/// choose their arithmetic by CPU:
///
/// - **Single-precision matrix products** (kNN and NN-descent distances, random projections,
///   PCA's covariance and projection, t-SNE's and UMAP's PCA initialisation) run on the project's
///   own kernel (`CKernels/gemm.c`, wrapped by `BLAS.sgemm`/`gemm`/`gram`): each element of C is
///   summed over k in index order with no fused multiply-add, and SIMD lanes hold different
///   elements, so its SSE2, AVX2 and AVX-512 variants (chosen by CPU, for speed only) give the
///   same bits. OpenBLAS pinned to an SSE3 core type cost 3× on PCA and 1.6× on UMAP of MNIST.
/// - **OpenBLAS / LAPACK** (the rest: `dgemv` in UMAP's Lanczos solver, `dsyevr`, the randomized
///   PCA's `dgemm`/`dgeqrf`/`dorgqr`) pick kernels (SSE, AVX, AVX2+FMA, AVX-512) by CPU when the
///   library loads, before `main`. Every `mbench` process therefore runs OpenBLAS with one core
///   type, `pinnedBLASCoreType` ("Prescott": SSE3 kernels, which every x86-64 CPU since 2005
///   runs; "Opteron", the only SSE2-only set, executes AMD's 3DNow! `prefetchw` and dies with
///   SIGILL on Intel CPUs). `pinProcess` re-executes `mbench` once with `OPENBLAS_CORETYPE` set;
///   the variable stays in the environment, so every child process inherits it. Test runs and CI
///   export it. Prescott's block size along k (GEMM_Q) is a compile-time constant; only the
///   M-block size (GEMM_P) follows the detected L2 cache, and M-blocking does not change the
///   order in which any output element is summed. LAPACK (reference Fortran, compiled for the
///   baseline target) reaches the CPU only through these BLAS kernels.
/// - **FFT** (t-SNE's FFT gradient): the project's own (`FFTPlan`, `SquareGridFFT`), planned in
///   Swift with a fixed factorisation and summation order, butterflies in C (`CKernels/fft.c`)
///   whose lanes are independent sequences, so its SSE2/AVX2/AVX-512 variants give the same bits. FFTW, used before, picks SIMD codelets
///   by CPU, and its scalar-only plans cost 1.4–2.2× in t-SNE's transforms.
/// - **libm** (`exp`, `log`, `pow`, `sin`, `cos`, … and their `Float` versions) has FMA/AVX2
///   variants in glibc chosen by CPU. Result-determining code calls `DeterministicMath` instead.
///
/// The Swift code itself is compiled for the baseline x86-64 target (no `-march`, no FMA
/// contraction, SIMD types of fixed width), so it computes the same bits on every x86-64 CPU.
/// Across architectures (arm64) the Swift code and `DeterministicMath` still give the same
/// bits, but BLAS and LAPACK kernels differ; see the README's reproducibility section.
///
/// `current` reports what this process actually uses; it goes into every result record.
public struct NumericEnvironment: Codable, Sendable, Equatable {
    /// OpenBLAS core type the kernels were chosen for (`openblas_get_corename`).
    public var blasCoreType: String
    /// OpenBLAS build configuration (`openblas_get_config`).
    public var blasConfig: String
    /// Instruction set of the project's SGEMM kernels on this CPU (speed only; same bits on all).
    public var gemmKernels: String
    /// The FFT implementation (the project's own).
    public var fftPath: String
    /// Where the elementary functions come from.
    public var libm: String
    /// True when all three paths above are the CPU-independent ones, so the run's bytes are
    /// the same on every x86-64 CPU.
    public var crossCPUBitIdentical: Bool

    /// One line for `mbench --version` and logs.
    public var summary: String {
        "SGEMM: own kernels (\(gemmKernels) variant); BLAS/LAPACK: \(blasCoreType) kernels (\(blasConfig)); FFT: \(fftPath); libm: \(libm); "
            + (crossCPUBitIdentical ? "bit-identical across x86-64 CPUs"
                                    : "NOT bit-identical across CPUs (BLAS kernels chosen by this CPU)")
    }

    /// The OpenBLAS core type every process computes with.
    public static let pinnedBLASCoreType = "Prescott"

    /// Environment variable that turns the pin off (`MBENCH_BLAS_PIN=off`): faster BLAS kernels
    /// chosen by the CPU, recorded as not bit-identical across CPUs.
    public static let pinOptOutVariable = "MBENCH_BLAS_PIN"

    /// Set for the re-executed image only, so a library that ignores `OPENBLAS_CORETYPE`
    /// cannot cause an exec loop.
    static let reexecGuardVariable = "MBENCH_BLAS_PIN_REEXEC"

    /// The FFT every result uses (t-SNE's FFT gradient): the project's own, so no library picks
    /// codelets by CPU.
    public static let fftPath = "own (Linalg.FFTPlan: Stockham radix 4/2/odd, CKernels butterflies, one sequence per SIMD lane)"

    /// What this process uses (computed once).
    public static let current: NumericEnvironment = {
        let core = String(cString: openblas_get_corename())
        let config = String(cString: openblas_get_config()).trimmingCharacters(in: " ")
        let pinned = core.lowercased() == pinnedBLASCoreType.lowercased()
        return NumericEnvironment(blasCoreType: core, blasConfig: config, gemmKernels: BLAS.kernelInstructionSet,
                                  fftPath: fftPath,
                                  libm: "Linalg.DeterministicMath (exp, log, pow, sin, cos, asin, acos in Swift)",
                                  crossCPUBitIdentical: pinned)
    }()

    /// Makes this process compute with the pinned OpenBLAS core type. OpenBLAS reads
    /// `OPENBLAS_CORETYPE` when it loads, before `main`, so when the loaded kernels are not the
    /// pinned ones this sets the variable and re-executes the program once (same arguments,
    /// same environment otherwise). Call it first thing in `main`, before any thread starts.
    ///
    /// Returns a warning to print when the pin could not be applied (the run continues and its
    /// records say it is not bit-identical across CPUs), or nil.
    /// - Throws: `LinalgError.invalidArgument` when the CPU cannot run the pinned kernels (no SSE3).
    public static func pinProcess(arguments: [String]) throws -> String? {
        let optOut = getenv(pinOptOutVariable).map { String(cString: $0).lowercased() }
        if optOut == "off" || optOut == "0" || optOut == "native" {
            return "\(pinOptOutVariable)=\(optOut!): BLAS kernels chosen by this CPU; results are not bit-identical across CPUs"
        }
        let reexeced = getenv(reexecGuardVariable) != nil
        unsetenv(reexecGuardVariable)  // children start clean; they inherit OPENBLAS_CORETYPE
        let loaded = String(cString: openblas_get_corename())
        if loaded.lowercased() == pinnedBLASCoreType.lowercased() { return nil }
        guard cpuHasSSE3() else {
            throw LinalgError.invalidArgument(
                "this CPU lacks SSE3, which OpenBLAS's pinned \(pinnedBLASCoreType) kernels need; "
                    + "set \(pinOptOutVariable)=off to run with kernels chosen by this CPU "
                    + "(results then differ from other CPUs in the last bits)")
        }
        if reexeced {
            return "OpenBLAS ignored OPENBLAS_CORETYPE=\(pinnedBLASCoreType) (it loaded \(loaded) kernels): "
                + "results are not bit-identical across CPUs"
        }
        setenv("OPENBLAS_CORETYPE", pinnedBLASCoreType, 1)
        setenv(reexecGuardVariable, "1", 1)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // execv returns only on failure: carry on unpinned, and say so.
        unsetenv(reexecGuardVariable)
        return "could not re-execute with OPENBLAS_CORETYPE=\(pinnedBLASCoreType) (errno \(errno)): "
            + "results are not bit-identical across CPUs"
    }

    /// Whether /proc/cpuinfo lists SSE3 ("pni"); true where that cannot be read.
    static func cpuHasSSE3() -> Bool {
        guard let file = fopen("/proc/cpuinfo", "r") else { return true }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            guard let line else { break }
            let text = String(cString: line)
            if text.hasPrefix("flags") { return text.split(separator: " ").contains { $0 == "pni" || $0 == "pni\n" } }
        }
        return true
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
