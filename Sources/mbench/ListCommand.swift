import ArgumentParser
import Foundation
import Lab

/// `mbench list`: what specs can name.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List data sets, algorithms (with parameters and defaults), metrics and experiments.")

    @Argument(help: "What to list: datasets, algorithms, metrics, figures, experiments (default: all).")
    var what: [String] = []

    func run() throws {
        let known = ["datasets", "algorithms", "metrics", "figures", "experiments"]
        for item in what where !known.contains(item) {
            throw UsageError(message: "cannot list '\(item)'; choose from \(known.joined(separator: ", "))")
        }
        let show = what.isEmpty ? known : what
        if show.contains("datasets") {
            print("Data sets:")
            for name in Catalog.datasetNames {
                let options = Catalog.generatorOptions(name)
                print("  \(name)" + (options.isEmpty ? "" : "  (options: \(options.joined(separator: ", ")))"))
            }
        }
        if show.contains("algorithms") {
            print("Algorithms:")
            for name in Catalog.algorithmNames {
                print("  \(name)")
                for doc in Catalog.parameterDocs(algorithm: name) ?? [] {
                    print("    \(doc.name) = \(doc.defaultValue): \(doc.help)")
                }
            }
        }
        if show.contains("metrics") {
            print("Metrics:")
            for name in Catalog.metricNames { print("  \(name)") }
        }
        if show.contains("figures") {
            print("Figure kinds (settings, from their declarations):")
            for kind in FigureRecipes.kinds.keys.sorted() {
                print("  \(kind)")
                for setting in FigureRecipes.settings(of: kind) ?? [] {
                    print("    \(setting.name) (\(setting.type.allowed)): \(setting.help)")
                }
            }
        }
        if show.contains("experiments") {
            print("Experiments:")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: "Experiments")) ?? []
            for file in files.sorted() where file.hasSuffix(".yaml") {
                let path = "Experiments/\(file)"
                if let spec = try? SpecParser.parse(path: path) {
                    print("  \(path): \(Plan(spec: spec).tasks.count) tasks — \(spec.description.split(separator: "\n").first ?? "")")
                } else {
                    print("  \(path): invalid (run mbench validate \(path))")
                }
            }
        }
    }
}
