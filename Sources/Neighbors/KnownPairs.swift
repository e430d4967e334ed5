/// Which pairs among the members of one join already know each other: `knows(a, b)`
/// is true when member b is in the neighbour heap of member a.
///
/// With large k most pairs that a join measures are already neighbours; proposing them
/// only to have the heap reject them costs more than measuring them. Marking them takes
/// one pass over the members' heaps (count · K look-ups in a position map) instead of a
/// heap scan per pair. Skipping a pair that the heap would reject changes nothing.
///
/// Scratch memory of one worker; not thread-safe. Call `deallocate()` when done.
struct KnownPairs {
    let capacity: Int
    /// `position[j]` is j's slot among the members, −1 when j is not a member (n entries).
    let position: UnsafeMutablePointer<Int32>
    /// count × count flags, row a for member a.
    let known: UnsafeMutablePointer<UInt8>
    private(set) var count = 0

    /// For joins of up to `capacity` members among `n` points.
    init(n: Int, capacity: Int) {
        self.capacity = max(capacity, 1)
        position = .allocate(capacity: max(n, 1))
        position.initialize(repeating: -1, count: max(n, 1))
        known = .allocate(capacity: self.capacity * self.capacity)
    }

    func deallocate() {
        position.deallocate(); known.deallocate()
    }

    /// Marks the pairs of `members[0..<count]` known through `heaps` (K indices per point, −1 empty).
    /// A point listed twice among the members is found at its last slot only.
    mutating func mark(members: UnsafePointer<Int32>, count: Int, heaps: UnsafePointer<Int32>, K: Int) {
        self.count = count
        for b in 0..<count { position[Int(members[b])] = Int32(b) }
        known.update(repeating: 0, count: count * count)
        for a in 0..<count {
            let row = heaps + Int(members[a]) * K, flags = known + a * count
            for s in 0..<K {
                let j = row[s]
                if j < 0 { continue }
                let b = position[Int(j)]
                if b >= 0 { flags[Int(b)] = 1 }
            }
        }
        for b in 0..<count { position[Int(members[b])] = -1 }
    }

    /// True when member b is in member a's neighbour heap.
    @inline(__always)
    func knows(_ a: Int, _ b: Int) -> Bool { known[a * count + b] != 0 }
}
