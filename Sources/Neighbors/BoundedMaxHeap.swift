/// A bounded max-heap keeping the `capacity` smallest (value, index) pairs seen.
///
/// Equal values are ordered by index, so what is kept never depends on the
/// order candidates are offered in: every k-nearest search in the project
/// (exact kNN, t-SNE transform, the quality metrics) is deterministic through it.
/// Push is O(log capacity); the largest kept pair is on top, so a candidate
/// that cannot enter is rejected in O(1).
public struct BoundedMaxHeap<Value: Comparable, Index: Comparable> {
    /// Most pairs kept.
    public let capacity: Int
    @usableFromInline var heapValues: [Value]
    @usableFromInline var heapIndices: [Index]

    public init(capacity: Int) {
        self.capacity = max(capacity, 0)
        heapValues = []
        heapIndices = []
        heapValues.reserveCapacity(self.capacity)
        heapIndices.reserveCapacity(self.capacity)
    }

    /// Number of pairs kept so far.
    @inlinable public var count: Int { heapValues.count }

    /// The largest kept pair (the one a better candidate would replace), or nil when empty.
    @inlinable public var top: (value: Value, index: Index)? {
        heapValues.isEmpty ? nil : (heapValues[0], heapIndices[0])
    }

    /// Empties the heap, keeping its storage.
    @inlinable public mutating func clear() {
        heapValues.removeAll(keepingCapacity: true)
        heapIndices.removeAll(keepingCapacity: true)
    }

    @inlinable
    static func greater(_ a: Value, _ i: Index, _ b: Value, _ j: Index) -> Bool {
        a > b || (a == b && i > j)
    }

    /// Offers a candidate; it is kept if it is among the `capacity` smallest so far.
    @inlinable
    public mutating func push(_ value: Value, _ index: Index) {
        if capacity == 0 { return }
        if heapValues.count < capacity {
            heapValues.append(value); heapIndices.append(index)
            var c = heapValues.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                guard Self.greater(heapValues[c], heapIndices[c], heapValues[p], heapIndices[p]) else { break }
                heapValues.swapAt(c, p); heapIndices.swapAt(c, p); c = p
            }
            return
        }
        guard Self.greater(heapValues[0], heapIndices[0], value, index) else { return }
        heapValues[0] = value; heapIndices[0] = index
        var p = 0
        let n = heapValues.count
        while true {
            let l = 2 * p + 1, r = l + 1
            var m = p
            if l < n && Self.greater(heapValues[l], heapIndices[l], heapValues[m], heapIndices[m]) { m = l }
            if r < n && Self.greater(heapValues[r], heapIndices[r], heapValues[m], heapIndices[m]) { m = r }
            if m == p { break }
            heapValues.swapAt(p, m); heapIndices.swapAt(p, m); p = m
        }
    }

    /// The kept pairs, ascending by (value, index).
    public func sortedAscending() -> [(Value, Index)] {
        zip(heapValues, heapIndices).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    }

    /// The kept indices, ascending by (value, index).
    public func sortedIndices() -> [Index] { sortedAscending().map { $0.1 } }
}

/// The heap of exact kNN searches: Float distances, Int32 point indices.
public typealias NeighborHeap = BoundedMaxHeap<Float, Int32>

extension BoundedMaxHeap where Value == Float, Index == Int32 {
    /// Offers neighbour `index` at `distance`.
    @inlinable
    public mutating func push(distance: Float, index: Int32) { push(distance, index) }
}
