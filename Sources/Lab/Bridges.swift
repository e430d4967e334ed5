/// Connects `Lab` to the data-set and metric modules. (Filled in as those modules land.)
enum DatasetBridge {
    static var names: [String] { ["blobs"] }
    static func options(for name: String) -> [String] { ["dimension", "centers", "spread"] }
}

enum MetricBridge {
    static var names: [String] { [] }
    static func problem(_ name: String) -> String? { "metrics are not available yet" }
}
