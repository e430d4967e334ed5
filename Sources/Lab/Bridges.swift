/// Connects `Lab` to the data-set and metric modules. (Filled in as those modules land.)
enum DatasetBridge {
    static var names: [String] { ["blobs"] }
    static func options(for name: String) -> [String] { ["dimension", "centers", "spread"] }
}

enum MetricBridge {
    static var names: [String] { [] }
    static func problem(_ name: String) -> String? { "metrics are not available yet" }
}

import Foundation
import Linalg

extension DatasetBridge {
    static func load(_ selection: DatasetSelection, seed: UInt64) throws -> PreparedData {
        throw LabError.invalid("data sets are not available yet")
    }
}

extension MetricBridge {
    static func evaluate(_ names: [String], data: Matrix, embedding: Matrix, labels: [Int]?,
                         seed: UInt64) throws -> [MetricRecord] { [] }
}

/// Array files (.npy) in the result store.
enum ArrayFiles {
    /// Writes a float32 matrix; returns the SHA-256 of the bytes.
    static func write(_ matrix: Matrix, to url: URL) throws -> String { throw LabError.io("npy not available yet") }
    static func write(labels: [Int], to url: URL) throws -> String { throw LabError.io("npy not available yet") }
}

/// Figure drawing from stored results.
enum FigureDrawing {
    static func draw(spec: ExperimentSpec, records: [RunRecord], store: ResultStore,
                     log: (String) -> Void) throws -> [URL] { [] }
}

extension ArrayFiles {
    static func readMatrix(_ url: URL) throws -> Matrix { throw LabError.io("npy not available yet") }
    static func sha256(of url: URL) throws -> String { throw LabError.io("not available yet") }
}
