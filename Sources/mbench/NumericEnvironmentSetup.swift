import Foundation
import Linalg

/// Start-up step of every `mbench` process: pins OpenBLAS to the core type of the determinism
/// contract (`NumericEnvironment`), re-executing the process once when needed. Child processes
/// inherit `OPENBLAS_CORETYPE` from the environment this leaves behind.
enum NumericEnvironmentSetup {
    /// Call first in `main`, before any other work or thread. Prints a warning when the run
    /// cannot be bit-identical across CPUs; exits with status 1 when the CPU cannot run the
    /// pinned kernels at all (the message says how to opt out).
    static func pin() {
        do {
            if let warning = try NumericEnvironment.pinProcess(arguments: CommandLine.arguments) {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(ExitStatus.failure)
        }
    }
}
