import ArgumentParser
import Foundation

/// `mbench`: the ManifoldBench command line.
///
/// Exit codes: 0 success, 1 runtime failure, 2 usage or spec error.
@main
struct MBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mbench",
        abstract: "Reproducible experiments and benchmarks for dimension reduction (PCA, t-SNE, UMAP).",
        version: "0.1.0",
        subcommands: [
            // Each subcommand lives in its own file: <Name>Command.swift.
            TSNEBenchCommand.self,
        ]
    )
}
