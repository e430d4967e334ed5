import Embedding
import Linalg

/// The one way a fit is timed: wall and CPU seconds from just before to just after it, with
/// CPU time of finished child processes (a reference implementation) included and the
/// algorithm's own diagnostic measurements (`EmbeddingResult.diagnosticWallSeconds` /
/// `diagnosticCPUSeconds`, such as UMAP's sampled kNN recall) left out, so that our fit times
/// compare with reference implementations that do not measure themselves.
public struct FitClock {
    private let wall0: Double
    private let cpu0: Double

    /// Starts the clock.
    public init() {
        wall0 = Clock.wallSeconds()
        cpu0 = Clock.processCPUSeconds() + ExternalProcess.childCPUSeconds()
    }

    /// Wall and CPU seconds of the fit that produced `result`.
    public func stop(_ result: EmbeddingResult) -> (wallSeconds: Double, cpuSeconds: Double) {
        (Clock.wallSeconds() - wall0 - result.diagnosticWallSeconds,
         Clock.processCPUSeconds() + ExternalProcess.childCPUSeconds() - cpu0 - result.diagnosticCPUSeconds)
    }
}
