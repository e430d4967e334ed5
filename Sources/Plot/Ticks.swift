import Foundation

/// How data values map to an axis.
public enum AxisScale: Hashable, Sendable {
    case linear
    /// Base-10 logarithmic; non-positive values are skipped (and counted in a note).
    case log
}

/// A tick mark: its data value and label (empty for minor ticks).
public struct Tick: Hashable, Sendable {
    public var value: Double
    public var label: String
    public var isMinor: Bool
    public init(value: Double, label: String, isMinor: Bool = false) {
        self.value = value; self.label = label; self.isMinor = isMinor
    }
}

/// "Nice" axis limits and tick positions (steps of 1, 2, 2.5 or 5 × 10^k) and their labels.
public enum TickGenerator {
    /// Widens a degenerate or empty range so it can be drawn: equal ends are padded by
    /// 10% of their magnitude (±0.5 around zero); non-finite input gives 0...1 (log: 1...10).
    public static func paddedRange(_ lo: Double, _ hi: Double, scale: AxisScale) -> (Double, Double) {
        guard lo.isFinite, hi.isFinite, lo <= hi else { return scale == .log ? (1, 10) : (0, 1) }
        if scale == .log {
            guard lo > 0 else { return (1, 10) }
            if hi / lo < 1.0000001 { return (lo / 2, hi * 2) }
            return (lo, hi)
        }
        // A range that is tiny relative to its magnitude (below float resolution) counts as zero.
        let mag = max(abs(lo), abs(hi))
        if hi - lo <= mag * 1e-12 || hi == lo {
            if mag == 0 { return (-0.5, 0.5) }
            let pad = mag * 0.1
            return (lo - pad, hi + pad)
        }
        return (lo, hi)
    }

    /// The nice step (1, 2, 2.5 or 5 × 10ᵏ) for `range` giving the interval count closest
    /// to `target` without exceeding `target + 1`.
    public static func niceStep(range: Double, target: Int) -> Double {
        let t = Double(max(1, target))
        let raw = range / t
        guard raw.isFinite, raw > 0 else { return range.isFinite && range > 0 ? range : 1 }
        let base = pow(10, log10(raw).rounded(.down))
        var best = 10 * base
        var bestDiff = Double.infinity
        for m in [1.0, 2, 2.5, 5, 10] {
            let intervals = range / (m * base)
            if intervals <= t + 1 + 1e-9 && abs(intervals - t) < bestDiff {
                bestDiff = abs(intervals - t)
                best = m * base
            }
        }
        return best
    }

    /// Linear major ticks inside [lo, hi] with about `target` intervals (at least two ticks).
    public static func linearTicks(_ lo0: Double, _ hi0: Double, target: Int = 6) -> [Tick] {
        let (lo, hi) = paddedRange(lo0, hi0, scale: .linear)
        var t = max(2, target)
        var values: [Double] = []
        var step = 0.0
        // Shrink the step until at least two ticks fall inside the range.
        for _ in 0..<4 {
            step = niceStep(range: hi - lo, target: t)
            let first = (lo / step - 1e-9).rounded(.up)
            let last = (hi / step + 1e-9).rounded(.down)
            values = []
            if last >= first {
                var k = first
                while k <= last && values.count < 1000 { values.append(k * step); k += 1 }
            }
            if values.count >= 2 { break }
            t *= 2
        }
        if values.count < 2 { values = [lo, hi]; step = hi - lo }
        // Snap -0 and tiny round-off to zero.
        values = values.map { abs($0) < step * 1e-9 ? 0 : $0 }
        let labels = formatLinear(values, step: step)
        return zip(values, labels).map { Tick(value: $0, label: $1) }
    }

    /// Labels for evenly spaced values: the fewest decimals that show the step,
    /// a Unicode minus sign, and ×10ᵏ notation for very large or very small magnitudes.
    public static func formatLinear(_ values: [Double], step: Double) -> [String] {
        let maxAbs = values.map { abs($0) }.max() ?? 0
        if maxAbs >= 1e6 || (maxAbs > 0 && maxAbs < 1e-3) {
            let e = Int(log10(maxAbs).rounded(.down))
            let scale = pow(10, Double(e))
            let digits = max(0, decimals(for: step / scale))
            return values.map { v in
                if v == 0 { return "0" }
                let m = v / scale
                let ms = fixed(m, digits)
                return (ms == "1" ? "" : ms + "×") + "10" + superscript(e)
            }
        }
        let d = decimals(for: step)
        return values.map { fixed($0, d) }
    }

    /// Decimals needed to distinguish multiples of `step` (e.g. 0.25 → 2, 0.5 → 1, 20 → 0).
    static func decimals(for step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        for d in 0...12 {
            let scaled = step * pow(10, Double(d))
            if scaled.rounded() >= 1 && abs(scaled - scaled.rounded()) < 1e-6 * scaled { return d }
        }
        return 12
    }

    /// Fixed-point text with a Unicode minus (−) and no "-0".
    static func fixed(_ v: Double, _ digits: Int) -> String {
        var s = String(format: "%.\(digits)f", v)
        if s.hasPrefix("-") {
            let body = s.dropFirst()
            if body.allSatisfy({ $0 == "0" || $0 == "." }) { s = String(body) } else { s = "\u{2212}" + body }
        }
        return s
    }

    /// Log-axis ticks. Spanning three or more decades: decade ticks labelled "10ᵏ", with
    /// minor ticks at 2…9 × 10ᵏ when there are at most eight decades. Narrower ranges:
    /// ticks at 1, 2, 5 × 10ᵏ labelled as plain numbers ("20", "0.05"), minor ticks between.
    public static func logTicks(_ lo0: Double, _ hi0: Double, target: Int = 6) -> [Tick] {
        let (lo, hi) = paddedRange(lo0, hi0, scale: .log)
        let e0 = Int((log10(lo) - 1e-9).rounded(.up))
        let e1 = Int((log10(hi) + 1e-9).rounded(.down))
        let decades = e1 - e0 + 1
        var ticks: [Tick] = []
        if decades >= 3 {
            let every = max(1, Int((Double(decades - 1) / Double(max(1, target))).rounded(.up)))
            for e in stride(from: e0, through: e1, by: 1) where (e - e0) % every == 0 {
                ticks.append(Tick(value: pow(10, Double(e)), label: "10" + superscript(e)))
            }
            if every == 1 && decades <= 8 {
                let f0 = Int(log10(lo).rounded(.down)), f1 = Int(log10(hi).rounded(.up))
                for e in f0...f1 {
                    for m in 2...9 {
                        let v = Double(m) * pow(10, Double(e))
                        if v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12) { ticks.append(Tick(value: v, label: "", isMinor: true)) }
                    }
                }
            }
            return ticks
        }
        // Fewer than three decades: label 1, 2, 5 multiples as plain numbers (every label in
        // the same style), with minor ticks at the other multiples.
        let f0 = Int(log10(lo).rounded(.down)), f1 = Int(log10(hi).rounded(.up))
        for e in f0...f1 {
            for m in 1...9 {
                let v = Double(m) * pow(10, Double(e))
                if v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12) {
                    let major = m == 1 || m == 2 || m == 5
                    ticks.append(Tick(value: v, label: major ? plain(v) : "", isMinor: !major))
                }
            }
        }
        if ticks.filter({ !$0.isMinor }).count < 2 {
            ticks = linearTicks(lo, hi, target: 4).filter { $0.value > 0 }
        }
        return ticks
    }

    private static func plain(_ v: Double) -> String {
        let e = Int(log10(v).rounded(.down))
        return fixed(v, max(0, -e))
    }

    /// Superscript digits for an integer exponent, e.g. −3 → "⁻³".
    public static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var s = n < 0 ? "⁻" : ""
        for c in String(abs(n)) { if let d = c.wholeNumberValue { s.append(digits[d]) } }
        return s
    }

    /// Axis limits for data in [lo, hi]: 5% margins (in log space on log axes), padded if degenerate.
    public static func limits(_ lo: Double, _ hi: Double, scale: AxisScale, margin: Double = 0.05) -> (Double, Double) {
        let (a, b) = paddedRange(lo, hi, scale: scale)
        switch scale {
        case .linear:
            let m = (b - a) * margin
            return (a - m, b + m)
        case .log:
            let la = log10(a), lb = log10(b)
            let m = (lb - la) * margin
            return (pow(10, la - m), pow(10, lb + m))
        }
    }
}
