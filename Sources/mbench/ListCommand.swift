import ArgumentParser
import Foundation
import Lab
import Quality

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
                let table = Catalog.tableNames.contains(name) ? "  (table: give blocks)" : ""
                print("  \(name)" + (options.isEmpty ? "" : "  (options: \(options.joined(separator: ", ")))") + table)
            }
            print("Block metrics (a table's blocks: columns with their own metric, combined by intersection / union):")
            for (name, help) in Catalog.blockMetrics { print("  \(name): \(help)") }
            print("  combine: \(Catalog.combineSpellings)")
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
            for name in Catalog.metricNames {
                // The default k of a metric named without it, e.g. "knc@<k>  (default knc@4)".
                let base = name.replacingOccurrences(of: "@<k>", with: "")
                let defaultName = base != name ? (try? QualityMetric(parsing: base))?.name : nil
                print("  \(name)" + (defaultName.map { "  (default \($0))" } ?? ""))
            }
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
