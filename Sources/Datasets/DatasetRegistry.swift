/// The named data sets ManifoldBench can download, with their files, mirrors and hashes.
///
/// Hashes are SHA-256 of the *decompressed* IDX payload, so they hold for every mirror
/// whatever gzip wrapper it serves. Tests build their own `DatasetRegistry` with small files.
public struct DatasetRegistry: Sendable {
    /// One file of a registry set.
    public struct File: Sendable, Hashable {
        /// `"train"` or `"test"`.
        public var split: String
        /// `true` for the image (data) file, `false` for the labels file.
        public var isImages: Bool
        /// Name of the decompressed file, e.g. `train-images-idx3-ubyte`; served as `<name>.gz`.
        public var name: String
        /// Size in bytes of the decompressed IDX payload.
        public var size: Int
        /// SHA-256 (lowercase hex) of the decompressed IDX payload (of the file itself for tables).
        public var sha256: String
        /// Whether servers hold the file gzip'd as `<name>.gz` (IDX sets) or as it is (tables).
        public var servedCompressed: Bool

        public init(split: String, isImages: Bool, name: String, size: Int, sha256: String, servedCompressed: Bool = true) {
            self.split = split
            self.isImages = isImages
            self.name = name
            self.size = size
            self.sha256 = sha256
            self.servedCompressed = servedCompressed
        }

        /// The file name on servers: `<name>.gz`, or `<name>` for a file served uncompressed.
        public var servedName: String { servedCompressed ? name + ".gz" : name }
    }

    /// One named data set.
    public struct Entry: Sendable {
        public var name: String
        public var description: String
        /// Base URLs (ending in `/`) of public servers, tried in order; the file URL is base + `<name>.gz`.
        public var urls: [String]
        /// Directories where a system package may have installed the files (gz or raw).
        public var systemDirectories: [String]
        /// Image shape `[height, width]`, or nil for non-image sets.
        public var imageShape: [Int]?
        /// Divisor mapping the stored values to [0, 1] (255 for 8-bit images).
        public var pixelScale: Float
        public var files: [File]
        /// What the files hold: IDX images and labels, or one CSV table (`TableLoader`).
        public var format: Format
        /// Folder of the mirror (and of an http mirror) holding the files; default the set's name.
        public var mirrorFolder: String

        /// What a registry set's files hold.
        public enum Format: String, Sendable {
            /// Images and labels as IDX files, one pair per split.
            case idx
            /// One CSV table (split "all") read with typed columns.
            case table
        }

        public init(name: String, description: String, urls: [String], systemDirectories: [String] = [],
                    imageShape: [Int]?, pixelScale: Float = 255, files: [File], format: Format = .idx,
                    mirrorFolder: String? = nil) {
            self.format = format
            self.mirrorFolder = mirrorFolder ?? name
            self.name = name
            self.description = description
            self.urls = urls
            self.systemDirectories = systemDirectories
            self.imageShape = imageShape
            self.pixelScale = pixelScale
            self.files = files
        }

        /// The images and labels files of `split`, if present.
        public func files(split: String) -> (images: File, labels: File)? {
            guard let images = files.first(where: { $0.split == split && $0.isImages }),
                  let labels = files.first(where: { $0.split == split && !$0.isImages }) else { return nil }
            return (images, labels)
        }

        /// Splits in the order they are concatenated for `"all"` (train first).
        public var splits: [String] {
            var out: [String] = []
            for f in files where !out.contains(f.split) { out.append(f.split) }
            return out
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// MNIST and Fashion-MNIST with the mirrors torchvision and Keras use; the mixed-type tables
    /// (Palmer penguins, US airports) from the sources their PyPI packages are built from.
    public static let standard = DatasetRegistry(entries: [
        Entry(
            name: "mnist",
            description: "MNIST handwritten digits (LeCun, Cortes, Burges): 60 000 train + 10 000 test 28×28 grey images, 10 classes",
            urls: [
                "https://ossci-datasets.s3.amazonaws.com/mnist/",              // torchvision
                "https://storage.googleapis.com/cvdf-datasets/mnist/",         // TensorFlow / torchvision
                "http://yann.lecun.com/exdb/mnist/",                           // original
            ],
            systemDirectories: ["/usr/share/datasets/mnist"],
            imageShape: [28, 28],
            files: [
                File(split: "train", isImages: true, name: "train-images-idx3-ubyte", size: 47_040_016,
                     sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
                File(split: "train", isImages: false, name: "train-labels-idx1-ubyte", size: 60_008,
                     sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
                File(split: "test", isImages: true, name: "t10k-images-idx3-ubyte", size: 7_840_016,
                     sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                File(split: "test", isImages: false, name: "t10k-labels-idx1-ubyte", size: 10_008,
                     sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            ]),
        Entry(
            name: "fashion-mnist",
            description: "Fashion-MNIST (Zalando Research, MIT licence): 60 000 train + 10 000 test 28×28 grey images, 10 classes",
            urls: [
                "https://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",             // Zalando (README)
                "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",              // torchvision
                "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",             // Keras
            ],
            systemDirectories: ["/usr/share/datasets/fashion-mnist"],
            imageShape: [28, 28],
            files: [
                File(split: "train", isImages: true, name: "train-images-idx3-ubyte", size: 47_040_016,
                     sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
                File(split: "train", isImages: false, name: "train-labels-idx1-ubyte", size: 60_008,
                     sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
                File(split: "test", isImages: true, name: "t10k-images-idx3-ubyte", size: 7_840_016,
                     sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
                File(split: "test", isImages: false, name: "t10k-labels-idx1-ubyte", size: 10_008,
                     sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
            ]),
        Entry(
            name: "penguins",
            description: "Palmer penguins (Horst, Hill, Gorman; CC0): 344 penguins, 3 species, 3 islands; numeric, categorical, missing values written NA",
            urls: [
                "https://raw.githubusercontent.com/mcnakhaee/palmerpenguins/v0.1.6/palmerpenguins/data/",   // PyPI palmerpenguins 0.1.6
                "https://raw.githubusercontent.com/mcnakhaee/palmerpenguins/master/palmerpenguins/data/",
            ],
            imageShape: nil,
            files: [
                File(split: "all", isImages: true, name: "penguins.csv", size: 15_241,
                     sha256: "f204db2c753b0937caac3cb35258562c14f073e4bbc76be24b4c51ce22767a93", servedCompressed: false),
            ],
            format: .table, mirrorFolder: "tables"),
        Entry(
            name: "airports",
            description: "US airports (Vega datasets, BSD-3): 3 376 airports with name, city, state, latitude, longitude",
            urls: [
                "https://raw.githubusercontent.com/altair-viz/vega_datasets/v0.9.0/vega_datasets/_data/",  // PyPI vega-datasets 0.9.0
                "https://cdn.jsdelivr.net/npm/vega-datasets@1.29.0/data/",
            ],
            imageShape: nil,
            files: [
                File(split: "all", isImages: true, name: "airports.csv", size: 210_365,
                     sha256: "903c7169e6d558eefb95295fe2947ec8503135fbb855ea5c737cf4a90ea603ad", servedCompressed: false),
            ],
            format: .table, mirrorFolder: "tables"),
    ])
}
