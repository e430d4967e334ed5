import Linalg

/// A loaded or generated data set: n points in d dimensions plus what is known about them.
public struct Dataset: Sendable {
    /// Registry or generator name, e.g. `"mnist"`, `"swiss-roll"`, or `"file"`.
    public var name: String
    /// The points, n × d, row-major.
    public var data: Matrix
    /// Class labels (one per row), if any.
    public var labels: [Int]?
    /// Intrinsic coordinate to colour by (synthetic manifolds), one per row.
    public var coordinate: [Float]?
    /// SHA-256 hex identifying the content (see `DatasetLoader.load`).
    public var checksum: String
    /// Image shape `[height, width]` for image sets (e.g. `[28, 28]`).
    public var imageShape: [Int]?
    /// Per-point RGB colours in [0, 1] (n × 3) when the data set defines them (`color-cube`).
    public var colors: Matrix?

    public init(name: String, data: Matrix, labels: [Int]? = nil, coordinate: [Float]? = nil,
                checksum: String, imageShape: [Int]? = nil, colors: Matrix? = nil) {
        self.colors = colors
        self.name = name
        self.data = data
        self.labels = labels
        self.coordinate = coordinate
        self.checksum = checksum
        self.imageShape = imageShape
    }
}

/// How to choose n of N rows.
public enum Subsample: String, Codable, Sendable, CaseIterable {
    /// n distinct rows chosen uniformly at random (seeded), kept in their original order.
    case random
    /// Per-class counts proportional to the class sizes (largest remainders), then random within each class; original order kept.
    case stratified
    /// The first n rows.
    case first
}

/// Per-feature scaling applied after subsampling.
public enum Scaling: String, Codable, Sendable, CaseIterable {
    /// Leave values as they are (registry images are already in [0, 1]).
    case none
    /// Map each feature to [0, 1] by its min and max (constant features become 0). Image sets keep their global pixel scaling.
    case unit
    /// Zero mean and unit variance per feature (population variance); zero-variance features become 0.
    case standardize
}

/// What to load: a registry set, a synthetic generator, or a file.
public struct DatasetRequest: Hashable, Codable, Sendable {
    /// Registry name (`mnist`, `fashion-mnist`), generator name (`swiss-roll`, `blobs`, ...), or `"file"`.
    public var name: String
    /// Number of points; `nil` = all (registry and files). Generators default to 1000.
    public var n: Int?
    /// `"all"` (default: train then test), `"train"` or `"test"` (registry sets).
    public var split: String?
    /// How to pick n rows when fewer than all are requested. Default `.random`.
    public var subsample: Subsample
    /// Per-feature scaling. Default `.none`.
    public var scaling: Scaling
    /// For `name == "file"`: a `.csv`, `.npy`, `.idx`, `.idx.gz` or `*-ubyte(.gz)` file.
    public var path: String?
    /// For `name == "file"`: optional labels file (`.npy`, IDX or one-column CSV).
    public var labelsPath: String?
    /// For CSV files: the name of the label column in the header.
    public var labelColumn: String?
    /// Generator options (see `DatasetLoader.allowedOptions(for:)`).
    public var options: [String: Double]

    public init(name: String, n: Int? = nil, split: String? = nil, subsample: Subsample = .random,
                scaling: Scaling = .none, path: String? = nil, labelsPath: String? = nil,
                labelColumn: String? = nil, options: [String: Double] = [:]) {
        self.name = name
        self.n = n
        self.split = split
        self.subsample = subsample
        self.scaling = scaling
        self.path = path
        self.labelsPath = labelsPath
        self.labelColumn = labelColumn
        self.options = options
    }

    enum CodingKeys: String, CodingKey {
        case name, n, split, subsample, scaling, path, labelsPath, labelColumn, options
    }

    /// Decodes with the same defaults as `init` for absent keys.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name),
            n: try c.decodeIfPresent(Int.self, forKey: .n),
            split: try c.decodeIfPresent(String.self, forKey: .split),
            subsample: try c.decodeIfPresent(Subsample.self, forKey: .subsample) ?? .random,
            scaling: try c.decodeIfPresent(Scaling.self, forKey: .scaling) ?? .none,
            path: try c.decodeIfPresent(String.self, forKey: .path),
            labelsPath: try c.decodeIfPresent(String.self, forKey: .labelsPath),
            labelColumn: try c.decodeIfPresent(String.self, forKey: .labelColumn),
            options: try c.decodeIfPresent([String: Double].self, forKey: .options) ?? [:])
    }
}
