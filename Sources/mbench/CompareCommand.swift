import ArgumentParser
import Foundation
import Lab

/// `mbench compare`: two result sets (or two variants of one sweep) side by side over seeds.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two result folders, or two variants of one sweep, over seeds (mean ± 95 % CI, significance tests).",
        discussion: """
        mbench compare Figures/exp-before Figures/exp-after
        mbench compare Figures/exp --by n_components=2 --vs n_components=3
        mbench compare Figures/vs-reference --by algorithm=pca --vs algorithm=sklearn-pca
        Records that are the same configuration apart from the seed (and the compared setting) are paired. \
        Timings use the Mann-Whitney U test (exact for small samples without ties), quality metrics and \
        diagnostics Welch's t-test; a difference is reported only when p < --alpha (and, for timings, when \
        the means differ by at least --min-effect), otherwise "no significant difference". \
        The B/A column is the ratio of means.
        """)

    @Argument(help: "One result folder (with --by/--vs) or two (A then B).")
    var folders: [String]

    @Option(help: "Side A: records with PARAM=VALUE (repeatable).")
    var by: [String] = []

    @Option(help: "Side B: records with PARAM=VALUE (repeatable).")
    var vs: [String] = []

    @Option(help: "Significance level.")
    var alpha = 0.05

    @Option(help: "Smallest relative difference of timings that counts (fraction).")
    var minEffect = 0.05

    @Option(help: "Also write the comparison as JSON.")
    var json: String?

    @Flag(help: "Compare even when the two sides were made by different code (implementation fingerprints).")
    var allowDifferentCode = false

    @Flag(help: "Compare even when the data checksums differ.")
    var allowDifferentData = false

    @Flag(help: "Compare even when the CPU model or thread count differ.")
    var allowDifferentMachine = false

    func run() throws {
        guard alpha > 0, alpha < 1 else { throw UsageError(message: "--alpha must be in (0, 1), got \(alpha)") }
        guard minEffect >= 0 else { throw UsageError(message: "--min-effect must be ≥ 0") }
        let comparison: ResultComparison
        if by.isEmpty && vs.isEmpty {
            guard folders.count == 2 else {
                throw UsageError(message: "give two result folders, or one with --by PARAM=VALUE --vs PARAM=VALUE")
            }
            comparison = ResultComparison(
                try ResultComparison.records(at: URL(fileURLWithPath: folders[0])),
                try ResultComparison.records(at: URL(fileURLWithPath: folders[1])),
                labelA: folders[0], labelB: folders[1], alpha: alpha, minimumTimeEffect: minEffect)
        } else {
            guard folders.count == 1, !by.isEmpty, !vs.isEmpty else {
                throw UsageError(message: "--by and --vs go together, with exactly one result folder")
            }
            comparison = ResultComparison(try ResultComparison.records(at: URL(fileURLWithPath: folders[0])),
                                          by: try by.map(CompareSelector.init(parsing:)),
                                          vs: try vs.map(CompareSelector.init(parsing:)),
                                          alpha: alpha, minimumTimeEffect: minEffect)
        }
        guard !comparison.pairs.isEmpty else {
            throw UsageError(message: "no matching configurations to compare"
                             + (comparison.unmatched.isEmpty ? "" : ":\n" + comparison.unmatched.joined(separator: "\n")))
        }
        var refused: [String] = []
        for pair in comparison.pairs where !pair.confounders.isEmpty {
            let c = pair.confounders
            let blocking = (allowDifferentCode ? [] : c.code.map { "different code: \($0) (--allow-different-code)" })
                + (allowDifferentData ? [] : c.data.map { "different data: \($0) (--allow-different-data)" })
                + (allowDifferentMachine ? [] : c.machine.map { "different machine: \($0) (--allow-different-machine)" })
            refused += blocking.map { "\(pair.configuration): \($0)" }
        }
        guard refused.isEmpty else {
            throw LabError.invalid("the sides differ in more than the compared setting; refusing to compare:\n"
                                   + refused.joined(separator: "\n"))
        }
        print(comparison.markdown(), terminator: "")
        for pair in comparison.pairs where !pair.confounders.isEmpty {
            for line in pair.confounders.lines { print("warning: \(pair.configuration): \(line)") }
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try ResultStore.writeAtomically(try encoder.encode(comparison.pairs), to: URL(fileURLWithPath: json))
        }
    }
}
