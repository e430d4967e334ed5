import ArgumentParser
import Datasets
import Foundation
import Linalg

/// `mbench datasets list | fetch NAME | verify NAME | info NAME`.
struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "List, download, verify and inspect data sets.",
        discussion: """
            Registry files are looked for in the cache (MBENCH_CACHE, default ./Datasets/cache), then in \
            MBENCH_MIRROR (a directory or http(s) URL laid out as <mirror>/<set>/<file>.gz), then in system \
            copies (/usr/share/datasets/<set>), then on the public servers.
            """,
        subcommands: [List.self, Fetch.self, Verify.self, Info.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registry sets and synthetic generators.")
        func run() throws {
            let fetcher = DatasetFetcher.fromEnvironment()
            print("Registry sets (cache: \(fetcher.cacheDirectory.path)):")
            for entry in DatasetRegistry.standard.entries {
                let cached = entry.files.allSatisfy { fetcher.isCached(entry, $0) }
                print("  \(entry.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(cached ? "[cached] " : "")\(entry.description)")
            }
            print("Synthetic generators (options; all also take noise, ambient_dimension):")
            for (name, options) in SyntheticManifolds.generatorOptions {
                print("  \(name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(options.joined(separator: ", "))")
            }
            print("Generators for millions of points (row i a pure function of seed and i; options with defaults):")
            for declaration in IndexedGenerators.declarations {
                print("  \(declaration.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(declaration.description)")
                for option in declaration.options {
                    print("      \(option.name) = \(option.isInteger ? String(Int(option.defaultValue)) : String(option.defaultValue)): \(option.help)")
                }
            }
            print("Files: name 'file' with path (.csv, .npy, IDX raw or .gz), optional labelsPath / labelColumn.")
        }
    }

    static func entry(_ name: String) throws -> DatasetRegistry.Entry {
        guard let entry = DatasetRegistry.standard.entry(named: name) else {
            throw ValidationError("unknown registry set '\(name)'; known: \(DatasetLoader.registryNames.joined(separator: ", "))")
        }
        return entry
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download (or copy from a mirror) and cache a registry set.")
        @Argument(help: "Registry name, e.g. mnist or fashion-mnist.") var name: String
        func run() throws {
            let entry = try DatasetsCommand.entry(name)
            let fetcher = DatasetFetcher.fromEnvironment()
            for file in entry.files {
                let (url, source) = try fetcher.fetch(entry, file)
                print("\(file.name): \(url.path) (from \(source))")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fetch if needed and re-hash every file of a registry set.")
        @Argument(help: "Registry name.") var name: String
        func run() throws {
            let entry = try DatasetsCommand.entry(name)
            let fetcher = DatasetFetcher.fromEnvironment()
            for file in entry.files {
                let (hash, source) = try fetcher.verify(entry, file)
                print("OK \(file.name) sha256 \(hash) (\(source))")
            }
            print("\(entry.name): all \(entry.files.count) files verified")
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a data set and print its shape, labels, checksum and load time.")
        @Argument(help: "Registry name or generator name.") var name: String
        @Option(help: "Number of points (default: all for registry sets, 1000 for generators).") var n: Int?
        @Option(help: "Split: all, train or test.") var split: String?
        @Option(help: "Seed for generators and subsampling.") var seed: UInt64 = 0
        @Option(help: "Subsampling: random, stratified or first.") var subsample: String = "random"
        @Option(name: .customLong("option"), help: "Generator option as key=value (repeatable), e.g. dimension=50.") var options: [String] = []
        @Option(help: "Also write the points to this .npy file (float32) and the labels beside it (<stem>.labels.npy).") var save: String?
        func validate() throws {
            if let n, n < 1 { throw ValidationError("--n must be at least 1, got \(n)") }
        }

        func run() throws {
            guard let method = Subsample(rawValue: subsample) else { throw ValidationError("subsample must be random, stratified or first") }
            var values: [String: Double] = [:]
            for option in options {
                let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let value = Double(parts[1]), value.isFinite else {
                    throw ValidationError("--option must be key=number, got '\(option)'")
                }
                values[parts[0]] = value
            }
            let request = DatasetRequest(name: name, n: n, split: split, subsample: method, options: values)
            let start = Clock.wallSeconds()
            let d = try DatasetLoader.load(request, seed: seed)
            let seconds = Clock.wallSeconds() - start
            print("\(d.name): \(d.data.rows) × \(d.data.cols)" + (d.imageShape.map { " (images \($0.map(String.init).joined(separator: "×")))" } ?? ""))
            if let labels = d.labels {
                var counts: [Int: Int] = [:]
                for l in labels { counts[l, default: 0] += 1 }
                print("labels: " + counts.keys.sorted().map { "\($0):\(counts[$0]!)" }.joined(separator: " "))
            }
            var lo = Float.infinity, hi = -Float.infinity
            d.data.storage.withUnsafeBufferPointer { for v in $0 { lo = min(lo, v); hi = max(hi, v) } }
            print(String(format: "values in [%g, %g]", lo, hi))
            print("checksum: \(d.checksum)")
            print(String(format: "load time: %.3f s", seconds))
            if let save {
                let url = URL(fileURLWithPath: save)
                try NPY.write(d.data, to: url)
                if let labels = d.labels {
                    let stem = url.pathExtension == "npy" ? url.deletingPathExtension() : url
                    try NPY.write(labels: labels, to: URL(fileURLWithPath: stem.path + ".labels.npy"))
                }
                print("saved: \(url.path)")
            }
        }
    }
}
