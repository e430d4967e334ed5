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
        let saved = Parallel.threadCount
        defer { Parallel.threadCount = saved }
        // Default partition: 5000 heads make 79 chunks of 64 in 5 groups.
        let n = 5000
        let g = randomGraph(n, degree: 10, seed: 8)
        let l = try layout(g, epochs: 6, negativeRate: 5)
        XCTAssertGreaterThan(n, 64 * UMAPLayout.defaultChunksPerGroup)
        for dim in [2, 3] {
            let start = randomPositions(n, dim: dim, seed: 9)
            var results: [[Float]] = []
            for threads in [1, 2, 3] {
                Parallel.threadCount = threads
                var x = start
                l.optimise(head: &x, dim: dim, tailEmbedding: nil, tailCount: n, seed: 10)
                results.append(x)
            }
            XCTAssertEqual(results[0], results[1])
            XCTAssertEqual(results[0], results[2])
            XCTAssertNotEqual(results[0], start)
            XCTAssertTrue(results[0].allSatisfy { $0.isFinite })
        }
    }
}
