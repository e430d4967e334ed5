/// Differences between the two sides of a comparison that were not asked for.
///
/// `mbench compare` pairs records that differ only in the seed and the compared setting. Three
/// other things can still differ and would be read as the setting's effect: the code that made
/// the results (implementation fingerprints), the data (checksums), and the machine (CPU model,
/// thread count) — the last matters for timings only, but timings are most of what is compared.
public struct CompareConfounders: Codable, Sendable, Equatable {
    /// Algorithm or data implementation fingerprints differ (or are unknown on a side).
    public var code: [String] = []
    /// Data checksums differ although the data selection is the same.
    public var data: [String] = []
    /// CPU model or thread count differ.
    public var machine: [String] = []

    public var isEmpty: Bool { code.isEmpty && data.isEmpty && machine.isEmpty }

    /// All differences, one line each.
    public var lines: [String] {
        code.map { "different code: \($0)" } + data.map { "different data: \($0)" } + machine.map { "different machine: \($0)" }
    }

    /// The confounders between groups `a` and `b`; `comparedAlgorithms` / `comparedData` say
    /// whether the algorithm or the data selection is the compared setting (then their fingerprints
    /// or checksums may differ).
    static func between(_ a: [RunRecord], _ b: [RunRecord], comparedAlgorithms: Bool, comparedData: Bool) -> CompareConfounders {
        var found = CompareConfounders()
        func distinct(_ records: [RunRecord], _ value: (RunRecord) -> String) -> [String] {
            var seen: [String] = []
            for r in records where !seen.contains(value(r)) { seen.append(value(r)) }
            return seen
        }
        func compare(_ name: String, _ value: (RunRecord) -> String, into list: inout [String]) {
            let left = distinct(a, value), right = distinct(b, value)
            if left != right { list.append("\(name) \(left.joined(separator: ", ")) vs \(right.joined(separator: ", "))") }
        }
        if !comparedAlgorithms {
            compare("algorithm", { $0.fingerprints?.algorithm ?? "unknown (older record)" }, into: &found.code)
        }
        if !comparedData {
            compare("data loader", { $0.fingerprints?.data ?? "unknown (older record)" }, into: &found.code)
            compare("checksum", { String($0.provenance.dataChecksum.prefix(12)) }, into: &found.data)
        }
        compare("CPU", { $0.provenance.cpuModel }, into: &found.machine)
        compare("threads", { String($0.worker?.threads ?? $0.provenance.threadCount) }, into: &found.machine)
        return found
    }
}
