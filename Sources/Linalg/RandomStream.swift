/// The project's seeded pseudo-random generator: xoshiro256** (Blackman & Vigna),
/// seeded through SplitMix64.
///
/// Every random draw in ManifoldBench comes from a `RandomStream`. Streams are
/// derived from `(seed, purpose, index)`, so each parallel chunk, epoch or task
/// has its own independent stream and results never depend on scheduling or on
/// the number of threads. The algorithm is fixed and covered by known-answer
/// tests: changing it changes every published number.
public struct RandomStream: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// A stream seeded directly from a 64-bit seed (SplitMix64 expands it to 256 bits).
    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }  // the all-zero state is a fixed point
    }

    /// The stream for `purpose` (a short stable name such as `"umap.sgd"`) and
    /// `index` (chunk, epoch or task number) under a user `seed`.
    public init(seed: UInt64, purpose: String, index: UInt64 = 0) {
        self.init(seed: RandomStream.derive(seed: seed, purpose: purpose, index: index))
    }

    /// Mixes `(seed, purpose, index)` into one 64-bit seed; stable across runs and platforms.
    public static func derive(seed: UInt64, purpose: String, index: UInt64) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the UTF-8 bytes of purpose
        for byte in purpose.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        var sm = SplitMix64(state: seed ^ SplitMix64.mix(h))
        let a = sm.next()
        var sm2 = SplitMix64(state: a ^ SplitMix64.mix(index &+ 0x632B_E59B_D9B4_E019))
        return sm2.next()
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable
    @usableFromInline func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform `Double` in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform `Float` in [0, 1) with 24 random bits.
    @inlinable
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// Uniform integer in `0 ..< bound` without modulo bias (Lemire's method).
    /// - Precondition: `bound > 0`.
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Standard normal deviate (Box–Muller in `Double`; one of the pair is discarded
    /// so that each call consumes exactly two draws, keeping streams easy to reason about).
    /// `log` and `cos` are `DeterministicMath`'s, so the bits do not depend on the C library or CPU.
    @inlinable
    public mutating func nextGaussian() -> Double {
        var u1 = nextDouble()
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = nextDouble()
        return (-2 * DeterministicMath.log(u1)).squareRoot() * DeterministicMath.cos(2 * Double.pi * u2)
    }

    /// A uniformly random permutation of `0 ..< n` (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, nextInt(below: i + 1)) }
        }
        return p
    }

    /// `k` distinct indices from `0 ..< n`, in random order (partial Fisher–Yates for small k).
    public mutating func sample(_ k: Int, from n: Int) -> [Int] {
        precondition(k >= 0 && k <= n, "cannot sample \(k) of \(n)")
        if k * 4 > n {
            return Array(permutation(n).prefix(k))
        }
        var chosen = Set<Int>()
        var out: [Int] = []
        out.reserveCapacity(k)
        while out.count < k {
            let i = nextInt(below: n)
            if chosen.insert(i).inserted { out.append(i) }
        }
        return out
    }
}

/// SplitMix64 (Steele, Lea & Flood): used to seed and to derive streams.
public struct SplitMix64: Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }

    @inlinable
    public mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective 64-bit mixer.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

