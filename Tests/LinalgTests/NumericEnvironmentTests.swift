import XCTest
@testable import Linalg
#if canImport(Glibc)
import Glibc
#endif

/// The pinned numeric paths are the ones the process really uses.
final class NumericEnvironmentTests: XCTestCase {
    func testFFTPlansUseOnlyScalarCodelets() {
        let plans = NumericEnvironment.plannedCodelets()
        XCTAssertEqual(plans.count, 3)
        for plan in plans {
            XCTAssertFalse(plan.isEmpty)
            XCTAssertFalse(NumericEnvironment.isSIMDCodelet(plan), plan)
        }
        XCTAssertTrue(NumericEnvironment.fftPlansAreScalar())
        XCTAssertTrue(NumericEnvironment.current.fftPath.contains("FFTW_NO_SIMD"), NumericEnvironment.current.fftPath)
    }

    /// The SIMD-codelet detector recognises FFTW's names (so the check above can fail).
    func testSIMDCodeletNamesAreRecognised() {
        XCTAssertTrue(NumericEnvironment.isSIMDCodelet("(rdft2-ct-dit/4 (hc2cfdftv_4_avx2 \"hc2cfdftv_4_avx2\")"))
        XCTAssertTrue(NumericEnvironment.isSIMDCodelet("(dft-direct-8 \"n1fv_8_sse2\")"))
        XCTAssertFalse(NumericEnvironment.isSIMDCodelet("(dft-direct-8 \"n1_8\")"))
    }

    func testPlannerFlagsAreEstimateWithoutSIMD() {
        XCTAssertEqual(NumericEnvironment.fftwPlannerFlags & (1 << 6), 1 << 6)    // FFTW_ESTIMATE
        XCTAssertEqual(NumericEnvironment.fftwPlannerFlags & (1 << 17), 1 << 17)  // FFTW_NO_SIMD
        XCTAssertEqual(NumericEnvironment.fftwPlannerFlags & 0b1111, 0)          // no MEASURE/PATIENT/EXHAUSTIVE bits
    }

    /// `make test` and CI export OPENBLAS_CORETYPE=Prescott; then the library must really use it.
    func testPinnedCoreTypeIsReportedWhenExported() throws {
        guard let env = getenv("OPENBLAS_CORETYPE").map({ String(cString: $0) }),
              env == NumericEnvironment.pinnedBLASCoreType else {
            throw XCTSkip("OPENBLAS_CORETYPE is not \(NumericEnvironment.pinnedBLASCoreType) (run through `make test`)")
        }
        let current = NumericEnvironment.current
        XCTAssertEqual(current.blasCoreType.lowercased(), NumericEnvironment.pinnedBLASCoreType.lowercased())
        XCTAssertTrue(current.crossCPUBitIdentical, current.summary)
        XCTAssertTrue(current.summary.contains("bit-identical across x86-64 CPUs"))
    }

    func testSummaryNamesEveryPath() {
        let s = NumericEnvironment.current.summary
        XCTAssertTrue(s.contains("SGEMM: own kernels"))
        XCTAssertTrue(s.contains("BLAS/LAPACK: "))
        XCTAssertTrue(s.contains("FFT: "))
        XCTAssertTrue(s.contains("libm: Linalg.DeterministicMath"))
    }
}
