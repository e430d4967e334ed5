import Foundation
import Linalg

/// A folder laid out like the MNIST servers (MNIST and Fashion-MNIST):
/// `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`,
/// `t10k-labels-idx1-ubyte.gz` (gzip'd or raw). Read through `IDX`, so truncated or
/// malformed files are errors, never a crash. Used by the `tsne-bench` / `umap-bench` commands.
public enum MNISTDirectory {
    /// The first `n` images of train, then of t10k (n up to 70 000 for MNIST), pixels divided
    /// by 255 into [0, 1], and their labels. Fewer rows when the folder holds fewer images.
    public static func load(_ directory: URL, first n: Int) throws -> (data: Matrix, labels: [Int]) {
        guard n >= 1 else { throw DatasetsError.invalidRequest("the number of images must be at least 1, got \(n)") }
        var storage: [Float] = [], labels: [Int] = [], cols = 0
        for part in ["train", "t10k"] where labels.count < n {
            let imagesURL = directory.appendingPathComponent("\(part)-images-idx3-ubyte.gz")
            let images = try IDX.readMatrix(from: imagesURL, scale: 255)
            let partLabels = try IDX.readLabels(from: directory.appendingPathComponent("\(part)-labels-idx1-ubyte.gz"))
            guard partLabels.count == images.rows else {
                throw DatasetsError.labelCountMismatch(dataCount: images.rows, labelCount: partLabels.count, labelsPath: imagesURL.path)
            }
            guard cols == 0 || images.cols == cols else {
                throw DatasetsError.sizeMismatch(path: imagesURL.path, detail: "images have \(images.cols) pixels, train has \(cols)")
            }
            cols = images.cols
            let take = min(n - labels.count, images.rows)
            storage.append(contentsOf: images.storage[0 ..< take * cols])
            labels.append(contentsOf: partLabels[0 ..< take])
        }
        return (try Matrix(rows: labels.count, cols: cols, storage: storage), labels)
    }
}
