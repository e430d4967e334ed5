/// A problem in an experiment spec, located in its source file.
///
/// Printed as `file:line:column: message`, the form editors and CI logs link to.
public struct SpecError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Path of the spec file as given by the user.
    public let file: String
    /// 1-based line (0 when unknown).
    public let line: Int
    /// 1-based column (0 when unknown).
    public let column: Int
    /// What is wrong and what is allowed.
    public let message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Errors raised while running experiments (everything that is not a spec error).
public enum LabError: Error, CustomStringConvertible, Sendable {
    /// A file could not be read or written.
    case io(String)
    /// A task failed; carries the task's description and the underlying message.
    case taskFailed(task: String, message: String)
    /// Any other problem with a clear message.
    case invalid(String)

    public var description: String {
        switch self {
        case .io(let message): return message
        case .taskFailed(let task, let message): return "task \(task) failed: \(message)"
        case .invalid(let message): return message
        }
    }
}
