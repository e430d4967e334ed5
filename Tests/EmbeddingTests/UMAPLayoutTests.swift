import XCTest
@testable import Embedding
@testable import Linalg

/// The SGD schedule of `UMAPLayout`: group-by-group synchronous sub-steps, ownership
/// of chunk vertices, and independence of the thread count.
final class UMAPLayoutTests: XCTestCase {
    /// A random symmetric graph on `n` vertices with about `degree` neighbours each, weights in (0.05, 1].
    func randomGraph(_ n: Int, degree: Int, seed: UInt64) -> UMAPGraph {
        var rng = RandomStream(seed: seed)
        var weights: [Int: Float] = [:]
        for i in 0..<n {
            for _ in 0..<(degree / 2) {
                let j = rng.nextInt(below: n)
                if j == i { continue }
                let w = Float(0.05 + 0.95 * rng.nextDouble())
                weights[min(i, j) * n + max(i, j)] = w
            }
        }
        var lists = [[(Int32, Float)]](repeating: [], count: n)
        for (key, w) in weights.sorted(by: { $0.key < $1.key }) {
            let i = key / n, j = key % n
            lists[i].append((Int32(j), w)); lists[j].append((Int32(i), w))
        }
        return UMAPGraph.fromRows(n, cols: n, lists)
    }

    func randomPositions(_ n: Int, dim: Int, seed: UInt64) -> [Float] {
        var rng = RandomStream(seed: seed)
        return (0..<n * dim).map { _ in Float(rng.nextDouble() * 10) }
    }

    func layout(_ g: UMAPGraph, epochs: Int, negativeRate: Int, deterministic: Bool = true,
                partition: (Int, Int)? = nil) throws -> UMAPLayout {
        let umap = try UMAP(parameters: ["negative_sample_rate": .number(Double(negativeRate)),
                                         "deterministic": .flag(deterministic)])
        let (a, b) = umap.curve
        var l = umap.makeLayout(graph: g, epochs: epochs, a: a, b: b, moveOther: true)
        if let partition { l.partition = (partition.0, partition.1) }
        return l
    }

    /// The documented schedule written out plainly (positive edges only, 2-D, library pow):
    /// per group, a copy of all positions; each chunk reads its own vertices and vertices
    /// outside the group live, the group's other vertices from the copy; moves of tails
    /// outside the chunk are applied after the group.
    func reference(_ l: UMAPLayout, positions: [Float], chunkSize: Int, chunksPerGroup: Int) -> [Float] {
        let n = l.edgeStart.count - 1
        var x = positions, next = l.epochsPerSample
        func clip(_ v: Float) -> Float { max(-4, min(4, v)) }
        for epoch in 0..<l.epochs {
            let alpha = l.initialAlpha * (1 - Float(epoch) / Float(l.epochs))
            for groupStart in stride(from: 0, to: n, by: chunkSize * chunksPerGroup) {
                let group = groupStart..<min(n, groupStart + chunkSize * chunksPerGroup)
                let copy = x
                var pending: [(Int, Float, Float)] = []
                for chunkStart in stride(from: group.lowerBound, to: group.upperBound, by: chunkSize) {
                    let own = chunkStart..<min(group.upperBound, chunkStart + chunkSize)
                    for j in own {
                        for e in l.edgeStart[j]..<l.edgeStart[j + 1] where next[e] <= Double(epoch) {
                            let k = Int(l.tail[e])
                            let live = own.contains(k) || !group.contains(k)
                            let ox = live ? x[2 * k] : copy[2 * k], oy = live ? x[2 * k + 1] : copy[2 * k + 1]
                            let dx = x[2 * j] - ox, dy = x[2 * j + 1] - oy
                            let d2 = dx * dx + dy * dy
                            let coeff: Float = d2 > 0 ? -2 * l.a * l.b * powf(d2, l.b - 1) / (l.a * powf(d2, l.b) + 1) : 0
                            let gx = clip(coeff * dx) * alpha, gy = clip(coeff * dy) * alpha
                            x[2 * j] += gx; x[2 * j + 1] += gy
                            if own.contains(k) { x[2 * k] -= gx; x[2 * k + 1] -= gy } else { pending.append((k, -gx, -gy)) }
                            next[e] += l.epochsPerSample[e]
                        }
                    }
                }
                for (k, gx, gy) in pending { x[2 * k] += gx; x[2 * k + 1] += gy }
            }
        }
        return x
    }

    func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    func testGroupedSubStepsFollowTheDocumentedSchedule() throws {
        let n = 60
        let g = randomGraph(n, degree: 8, seed: 1)
        let start = randomPositions(n, dim: 2, seed: 2)
        let l = try layout(g, epochs: 6, negativeRate: 0, partition: (4, 3))
        var ours = start
        l.optimise(head: &ours, dim: 2, tailEmbedding: nil, tailCount: n, seed: 3)
        let expected = reference(l, positions: start, chunkSize: 4, chunksPerGroup: 3)
        XCTAssertLessThan(maxDifference(ours, expected), 1e-3)
        // The test can tell schedules apart: one synchronous step per epoch (the old scheme's
        // grouping) and one group per chunk both end far from the grouped result.
        let oneGroup = reference(l, positions: start, chunkSize: 4, chunksPerGroup: 1000)
        let perChunk = reference(l, positions: start, chunkSize: 4, chunksPerGroup: 1)
        XCTAssertGreaterThan(maxDifference(expected, oneGroup), 0.05)
        XCTAssertGreaterThan(maxDifference(expected, perChunk), 0.05)
    }

    func testSingleChunkIsTheSequentialSweep() throws {
        let n = 50
        let g = randomGraph(n, degree: 6, seed: 4)
        let start = randomPositions(n, dim: 2, seed: 5)
        var det = start, seq = start
        try layout(g, epochs: 8, negativeRate: 0, partition: (n, 1))
            .optimise(head: &det, dim: 2, tailEmbedding: nil, tailCount: n, seed: 6)
        try layout(g, epochs: 8, negativeRate: 0, deterministic: false)
            .optimise(head: &seq, dim: 2, tailEmbedding: nil, tailCount: n, seed: 6)
        XCTAssertEqual(det, seq)
        // Also in 3-D (the general sweep).
        var det3 = randomPositions(n, dim: 3, seed: 7), seq3 = det3
        try layout(g, epochs: 8, negativeRate: 0, partition: (n, 1))
            .optimise(head: &det3, dim: 3, tailEmbedding: nil, tailCount: n, seed: 6)
        try layout(g, epochs: 8, negativeRate: 0, deterministic: false)
            .optimise(head: &seq3, dim: 3, tailEmbedding: nil, tailCount: n, seed: 6)
        XCTAssertEqual(det3, seq3)
    }

    func testManyGroupsAreThreadIndependent() throws {
        // Default partition: 5000 heads make 79 chunks of 64 in 5 groups.
        let n = 5000
        let g = randomGraph(n, degree: 10, seed: 8)
        let l = try layout(g, epochs: 6, negativeRate: 5)
        XCTAssertGreaterThan(n, 64 * UMAPLayout.defaultChunksPerGroup)
        for dim in [2, 3] {
            let start = randomPositions(n, dim: dim, seed: 9)
            var results: [[Float]] = []
            for threads in [1, 2, 3] {
                var x = start
                Parallel.withThreadCount(threads) {
                    l.optimise(head: &x, dim: dim, tailEmbedding: nil, tailCount: n, seed: 10)
                }
                results.append(x)
            }
            XCTAssertEqual(results[0], results[1])
            XCTAssertEqual(results[0], results[2])
            XCTAssertNotEqual(results[0], start)
            XCTAssertTrue(results[0].allSatisfy { $0.isFinite })
        }
    }

    /// One chunk, 2-D, with negative samples, written out plainly: per due edge an attractive
    /// step (the tail takes the opposite one), then the edge's negative samples, all measured
    /// from the head's position after that step and added together.
    /// `summed: false` applies each negative sample in turn instead (umap-learn's order).
    func referenceWithNegatives(_ l: UMAPLayout, positions: [Float], seed: UInt64, summed: Bool = true) -> [Float] {
        let n = l.edgeStart.count - 1
        let period = l.epochsPerSample.map { Float($0) }
        var x = positions, next = period
        let negativePeriod = l.epochsPerSample.map { Float($0 / l.negativeSampleRate) }
        var nextNegative = negativePeriod
        func clip(_ v: Float) -> Float { max(-4, min(4, v)) }
        for epoch in 0..<l.epochs {
            let alpha = l.initialAlpha * (1 - Float(epoch) / Float(l.epochs))
            var rng = RandomStream(seed: seed, purpose: "umap.sgd", index: UInt64(epoch))
            for j in 0..<n {
                for e in l.edgeStart[j]..<l.edgeStart[j + 1] where next[e] <= Float(epoch) {
                    let k = Int(l.tail[e])
                    let dx = x[2 * j] - x[2 * k], dy = x[2 * j + 1] - x[2 * k + 1]
                    let d2 = dx * dx + dy * dy
                    let coeff: Float = d2 > 0 ? -2 * l.a * l.b * powf(d2, l.b - 1) / (l.a * powf(d2, l.b) + 1) : 0
                    let gx = clip(coeff * dx) * alpha, gy = clip(coeff * dy) * alpha
                    x[2 * j] += gx; x[2 * j + 1] += gy
                    x[2 * k] -= gx; x[2 * k + 1] -= gy
                    next[e] += period[e]
                    let count = Int((Float(epoch) - nextNegative[e]) / negativePeriod[e])
                    guard count > 0 else { continue }
                    nextNegative[e] += Float(count) * negativePeriod[e]
                    var sx: Float = 0, sy: Float = 0
                    for _ in 0..<count {
                        let s = rng.nextInt(below: n)
                        if s == j { continue }
                        let ex = x[2 * j] + (summed ? 0 : sx) - x[2 * s], ey = x[2 * j + 1] + (summed ? 0 : sy) - x[2 * s + 1]
                        let nd2 = ex * ex + ey * ey
                        guard nd2 > 0 else { continue }
                        let c = 2 * l.gamma * l.b / ((0.001 + nd2) * (l.a * powf(nd2, l.b) + 1))
                        sx += clip(c * ex) * alpha; sy += clip(c * ey) * alpha
                    }
                    x[2 * j] += sx; x[2 * j + 1] += sy
                }
            }
        }
        return x
    }

    func testNegativeSamplesOfAnEdgeAreSummedFromOnePosition() throws {
        let n = 40
        let g = randomGraph(n, degree: 6, seed: 11)
        let start = randomPositions(n, dim: 2, seed: 12)
        let l = try layout(g, epochs: 5, negativeRate: 3, partition: (n, 1))
        var ours = start
        l.optimise(head: &ours, dim: 2, tailEmbedding: nil, tailCount: n, seed: 13)
        let expected = referenceWithNegatives(l, positions: start, seed: 13)
        XCTAssertLessThan(maxDifference(ours, expected), 1e-3)
        XCTAssertGreaterThan(maxDifference(ours, start), 0.05)
        // The test tells the orders apart: negatives applied one by one end elsewhere.
        let oneByOne = referenceWithNegatives(l, positions: start, seed: 13, summed: false)
        XCTAssertGreaterThan(maxDifference(oneByOne, expected), 0.01)
        // The general sweep (here 3-D with a constant third coordinate) follows the same order.
        var flat = [Float](repeating: 0, count: 3 * n)
        for i in 0..<n { flat[3 * i] = start[2 * i]; flat[3 * i + 1] = start[2 * i + 1]; flat[3 * i + 2] = 1 }
        l.optimise(head: &flat, dim: 3, tailEmbedding: nil, tailCount: n, seed: 13)
        let projected = (0..<n).flatMap { [flat[3 * $0], flat[3 * $0 + 1]] }
        XCTAssertLessThan(maxDifference(projected, expected), 1e-3)
        XCTAssertTrue((0..<n).allSatisfy { flat[3 * $0 + 2] == 1 })
    }
}
