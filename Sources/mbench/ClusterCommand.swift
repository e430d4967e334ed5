import ArgumentParser
import Clustering
import Foundation
import Linalg

/// `mbench cluster`: Gaussian-mixture model selection on an embedding, or (`--method hdbscan`)
/// one HDBSCAN clustering, printed as JSON.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Sweep Gaussian mixtures over k and covariance types (or run HDBSCAN with --method hdbscan); print the result as JSON.",
        discussion: ModelSelection.methodDescription)

    @Option(help: "Points to cluster, n × c (.npy or IDX .gz).")
    var input: String

    @Option(help: "gmm (model selection over --k and --covariance) or hdbscan (--min-cluster-size, --min-samples, --selection).")
    var method: String = "gmm"

    @Option(name: .customLong("min-cluster-size"), help: "HDBSCAN: smallest cluster (≥ 2).")
    var minClusterSize: Int = 5

    @Option(name: .customLong("min-samples"), help: "HDBSCAN: neighbours for the core distance (default: --min-cluster-size).")
    var minSamples: Int?

    @Option(help: "HDBSCAN cluster selection: eom (excess of mass) or leaf.")
    var selection: String = "eom"

    @Option(help: "Cluster counts: a range \"2...30\" or \"2-30\", or a comma list \"2,4,8\".")
    var k: String = "2...10"

    @Option(help: "Covariance types, comma separated: full,tied,diag,spherical.")
    var covariance: String = "full"

    @Option(help: "Integer class labels, n (.npy or IDX .gz), for ARI / AMI.")
    var labels: String?

    @Option(name: .customLong("n-init"), help: "Initialisations per setting (best lower bound kept).")
    var nInit: Int = 1

    @Option(help: "Seed for the k-means initialisations and the silhouette sample.")
    var seed: UInt64 = 0

    @Option(help: "Use only the first N points.")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        guard (1...1_000).contains(nInit) else { throw ValidationError("--n-init must be in 1...1000, got \(nInit)") }
        guard ["gmm", "hdbscan"].contains(method) else { throw ValidationError("--method must be gmm or hdbscan, got '\(method)'") }
        guard minClusterSize >= 2 else { throw ValidationError("--min-cluster-size must be at least 2, got \(minClusterSize)") }
        if let minSamples, minSamples < 1 { throw ValidationError("--min-samples must be at least 1, got \(minSamples)") }
        guard HDBSCAN.Selection(rawValue: selection) != nil else {
            throw ValidationError("--selection must be eom or leaf, got '\(selection)'")
        }
    }

    /// HDBSCAN's output, with the agreement with the labels when they are given.
    struct HDBSCANOutput: Encodable {
        var result: HDBSCAN.Result
        var ari: Double?
        var seconds: Double
    }

    func run() throws {
        let ks = try ClusterCommand.parseCounts(k)
        do {
            let types = try covariance.split(separator: ",").map { try CovarianceType(parsing: String($0)) }
            var x = try CommandInput.matrix(at: input)
            if let limit, limit < x.rows { x = x.selectingRows(0..<limit) }
            var l: [Int]?
            if let labels {
                var values = try CommandInput.integers(at: labels)
                if let limit, limit < values.count { values = Array(values.prefix(limit)) }
                l = values
            }
            if method == "hdbscan" {
                let start = Date()
                let result = try HDBSCAN.fit(x, options: HDBSCAN.Options(
                    minClusterSize: minClusterSize, minSamples: minSamples, selection: HDBSCAN.Selection(rawValue: selection) ?? .eom))
                let seconds = Date().timeIntervalSince(start)
                let ari = try l.map { try ClusterAgreement.adjustedRandIndex($0, result.labels) }
                try CommandInput.printJSON(HDBSCANOutput(result: result, ari: ari, seconds: seconds))
                return
            }
            let report = try ModelSelection.sweep(data: x, ks: ks, covarianceTypes: types, nInit: nInit, seed: seed, labels: l)
            try CommandInput.printJSON(report)
        } catch let error as ClusteringError {
            throw ValidationError(error.description)
        }
    }

    /// Largest cluster count `--k` accepts.
    static let maximumCount = 100_000

    /// "2...30", "2..<31", "2-30" or "2,4,8"; every count in 1...`maximumCount`.
    static func parseCounts(_ text: String) throws -> [Int] {
        let t = text.replacingOccurrences(of: " ", with: "")
        func int(_ s: Substring) throws -> Int {
            guard let v = Int(s), (1...maximumCount).contains(v) else {
                throw ValidationError("--k needs cluster counts in 1...\(maximumCount), got '\(s)' in \(text)")
            }
            return v
        }
        var values: [Int] = []
        for part in t.split(separator: ",") {
            if let r = part.range(of: "...") {
                let a = try int(part[..<r.lowerBound]), b = try int(part[r.upperBound...])
                guard a <= b else { throw ValidationError("empty range in --k \(text)") }
                values += Array(a...b)
            } else if let r = part.range(of: "..<") {
                let a = try int(part[..<r.lowerBound]), b = try int(part[r.upperBound...])
                guard a < b else { throw ValidationError("empty range in --k \(text)") }
                values += Array(a..<b)
            } else if let r = part.range(of: "-"), r.lowerBound != part.startIndex {
                let a = try int(part[..<r.lowerBound]), b = try int(part[r.upperBound...])
                guard a <= b else { throw ValidationError("empty range in --k \(text)") }
                values += Array(a...b)
            } else {
                values.append(try int(part))
            }
        }
        guard !values.isEmpty, values.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--k needs cluster counts ≥ 1, got \(text)")
        }
        return Array(Set(values)).sorted()
    }
}
