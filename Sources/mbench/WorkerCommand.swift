import ArgumentParser
import Foundation
import Lab

/// `mbench _worker --ticket FILE`: runs one task for a parent `mbench run` or `mbench bench`
/// (see `Lab.WorkerTicket` for the protocol). Not for direct use, hence hidden from help.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_worker", abstract: "Run one task for a parent mbench process (internal).",
        shouldDisplay: false)

    @Option(help: "The task ticket written by the parent.")
    var ticket: String

    func run() throws {
        let status = Worker.main(ticketPath: ticket)
        if status != 0 { throw ExitCode(status) }
    }
}
