import ArgumentParser
import Foundation
import Linalg
import Plot

/// `mbench gallery`: renders the Plot module's sample figures from seeded synthetic data.
struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Render the sample plot gallery (synthetic data) as PNGs."
    )

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String = "Figures/gallery"

    @Flag(name: .long, help: "Also time rendering + PNG encoding of a 70 000-point scatter (use a release build).")
    var bench = false

    func run() throws {
        let dir = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let meta = ["Software": "mbench gallery", "Source": "synthetic data, seed 7"]
        let figures: [(String, () throws -> RenderedFigure)] = [
            ("manifold.png", { try Gallery.manifold() }),
            ("categorical.png", { try Gallery.categorical() }),
            ("loglog.png", { try Gallery.logLog() }),
            ("histograms.png", { try Gallery.histograms() }),
            ("grid.png", { try Gallery.grid() }),
            ("fuzzy-cover.png", { try Gallery.fuzzyCover() }),
            ("shared-axes.png", { try Gallery.sharedAxes() }),
        ]
        for (name, make) in figures {
            let url = dir.appendingPathComponent(name)
            try make().writePNG(to: url, metadata: meta)
            print("wrote \(url.path)")
        }
        if bench {
            let (points, labels) = Gallery.blobs(n: 70_000, classes: 10, seed: 11)
            var best = Double.infinity
            var bytes = 0
            for _ in 0..<5 {
                let t0 = Clock.wallSeconds()
                let png = try Gallery.categoricalFigure(points: points, labels: labels).pngData(metadata: meta)
                best = min(best, Clock.wallSeconds() - t0)
                bytes = png.count
            }
            print(String(format: "bench: 70000-point scatter, render + PNG encode: best of 5 = %.3f s (%d bytes)", best, bytes))
        }
    }
}

/// Synthetic data and figure definitions for the gallery.
enum Gallery {
    /// A swiss roll: (x, y, z) with intrinsic coordinate t ∈ [1.5π, 4.5π].
    static func swissRoll(n: Int, seed: UInt64) -> (x: [Double], y: [Double], z: [Double], t: [Double]) {
        var rng = RandomStream(seed: seed, purpose: "gallery.swissroll")
        var x = [Double](), y = [Double](), z = [Double](), t = [Double]()
        for _ in 0..<n {
            let tt = 1.5 * Double.pi * (1 + 2 * rng.nextDouble())
            x.append(tt * DeterministicMath.cos(tt) + 0.3 * rng.nextGaussian())
            y.append(21 * rng.nextDouble())
            z.append(tt * DeterministicMath.sin(tt) + 0.3 * rng.nextGaussian())
            t.append(tt)
        }
        return (x, y, z, t)
    }

    /// Gaussian blobs in 2-D around centres on a ring, with class labels.
    static func blobs(n: Int, classes: Int, seed: UInt64) -> ([(Double, Double)], [Int]) {
        var rng = RandomStream(seed: seed, purpose: "gallery.blobs")
        var pts: [(Double, Double)] = [], labels: [Int] = []
        for i in 0..<n {
            let c = i % classes
            let angle = 2 * Double.pi * Double(c) / Double(classes)
            let radius = 6.0 + 2.5 * Double(c % 3)
            let s = 0.9 + 0.15 * Double(c % 4)
            pts.append((radius * DeterministicMath.cos(angle) + s * rng.nextGaussian(), radius * DeterministicMath.sin(angle) + s * rng.nextGaussian()))
            labels.append(c)
        }
        return (pts, labels)
    }

    static let digitNames = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

    static func manifold() throws -> RenderedFigure {
        let roll = swissRoll(n: 4000, seed: 7)
        var ax = Axes(title: "Swiss roll, side view, coloured by the intrinsic coordinate",
                      xLabel: "x", yLabel: "z", equalAspect: true)
        ax.add(.scatter(ScatterSeries(x: roll.x, y: roll.z, values: roll.t, colorBarLabel: "intrinsic coordinate t (rad)",
                                      size: 3.5, alpha: 0.85)))
        return try Figure(width: 6.4, height: 4.8, dpi: 150).render(ax)
    }

    static func categoricalFigure(points: [(Double, Double)], labels: [Int]) throws -> RenderedFigure {
        var ax = Axes(title: "Ten Gaussian classes (n = \(points.count))", xLabel: "component 1", yLabel: "component 2",
                      equalAspect: true)
        ax.add(.scatter(ScatterSeries(x: points.map { $0.0 }, y: points.map { $0.1 }, categories: labels,
                                      categoryNames: digitNames)))
        return try Figure(width: 6.4, height: 4.8, dpi: 150).render(ax)
    }

    static func categorical() throws -> RenderedFigure {
        let (pts, labels) = blobs(n: 70_000, classes: 10, seed: 11)
        return try categoricalFigure(points: pts, labels: labels)
    }

    static func logLog() throws -> RenderedFigure {
        var rng = RandomStream(seed: 7, purpose: "gallery.loglog")
        let ns = [1_000.0, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000]
        var ax = Axes(title: "Run time against data set size", xLabel: "number of points n",
                      yLabel: "wall time (s)", xScale: .log, yScale: .log)
        let curves: [(String, Double, Double, Marker)] = [
            ("O(n log n), c = 2·10⁻⁶", 2e-6, 1, .circle), ("O(n), c = 10⁻⁵", 1e-5, 0, .square), ("O(n²), c = 10⁻⁹", 1e-9, 2, .circle),
        ]
        for (label, c, kind, marker) in curves {
            var mean: [Double] = [], lo: [Double] = [], hi: [Double] = []
            for n in ns {
                let base = kind == 1 ? c * n * DeterministicMath.log2(n) : kind == 2 ? c * n * n : c * n
                let m = base * DeterministicMath.exp(0.05 * rng.nextGaussian())
                let spread = 0.25 + 0.1 * rng.nextDouble()
                mean.append(m); lo.append(m * DeterministicMath.exp(-spread)); hi.append(m * DeterministicMath.exp(spread))
            }
            ax.add(.line(LineSeries(x: ns, y: mean, lower: lo, upper: hi, label: label, marker: marker)))
        }
        ax.add(.text(TextAnnotation("bands: mean ± 1 σ over 5 seeds", x: 0.97, y: 0.03, anchor: TextAnchor(.right, .bottom), size: 8)))
        return try Figure(width: 6.4, height: 4.8, dpi: 150).render(ax)
    }

    static func histograms() throws -> RenderedFigure {
        var rng = RandomStream(seed: 7, purpose: "gallery.hist")
        let a = (0..<5000).map { _ in rng.nextGaussian() }
        let b = (0..<5000).map { _ in 1.5 + 0.6 * rng.nextGaussian() }
        let c = (0..<5000).map { _ in -1 + 1.8 * rng.nextGaussian() }
        var ax = Axes(title: "Overlaid distributions", xLabel: "value", yLabel: "density")
        ax.add(.histogram(HistogramSeries(values: a, bins: .count(40), density: true, label: "μ = 0, σ = 1")))
        ax.add(.histogram(HistogramSeries(values: b, bins: .count(40), density: true, label: "μ = 1.5, σ = 0.6")))
        ax.add(.histogram(HistogramSeries(values: c, bins: .count(40), density: true, style: .step, label: "μ = −1, σ = 1.8 (step)")))
        return try Figure(width: 6.4, height: 4.8, dpi: 150).render(ax)
    }

    static func grid() throws -> RenderedFigure {
        let roll = swissRoll(n: 2500, seed: 7)
        let (pts, labels) = blobs(n: 3000, classes: 10, seed: 3)
        let bx = pts.map { $0.0 }, by = pts.map { $0.1 }
        var panels: [Axes] = []
        let views: [(String, ([Double], [Double]))] = [("x–z plane", (roll.x, roll.z)), ("x–y plane", (roll.x, roll.y)), ("y–z plane", (roll.y, roll.z))]
        for (title, (u, v)) in views {
            var ax = Axes(title: "Swiss roll: \(title)", hideTickLabels: true)
            ax.add(.scatter(ScatterSeries(x: u, y: v, values: roll.t, colorBarLabel: "t", size: 2.5)))
            ax.add(.text(TextAnnotation("n = \(u.count)", size: 8)))
            panels.append(ax)
        }
        let rotations: [(String, Double)] = [("blobs", 0), ("blobs rotated 30°", 30), ("blobs sheared", -1)]
        for (title, angle) in rotations {
            var u = bx, v = by
            if angle > 0 {
                let r = angle * Double.pi / 180
                u = zip(bx, by).map { $0 * DeterministicMath.cos(r) - $1 * DeterministicMath.sin(r) }
                v = zip(bx, by).map { $0 * DeterministicMath.sin(r) + $1 * DeterministicMath.cos(r) }
            } else if angle < 0 {
                u = zip(bx, by).map { $0 + 0.6 * $1 }
            }
            var ax = Axes(title: title, hideTickLabels: true)
            ax.add(.scatter(ScatterSeries(x: u, y: v, categories: labels, categoryNames: digitNames, size: 3)))
            ax.add(.text(TextAnnotation("ρ = \(String(format: "%.3f", correlation(u, v)).replacingOccurrences(of: "-", with: "\u{2212}"))", size: 8)))
            panels.append(ax)
        }
        let grid = PanelGrid(rows: 2, cols: 3, panels: panels, title: "Two data sets × three views", sharedLegend: true)
        return try Figure(width: 10, height: 6.4, dpi: 150).render(grid)
    }

    /// Each point's ball of radius = distance to its k-th nearest neighbour (brute force), drawn translucent.
    static func fuzzyCover() throws -> RenderedFigure {
        var rng = RandomStream(seed: 7, purpose: "gallery.cover")
        let n = 160, k = 5
        var x: [Double] = [], y: [Double] = []
        for i in 0..<n {
            // A noisy circle, denser on one side, so the balls' sizes vary.
            let u = Double(i) / Double(n)
            let a = 2 * Double.pi * (u + 0.25 * DeterministicMath.sin(2 * Double.pi * u) / Double.pi)
            x.append(DeterministicMath.cos(a) + 0.06 * rng.nextGaussian())
            y.append(DeterministicMath.sin(a) + 0.06 * rng.nextGaussian())
        }
        var radius: [Double] = []
        for i in 0..<n {
            var d = (0..<n).filter { $0 != i }.map { ((x[$0] - x[i]) * (x[$0] - x[i]) + (y[$0] - y[i]) * (y[$0] - y[i])).squareRoot() }
            d.sort()
            radius.append(d[k - 1])
        }
        var ax = Axes(title: "Fuzzy cover: balls of radius = distance to the 5th neighbour", xLabel: "x", yLabel: "y",
                      equalAspect: true)
        ax.add(.circles(CircleSeries(x: x, y: y, radius: radius, color: Palette.okabeIto[0], alpha: 0.12, label: "ball B(xᵢ, r₅(xᵢ))")))
        ax.add(.scatter(ScatterSeries(x: x, y: y, color: .ink, label: "data point xᵢ", size: 3, alpha: 1)))
        return try Figure(width: 6.4, height: 4.8, dpi: 150).render(ax)
    }

    /// A 2 × 2 grid of line plots with shared x (all panels) and y (per row) axes and one legend.
    static func sharedAxes() throws -> RenderedFigure {
        var rng = RandomStream(seed: 7, purpose: "gallery.shared")
        let ks = [5.0, 10, 15, 20, 30, 50, 100]
        var panels: [Axes] = []
        for (metric, base) in [("trustworthiness T(k)", 0.97), ("continuity C(k)", 0.95)] {
            for dataset in ["swiss roll", "blobs"] {
                var ax = Axes(title: dataset, xLabel: "neighbourhood size k", yLabel: metric, xScale: .log)
                for (j, method) in ["method A", "method B", "method C"].enumerated() {
                    let mean = ks.map { base - 0.02 * Double(j) - 0.01 * DeterministicMath.log($0) * Double(j + 1) / 3 + 0.003 * rng.nextGaussian() }
                    let sd = ks.map { _ in 0.004 + 0.003 * rng.nextDouble() }
                    ax.add(.line(LineSeries(x: ks, y: mean, lower: zip(mean, sd).map { $0 - $1 }, upper: zip(mean, sd).map { $0 + $1 },
                                            label: method, dash: j == 2 ? [4, 2] : nil, marker: j == 1 ? .square : .circle)))
                }
                panels.append(ax)
            }
        }
        panels[0].add(.text(TextAnnotation("T(15) = 0.957", x: 0.03, y: 0.03, anchor: TextAnchor(.left, .bottom))))
        let grid = PanelGrid(rows: 2, cols: 2, panels: panels, sharedX: .all, sharedY: .row,
                             title: "Shared axes and one legend", sharedLegend: true)
        return try Figure(width: 7.5, height: 5.6, dpi: 150).render(grid)
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in 0..<a.count { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb) }
        return sab / (saa * sbb).squareRoot()
    }
}
