import Foundation
import Linalg

/// Generated data sets for millions of points whose row i is a pure function of `(seed, i)`:
/// `augmented-mnist` (`AugmentedMNIST`) and `word-vectors` (`WordVectors`).
///
/// Unlike `SyntheticManifolds` (one sequential stream per data set), every row draws from its own
/// `RandomStream(seed:purpose:index: i)`, so a subsample generates only its own rows, any subset is
/// reproducible on its own, and generation is split over fixed chunks of `rowChunk` rows with the same
/// bytes for every thread count. Each generator has a `size` option (how many rows the virtual data
/// set has; n ≤ size) with a ceiling, the most it makes.
public enum IndexedGenerators {
    /// One declared option: name, default, allowed range, whether it must be an integer, and help.
    public struct Option: Sendable {
        public var name: String
        public var defaultValue: Double
        public var range: ClosedRange<Double>
        public var isInteger: Bool
        public var help: String
    }

    /// One generator: name, description and its options (declared once; `OptionValues` reads them).
    public struct Declaration: Sendable {
        public var name: String
        public var description: String
        public var options: [Option]
    }

    /// Rows per parallel chunk (fixed, so chunking never depends on the machine).
    public static let rowChunk = 256

    /// The generators, in the order `mbench list` shows them.
    public static let declarations: [Declaration] = [AugmentedMNIST.declaration, WordVectors.declaration]

    /// Names of the generators.
    public static var names: [String] { declarations.map(\.name) }

    /// The declaration of `name`, if it is one of these generators.
    public static func declaration(of name: String) -> Declaration? { declarations.first { $0.name == name } }

    /// Version of each generator's arithmetic (see `DatasetLoader.implementationVersion(for:)`).
    public static func implementationVersion(of generator: String) -> Int {
        switch generator {
        default: return 1
        }
    }

    /// Option values of one request, checked against a declaration (unknown names and values outside
    /// their range throw `DatasetsError`).
    public struct OptionValues: Sendable {
        public var declaration: Declaration
        public var values: [String: Double]

        public init(_ declaration: Declaration, _ given: [String: Double]) throws {
            self.declaration = declaration
            let allowed = declaration.options.map(\.name)
            for key in given.keys.sorted() where !allowed.contains(key) {
                throw DatasetsError.unknownOption(generator: declaration.name, option: key, allowed: allowed)
            }
            var values: [String: Double] = [:]
            for option in declaration.options {
                let v = given[option.name] ?? option.defaultValue
                let r = option.range
                guard v.isFinite, r.contains(v), !option.isInteger || v.rounded() == v else {
                    let kind = option.isInteger ? "an integer" : "a number"
                    throw DatasetsError.invalidOption(option.name, "\(v) must be \(kind) in \(r.lowerBound)...\(r.upperBound) (\(declaration.name))")
                }
                values[option.name] = v
            }
            self.values = values
        }

        /// The value of a declared real option.
        public func real(_ name: String) -> Double { values[name] ?? 0 }

        /// The value of a declared integer option (range-checked at init, so the conversion is safe).
        public func integer(_ name: String) -> Int { Int(values[name] ?? 0) }
    }

    /// Fills one row per index of `rows`, in that order, over fixed chunks of `rowChunk` rows in parallel.
    /// `fill(i, out, scratch)` writes row i's `cols` values into `out`; `scratch` is a per-chunk workspace.
    /// - Throws: `invalidRequest` if rows × cols does not fit in memory's address range.
    static func generateRows(_ rows: [Int], cols: Int,
                             fill: (Int, UnsafeMutableBufferPointer<Float>, inout [Double]) -> Void) throws -> Matrix {
        let count: Int
        do { count = try Checked.product(rows.count, cols, "rows × columns") } catch {
            throw DatasetsError.invalidRequest("\(rows.count) rows × \(cols) columns is too large")
        }
        var storage = [Float](repeating: 0, count: count)
        storage.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress
            Parallel.forEachChunk(count: rows.count, chunkSize: rowChunk) { _, range in
                var scratch: [Double] = []
                for k in range {
                    fill(rows[k], UnsafeMutableBufferPointer(start: base.map { $0 + k * cols }, count: cols), &scratch)
                }
            }
        }
        return try Matrix(rows: rows.count, cols: cols, storage: storage)
    }
}
