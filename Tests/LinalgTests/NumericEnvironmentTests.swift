import XCTest
@testable import Linalg
#if canImport(Glibc)
import Glibc
#endif

/// The pinned numeric paths are the ones the process really uses.
final class NumericEnvironmentTests: XCTestCase {
    func testFFTIsTheProjectsOwn() {
        XCTAssertTrue(NumericEnvironment.current.fftPath.hasPrefix("own"), NumericEnvironment.current.fftPath)
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
