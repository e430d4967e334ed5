/// Levenshtein edit distance: the fewest insertions, deletions and substitutions of single
/// elements (here Unicode scalars) that turn one string into the other.
public enum Levenshtein {
    /// The edit distance between `a` and `b` (O(|a| |b|) time, O(|b|) memory).
    /// `scratch` is reused between calls to avoid allocating.
    public static func distance(_ a: [UInt32], _ b: [UInt32], scratch: inout [Int32]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        if scratch.count < 2 * width { scratch = [Int32](repeating: 0, count: 2 * width) }
        return scratch.withUnsafeMutableBufferPointer { buffer -> Int in
            var previous = buffer.baseAddress!
            var current = previous + width
            for j in 0..<width { previous[j] = Int32(j) }
            for i in 1...a.count {
                current[0] = Int32(i)
                let ai = a[i - 1]
                for j in 1..<width {
                    let substitution = previous[j - 1] + (ai == b[j - 1] ? 0 : 1)
                    current[j] = min(substitution, min(previous[j], current[j - 1]) + 1)
                }
                swap(&previous, &current)
            }
            return Int(previous[width - 1])
        }
    }

    /// The edit distance between two strings, compared by Unicode scalars.
    public static func distance(_ a: String, _ b: String) -> Int {
        var scratch: [Int32] = []
        return distance(a.unicodeScalars.map(\.value), b.unicodeScalars.map(\.value), scratch: &scratch)
    }
}
