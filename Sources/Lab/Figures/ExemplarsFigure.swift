import Clustering
import Foundation
import Linalg
import Plot

extension FigureRecipe {
    /// The clustering article's exemplars: for each cluster of a result's chosen clustering (the
    /// spec's `clustering:` step, Gaussian mixture or HDBSCAN; noise left out), the `count`
    /// pictures whose points are nearest the cluster's centre (`ClusterExemplars`), one row per
    /// cluster, captioned with the cluster number (as in `color: cluster`) and its size.
    ///
    /// The pictures are the data set's own rows (it must be an image data set such as MNIST),
    /// re-loaded from the task's data selection and seed; grey levels span the data's range.
    /// Settings: `count` (pictures per cluster, default 8), `space` (`embedding`, default: centre
    /// and distances in the embedding; `input`: in the data's features, before any PCA
    /// pre-reduction), `scale` (canvas pixels per image pixel, default 3). Draws one result: the
    /// lowest seed of what `where` keeps, which must be a single task otherwise.
    func exemplars(_ records: [RunRecord]) throws -> RenderedFigure {
        let lowest = records.map(\.task.seed).min()
        let chosen = records.filter { $0.task.seed == lowest }
        guard let record = chosen.first else { throw error("no results to draw") }
        guard chosen.count == 1 else {
            throw error("'exemplars' draws one result, but \(chosen.count) match; narrow them with 'where' (for example n_components=2)")
        }
        guard let clustersFile = record.clustersFile else {
            throw error("'exemplars' needs results of a spec with a 'clustering:' section")
        }
        let count = try integer("count", 8, in: 1...100)
        let scale = try integer("scale", 3, in: 1...16)
        let space = text("space", "embedding")
        guard ["embedding", "input"].contains(space) else { throw error("'space' must be embedding or input, got '\(space)'") }
        let clusters = try ArrayFiles.readLabels(store.url(clustersFile))
        let data = try DatasetBridge.load(record.task.dataset, seed: record.task.seed)
        guard let shape = data.imageShape, shape.count == 2, shape[0] * shape[1] == data.matrix.cols else {
            throw error("'exemplars' draws pictures, but '\(record.task.datasetLabel)' is not an image data set")
        }
        guard data.matrix.rows == clusters.count else {
            throw error("the data selection has \(data.matrix.rows) rows but the clustering \(clusters.count)")
        }
        let points = space == "input" ? data.matrix : try ArrayFiles.readMatrix(store.url(record.embeddingFile))
        let found: [ClusterExemplars.Cluster]
        do { found = try ClusterExemplars.nearest(points, clusters: clusters, count: count) } catch { throw self.error("\(error)") }
        guard !found.isEmpty else { throw error("the clustering has no clusters (every point is noise)") }
        let pixels = data.matrix.storage
        let low = pixels.min() ?? 0, high = pixels.max() ?? 1
        let span = high > low ? high - low : 1
        let d = data.matrix.cols
        // Colours as `embeddings` gives them with `color: cluster` (noise is one more category).
        let categoryCount = (clusters.max() ?? -1) + 1 + (clusters.contains { $0 < 0 } ? 1 : 0)
        let rows = found.map { cluster in
            ImageMontage.Row(caption: "cluster \(cluster.label + 1) · \(cluster.size) points",
                             color: Palette.color(category: cluster.label, of: categoryCount),
                             images: cluster.members.map { i in (0..<d).map { (pixels[i * d + $0] - low) / span } })
        }
        let montage = ImageMontage(title: text("title", spec.name), rows: rows, imageHeight: shape[0], imageWidth: shape[1],
                                   scale: scale, dpi: min(max(number("dpi", 150), 50), 600), columns: count)
        return try montage.render()
    }
}
