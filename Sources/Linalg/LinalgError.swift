/// Errors raised by `Linalg`. Each case says what was wrong in words a user can act on.
public enum LinalgError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Two shapes that had to agree did not.
    case shapeMismatch(String)
    /// A LAPACK routine reported failure (`info` is its return code).
    case lapackFailure(routine: String, info: Int32)
    /// An argument was outside its allowed range.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message): return "shape mismatch: \(message)"
        case .lapackFailure(let routine, let info): return "LAPACK \(routine) failed (info = \(info))"
        case .invalidArgument(let message): return "invalid argument: \(message)"
        }
    }
}
