/// Conversions of user-supplied numbers to integers and sizes that throw a
/// `ConversionError` instead of trapping.
///
/// Swift traps on `Int(x)` when x is NaN, infinite or beyond `Int`'s range, and on
/// integer overflow. Every number that comes from a spec, a command-line option or
/// a data file and reaches an integer conversion, an allocation size or an index
/// goes through one of these.
///
///     let bins = try Checked.int(40.0, "bins", in: 1...10_000)       // 40
///     let pixels = try Checked.product(width, height, "pixel count", atMost: 1 << 28)
public enum Checked {
    /// `x` as an `Int`, which must be a whole number in `range`.
    public static func int(_ x: Double, _ what: @autoclosure () -> String,
                           in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard x.isFinite, x == x.rounded(), let value = exactInt(x), range.contains(value) else {
            throw ConversionError(what: what(), value: x, allowed: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// `x` rounded by `rule` (default: to nearest, halves away from zero) as an `Int` in `range`.
    public static func rounded(_ x: Double, _ what: @autoclosure () -> String, in range: ClosedRange<Int> = Int.min...Int.max,
                               rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) throws -> Int {
        guard x.isFinite, let value = exactInt(x.rounded(rule)), range.contains(value) else {
            throw ConversionError(what: what(), value: x, allowed: "a number that rounds into \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A finite `x` in `range`, returned unchanged.
    public static func double(_ x: Double, _ what: @autoclosure () -> String, in range: ClosedRange<Double>) throws -> Double {
        guard x.isFinite, range.contains(x) else {
            throw ConversionError(what: what(), value: x, allowed: "a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return x
    }

    /// `a · b` for sizes (both ≥ 0), at most `limit`; throws instead of overflowing.
    public static func product(_ a: Int, _ b: Int, _ what: @autoclosure () -> String, atMost limit: Int = Int.max) throws -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        guard a >= 0, b >= 0, !overflow, p <= limit else {
            throw ConversionError(what: what(), value: Double(a) * Double(b), allowed: "a size of at most \(limit) (\(a) × \(b))")
        }
        return p
    }

    /// `x` as an `Int32` (for BLAS, LAPACK and C library arguments).
    public static func int32(_ x: Int, _ what: @autoclosure () -> String) throws -> Int32 {
        guard let value = Int32(exactly: x) else {
            throw ConversionError(what: what(), value: Double(x), allowed: "at most \(Int32.max)")
        }
        return value
    }

    /// The `Int` equal to a whole, finite `x`, or nil when `Int` cannot hold it.
    /// (2⁶³ itself is representable as a Double but not as an Int, hence the strict bound.)
    private static func exactInt(_ x: Double) -> Int? {
        guard x >= -9.223372036854775808e18, x < 9.223372036854775808e18 else { return nil }
        return Int(exactly: x)
    }
}

/// A number that cannot become the integer or size it was meant to be.
public struct ConversionError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What the number is ("figure width in pixels", "--n").
    public let what: String
    /// The offending value.
    public let value: Double
    /// What would have been accepted.
    public let allowed: String

    public init(what: String, value: Double, allowed: String) {
        self.what = what; self.value = value; self.allowed = allowed
    }

    public var description: String {
        let shown = value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        return "\(what) = \(shown) is not allowed; allowed: \(allowed)"
    }
}
