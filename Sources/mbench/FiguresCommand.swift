import ArgumentParser
import Foundation
import Lab

/// `mbench figures SPEC…`: re-render figures from stored results.
struct FiguresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures", abstract: "Re-draw the figures of experiment specs from their stored results (computes nothing).")

    @Argument(help: "Experiment spec files (YAML).")
    var specs: [String]

    @Option(help: "Folder holding results and figures.")
    var output = "Figures"

    func run() throws {
        for path in specs {
            let spec = try SpecParser.parse(path: path)
            let runner = Runner(options: RunOptions(resultsRoot: URL(fileURLWithPath: output)), log: { print($0) })
            for url in try runner.drawFigures(spec) { print("wrote \(url.path)") }
        }
    }
}
