import CKernels

/// A complex FFT of one length, applied to eight sequences at once, with the same bits on every
/// CPU.
///
/// **Determinism contract.** The arithmetic is fixed by the length alone: the length is factored
/// the same way everywhere (radix 4 first, then 2, then odd primes in increasing order), each
/// stage is a Stockham decimation-in-frequency step in a fixed loop order, twiddle factors are
/// computed once in double precision through `DeterministicMath`, and every butterfly sums in a
/// written-down order without fused multiply-add. The eight SIMD lanes hold eight *different*
/// sequences, so a lane computes exactly what a scalar FFT would; no library and no CPU feature
/// chooses anything. This replaces FFTW, whose codelets are picked by CPU (issue 15).
///
/// The plan (radices and twiddle tables) is made here; the butterflies run in C
/// (`CKernels/fft.c`), where eight floats are one vector whatever the registers (SSE2 or AVX2,
/// chosen by CPU for speed only, the same bits). Each butterfly, per lane:
/// - a stage of radix p reads a_k = x[q + stride·(j + k·sub)] and writes
///   y[q + stride·(p·j + r)] = b_r · w(j, r), b the length-p DFT of a, w(j, r) = exp(∓2πi·j·r/len)
///   (skipped for j = 0), (a + ib)·(c + is) = (ac − bs) + i(as + bc) with s = ∓sin broadcast;
/// - radix 2: b₀ = a₀ + a₁, b₁ = a₀ − a₁;
/// - radix 3: S = a₁ + a₂, D = a₁ − a₂, M = a₀ − S·½, b₀ = a₀ + S, b₁,₂ = M ∓ i·s₃·D with
///   s₃ = ∓sin(2π/3) (b₁ = (M.re − s₃·D.im, M.im + s₃·D.re));
/// - radix 4: t₀ = a₀ + a₂, t₁ = a₀ − a₂, t₂ = a₁ + a₃, t₃ = ∓i·(a₁ − a₃); b₀ = t₀ + t₂,
///   b₁ = t₁ + t₃, b₂ = t₀ − t₂, b₃ = t₁ − t₃;
/// - radix 5: S₁ = a₁ + a₄, D₁ = a₁ − a₄, S₂ = a₂ + a₃, D₂ = a₂ − a₃; U₁ = a₀ + c₁S₁ + c₂S₂,
///   U₂ = a₀ + c₂S₁ + c₁S₂, V₁ = s₁D₁ + s₂D₂, V₂ = s₂D₁ − s₁D₂ (c₁, c₂, s₁, s₂ the cos and sin
///   of 2π/5 and 4π/5), b₀ = a₀ + S₁ + S₂, forward b_r = U_r − i·V_r, b_{5−r} = U_r + i·V_r;
/// - odd p ≥ 7: s_k = a_k + a_{p−k}, d_k = a_k − a_{p−k}, U_r = a₀ + Σ_k cos(2πrk/p)·s_k,
///   V_r = 0 + Σ_k sin(2πrk/p)·d_k (k ascending), b₀ = a₀ + Σ_k s_k, forward b_r = U_r − i·V_r,
///   b_{p−r} = U_r + i·V_r;
/// each sum left to right. Inverse swaps the signs of i.
///
/// Forward: X[f] = Σ_t x[t] · exp(−2πi f t / n). Inverse: the same with +i, unnormalised
/// (a forward-inverse round trip multiplies by n).
public struct FFTPlan: Sendable {
    /// Transform length n (≥ 1).
    public let length: Int
    /// Radices of the stages, in the order they run (their product is n).
    public let radices: [Int]
    /// The tables in the layout the C kernels read (`mb_fft_plan`).
    let tables: FFTTables

    /// Largest prime factor a length may have (the odd-radix butterfly's scratch bound in C).
    public static let largestPrimeFactor = 513

    /// Plans a transform of `length` points, whose prime factors are at most
    /// `largestPrimeFactor`. A prime p costs O(p) per point in its stage; callers that choose
    /// their length prefer 2·3·5·7-smooth ones.
    public init(length: Int) {
        precondition(length >= 1, "FFT length must be positive")
        self.length = length
        radices = FFTPlan.factor(length)
        precondition(radices.allSatisfy { $0 <= FFTPlan.largestPrimeFactor },
                     "FFT length \(length) has a prime factor above \(FFTPlan.largestPrimeFactor)")
        // Per stage: cos and sin of 2π·j·r/len for j < len/p and 1 ≤ r < p, stored [j][r − 1].
        var cosTable: [Float] = [], sinTable: [Float] = [], tableOffset: [Int] = []
        var len = length
        for p in radices {
            let sub = len / p
            tableOffset.append(cosTable.count)
            for j in 0..<sub {
                for r in 1..<p {
                    // Reduce j·r modulo len exactly in integers before the angle is formed.
                    let angle = 2 * Double.pi * Double((j * r) % len) / Double(len)
                    cosTable.append(Float(DeterministicMath.cos(angle)))
                    sinTable.append(Float(DeterministicMath.sin(angle)))
                }
            }
            len = sub
        }
        // Per stage of odd radix p > 5: cos/sin(2π·r·k/p) for r, k in 1…(p−1)/2, stored [r − 1][k − 1].
        var oddCos: [Float] = [], oddSin: [Float] = [], oddOffset: [Int] = []
        var oddStart: [Int: Int] = [:]
        for p in radices {
            guard p > 5 else { oddOffset.append(0); continue }
            if let start = oddStart[p] { oddOffset.append(start); continue }
            oddStart[p] = oddCos.count
            oddOffset.append(oddCos.count)
            let h = (p - 1) / 2
            for r in 1...h {
                for k in 1...h {
                    let angle = 2 * Double.pi * Double((r * k) % p) / Double(p)
                    oddCos.append(Float(DeterministicMath.cos(angle)))
                    oddSin.append(Float(DeterministicMath.sin(angle)))
                }
            }
        }
        tables = FFTTables(length: length, radices: radices, cosTable: cosTable, sinTable: sinTable,
                           tableOffset: tableOffset, oddCos: oddCos, oddSin: oddSin, oddOffset: oddOffset)
    }

    /// The stage radices for n: as many 4s as fit, then a 2, then odd primes ascending.
    static func factor(_ n: Int) -> [Int] {
        var rest = n, out: [Int] = []
        while rest % 4 == 0 { out.append(4); rest /= 4 }
        if rest % 2 == 0 { out.append(2); rest /= 2 }
        var p = 3
        while rest > 1 {
            if p * p > rest { out.append(rest); break }
            while rest % p == 0 { out.append(p); rest /= p }
            p += 2
        }
        return out
    }

    /// Transforms eight sequences in place. `re`/`im` hold `length` vectors (element t of the
    /// eight sequences); `workRe`/`workIm` are scratch of the same size.
    public func transform(re: UnsafeMutablePointer<SIMD8<Float>>, im: UnsafeMutablePointer<SIMD8<Float>>,
                          workRe: UnsafeMutablePointer<SIMD8<Float>>, workIm: UnsafeMutablePointer<SIMD8<Float>>,
                          inverse: Bool) {
        let status = mb_fft8(tables.plan, UnsafeMutableRawPointer(re).assumingMemoryBound(to: Float.self),
                             UnsafeMutableRawPointer(im).assumingMemoryBound(to: Float.self),
                             UnsafeMutableRawPointer(workRe).assumingMemoryBound(to: Float.self),
                             UnsafeMutableRawPointer(workIm).assumingMemoryBound(to: Float.self), inverse ? 1 : 0)
        precondition(status == 0, "mb_fft8 refused its plan")
    }
}

/// The plan's tables in memory the C kernels can hold on to: allocated once, immutable, freed
/// with the last plan that shares them.
final class FFTTables: @unchecked Sendable {
    /// Points at the arrays below; valid for the object's lifetime.
    let plan: UnsafeMutablePointer<mb_fft_plan>
    private let buffers: [UnsafeMutableRawPointer]

    init(length: Int, radices: [Int], cosTable: [Float], sinTable: [Float], tableOffset: [Int],
         oddCos: [Float], oddSin: [Float], oddOffset: [Int]) {
        func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
            _ = UnsafeMutableBufferPointer(start: p, count: values.count).initialize(from: values)
            return p
        }
        let radix = copy(radices), c = copy(cosTable), s = copy(sinTable), to = copy(tableOffset)
        let oc = copy(oddCos), os = copy(oddSin), oo = copy(oddOffset)
        plan = .allocate(capacity: 1)
        plan.initialize(to: mb_fft_plan(length: length, stages: radices.count, radix: radix, cos_table: c,
                                        sin_table: s, table_offset: to, odd_cos: oc, odd_sin: os, odd_offset: oo))
        buffers = [UnsafeMutableRawPointer(radix), UnsafeMutableRawPointer(c), UnsafeMutableRawPointer(s),
                   UnsafeMutableRawPointer(to), UnsafeMutableRawPointer(oc), UnsafeMutableRawPointer(os),
                   UnsafeMutableRawPointer(oo)]
    }

    deinit {
        for b in buffers { b.deallocate() }
        plan.deallocate()
    }
}
