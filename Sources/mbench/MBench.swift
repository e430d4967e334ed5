import ArgumentParser
import Foundation
import Lab
import Linalg

/// `mbench`: the ManifoldBench command line.
///
/// Exit codes: 0 success, 1 runtime failure, 2 usage or spec error; `mbench bench` with
/// `--baseline` also returns 3 for a regression and 4 for an improvement only (see `BenchCommand`).
@main
struct MBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mbench",
        abstract: "Reproducible experiments and benchmarks for dimension reduction (PCA, t-SNE, UMAP).",
        version: Provenance.toolVersion + "\n" + NumericEnvironment.current.summary,
        subcommands: [
            // Each subcommand lives in its own file: <Name>Command.swift.
            RunCommand.self, ValidateCommand.self, ListCommand.self, EmbedCommand.self, FiguresCommand.self,
            DatasetsCommand.self, BenchCommand.self, MergeCommand.self, CompareCommand.self, TSNEBenchCommand.self, UMAPBenchCommand.self, GalleryCommand.self, EvaluateCommand.self, ClusterCommand.self,
            StatusCommand.self, ScaleOutCommand.self, HistoryCommand.self, WorkerCommand.self,
        ]
    )

    /// Runs the command, mapping errors to the documented exit codes.
    static func main() {
        NumericEnvironmentSetup.pin()
        // A worker starts once per task: skip building the command tree for it.
        let arguments = CommandLine.arguments
        if arguments.count == 4, arguments[1] == WorkerCommand.configuration.commandName, arguments[2] == "--ticket" {
            Foundation.exit(Worker.main(ticketPath: arguments[3]))
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as SpecError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(ExitStatus.usage)
        } catch let error as UsageError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            Foundation.exit(ExitStatus.usage)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)  // --help, --version
            }
            if code == .validationFailure || error is CleanExit {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage)
            }
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(ExitStatus.failure)
        }
    }
}

/// The process exit statuses of `mbench`.
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    /// `mbench bench --baseline`: a regression beyond the tolerances (`BenchVerdict.regression`).
    static let regression: Int32 = 3
    /// `mbench bench --baseline`: improvements only (`BenchVerdict.improvement`).
    static let improvementOnly: Int32 = 4
}

/// Options shared by commands that run algorithms.
struct ThreadOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads (results do not depend on it). Default: MBENCH_THREADS or all cores.")
    var threads: Int?

    func apply() throws {
        if let threads {
            guard threads >= 1 else { throw UsageError(message: "--threads must be at least 1, got \(threads)") }
            Lab.setThreadCount(threads)
        }
    }
}
