import XCTest
@testable import Linalg

/// The project's own FFT against the DFT's definition, and its determinism rules.
final class FFTTests: XCTestCase {
    /// A seeded complex sequence of length n per lane.
    private func sequences(_ n: Int, seed: UInt64) -> (re: [SIMD8<Float>], im: [SIMD8<Float>]) {
        var rng = RandomStream(seed: seed, purpose: "fft-test")
        var re = [SIMD8<Float>](repeating: .zero, count: n), im = re
        for t in 0..<n {
            for lane in 0..<8 {
                re[t][lane] = Float(rng.nextGaussian())
                im[t][lane] = Float(rng.nextGaussian())
            }
        }
        return (re, im)
    }

    private func run(_ plan: FFTPlan, _ re: [SIMD8<Float>], _ im: [SIMD8<Float>], inverse: Bool) -> ([SIMD8<Float>], [SIMD8<Float>]) {
        var r = re, i = im
        var wr = [SIMD8<Float>](repeating: .zero, count: re.count), wi = wr
        r.withUnsafeMutableBufferPointer { rb in
            i.withUnsafeMutableBufferPointer { ib in
                wr.withUnsafeMutableBufferPointer { wrb in
                    wi.withUnsafeMutableBufferPointer { wib in
                        plan.transform(re: rb.baseAddress!, im: ib.baseAddress!, workRe: wrb.baseAddress!,
                                       workIm: wib.baseAddress!, inverse: inverse)
                    }
                }
            }
        }
        return (r, i)
    }

    /// Σ_t x[t]·exp(∓2πi f t / n) in double precision, for one lane.
    private func dft(_ re: [SIMD8<Float>], _ im: [SIMD8<Float>], lane: Int, inverse: Bool) -> ([Double], [Double]) {
        let n = re.count
        var outR = [Double](repeating: 0, count: n), outI = outR
        let sign = inverse ? 1.0 : -1.0
        for f in 0..<n {
            var sr = 0.0, si = 0.0
            for t in 0..<n {
                let angle = sign * 2 * Double.pi * Double((f * t) % n) / Double(n)
                let c = Foundation.cos(angle), s = Foundation.sin(angle)
                let xr = Double(re[t][lane]), xi = Double(im[t][lane])
                sr += xr * c - xi * s
                si += xr * s + xi * c
            }
            outR[f] = sr; outI[f] = si
        }
        return (outR, outI)
    }

    func testFactorisationIsRadix4Then2ThenOddPrimes() {
        XCTAssertEqual(FFTPlan.factor(1), [])
        XCTAssertEqual(FFTPlan.factor(2), [2])
        XCTAssertEqual(FFTPlan.factor(8), [4, 2])
        XCTAssertEqual(FFTPlan.factor(600), [4, 2, 3, 5, 5])
        XCTAssertEqual(FFTPlan.factor(510), [2, 3, 5, 17])
        XCTAssertEqual(FFTPlan.factor(97), [97])
        XCTAssertEqual(FFTPlan.factor(150).reduce(1, *), 150)
    }

    /// Every length up to 40 and the grid sizes t-SNE uses (6 × the interval counts, including the
    /// primes 11, 13 and 17), both directions, every lane, against the definition.
    func testMatchesTheDefinition() {
        for n in Array(1...40) + [150, 216, 330, 390, 510, 600] {
            let plan = FFTPlan(length: n)
            let (re, im) = sequences(n, seed: UInt64(n))
            for inverse in [false, true] {
                let (r, i) = run(plan, re, im, inverse: inverse)
                for lane in [0, 3, 7] {
                    let (er, ei) = dft(re, im, lane: lane, inverse: inverse)
                    var err = 0.0, norm = 0.0
                    for f in 0..<n {
                        err = max(err, abs(Double(r[f][lane]) - er[f]), abs(Double(i[f][lane]) - ei[f]))
                        norm = max(norm, abs(er[f]), abs(ei[f]))
                    }
                    XCTAssertLessThan(err, 2e-6 * Double(n).squareRoot() * max(norm, 1), "n = \(n), inverse = \(inverse), lane \(lane)")
                }
            }
        }
    }

    func testRoundTripMultipliesByLength() {
        for n in [12, 150, 510] {
            let plan = FFTPlan(length: n)
            let (re, im) = sequences(n, seed: 7)
            let (fr, fi) = run(plan, re, im, inverse: false)
            let (br, bi) = run(plan, fr, fi, inverse: true)
            for t in 0..<n {
                for lane in 0..<8 {
                    XCTAssertEqual(br[t][lane] / Float(n), re[t][lane], accuracy: 1e-5)
                    XCTAssertEqual(bi[t][lane] / Float(n), im[t][lane], accuracy: 1e-5)
                }
            }
        }
    }

    /// A lane computes exactly what it would alone: moving a sequence to another lane, with other
    /// data beside it, gives the same bits (so the SIMD width cannot change a result).
    func testLanesAreIndependentToTheBit() {
        let n = 330
        let plan = FFTPlan(length: n)
        let (re, im) = sequences(n, seed: 11)
        var movedRe = [SIMD8<Float>](repeating: .zero, count: n), movedIm = movedRe
        for t in 0..<n {
            for lane in 0..<8 {
                movedRe[t][lane] = re[t][(lane + 3) % 8]
                movedIm[t][lane] = im[t][(lane + 3) % 8]
            }
        }
        let (r1, i1) = run(plan, re, im, inverse: false)
        let (r2, i2) = run(plan, movedRe, movedIm, inverse: false)
        for t in 0..<n {
            for lane in 0..<8 {
                XCTAssertEqual(r2[t][lane].bitPattern, r1[t][(lane + 3) % 8].bitPattern)
                XCTAssertEqual(i2[t][lane].bitPattern, i1[t][(lane + 3) % 8].bitPattern)
            }
        }
    }

    /// The 2-D transform against the 2-D DFT (spectrum transposed), with zero columns pruned, and
    /// its inverse; bit-identical for 1 and 2 threads.
    func testSquareGridForwardAndInverse() {
        for m in [6, 30, 42] {
            let fft = SquareGridFFT(size: m)
            let ld = fft.stride
            let support = m / 2
            var rng = RandomStream(seed: UInt64(m), purpose: "fft2d-test")
            var xr = [Float](repeating: 0, count: fft.elementCount), xi = xr
            for r in 0..<m { for c in 0..<support { xr[r * ld + c] = Float(rng.nextGaussian()); xi[r * ld + c] = Float(rng.nextGaussian()) } }

            func forward(threads: Int) -> ([Float], [Float]) {
                var a = xr, b = xi
                var sr = [Float](repeating: 0, count: fft.elementCount), si = sr
                Parallel.withThreadCount(threads) {
                    a.withUnsafeMutableBufferPointer { ab in b.withUnsafeMutableBufferPointer { bb in
                        sr.withUnsafeMutableBufferPointer { srb in si.withUnsafeMutableBufferPointer { sib in
                            fft.forward(re: ab.baseAddress!, im: bb.baseAddress!, outRe: srb.baseAddress!, outIm: sib.baseAddress!,
                                        nonzeroColumns: support)
                        } }
                    } }
                }
                return (sr, si)
            }
            let (sr, si) = forward(threads: 1)
            let (sr2, si2) = forward(threads: 2)
            XCTAssertEqual(sr.map(\.bitPattern), sr2.map(\.bitPattern))
            XCTAssertEqual(si.map(\.bitPattern), si2.map(\.bitPattern))
            for f in 0..<m {
                for g in 0..<m {
                    var er = 0.0, ei = 0.0
                    for r in 0..<m {
                        for c in 0..<support {
                            let angle = -2 * Double.pi * Double((f * r + g * c) % m) / Double(m)
                            let vr = Double(xr[r * ld + c]), vi = Double(xi[r * ld + c])
                            er += vr * Foundation.cos(angle) - vi * Foundation.sin(angle)
                            ei += vr * Foundation.sin(angle) + vi * Foundation.cos(angle)
                        }
                    }
                    XCTAssertEqual(Double(sr[g * ld + f]), er, accuracy: 1e-4 * Double(m), "m \(m) (\(f), \(g))")
                    XCTAssertEqual(Double(si[g * ld + f]), ei, accuracy: 1e-4 * Double(m), "m \(m) (\(f), \(g))")
                }
            }
            var br = [Float](repeating: 0, count: fft.elementCount), bi = br
            var specR = sr, specI = si
            specR.withUnsafeMutableBufferPointer { a in specI.withUnsafeMutableBufferPointer { b in
                br.withUnsafeMutableBufferPointer { c in bi.withUnsafeMutableBufferPointer { d in
                    fft.inverse(re: a.baseAddress!, im: b.baseAddress!, outRe: c.baseAddress!, outIm: d.baseAddress!, neededColumns: support)
                } }
            } }
            let scale = Float(m * m)
            for r in 0..<m {
                for c in 0..<support {
                    XCTAssertEqual(br[r * ld + c] / scale, xr[r * ld + c], accuracy: 1e-5)
                    XCTAssertEqual(bi[r * ld + c] / scale, xi[r * ld + c], accuracy: 1e-5)
                }
            }
        }
    }

    /// Every instruction-set variant of the C butterflies gives the same bits, for lengths that
    /// use every radix (2, 3, 4, 5, the written-out odd path with 7, 11, 13, 17, and a large prime),
    /// in 1-D and through the 2-D grid passes (m not a multiple of 8: partial groups and tails).
    func testSameBitsOnEveryInstructionSet() {
        defer { BLAS.forceKernelInstructionSet(nil) }
        for n in [1050, 660, 390, 510, 97, 24] {
            let plan = FFTPlan(length: n)
            let (re, im) = sequences(n, seed: UInt64(n))
            BLAS.forceKernelInstructionSet("sse2")
            let reference = run(plan, re, im, inverse: false)
            let referenceInverse = run(plan, re, im, inverse: true)
            for isa in ["avx2", "avx512"] {
                let used = BLAS.forceKernelInstructionSet(isa)
                let r = run(plan, re, im, inverse: false), ri = run(plan, re, im, inverse: true)
                XCTAssertEqual(r.0.flatMap { v in (0..<8).map { v[$0].bitPattern } },
                               reference.0.flatMap { v in (0..<8).map { v[$0].bitPattern } }, "n = \(n), \(used)")
                XCTAssertEqual(ri.1.flatMap { v in (0..<8).map { v[$0].bitPattern } },
                               referenceInverse.1.flatMap { v in (0..<8).map { v[$0].bitPattern } }, "n = \(n), \(used)")
            }
        }
        for m in [42, 150] {
            let fft = SquareGridFFT(size: m)
            var rng = RandomStream(seed: UInt64(m), purpose: "fft2d-isa")
            let support = m / 2 + 1
            var xr = [Float](repeating: 0, count: fft.elementCount), xi = xr
            for r in 0..<m { for c in 0..<support { xr[r * fft.stride + c] = Float(rng.nextGaussian()); xi[r * fft.stride + c] = Float(rng.nextGaussian()) } }
            func roundTrip(_ isa: String) -> [UInt32] {
                BLAS.forceKernelInstructionSet(isa)
                var a = xr, b = xi
                var sr = [Float](repeating: 0, count: fft.elementCount), si = sr
                a.withUnsafeMutableBufferPointer { ab in b.withUnsafeMutableBufferPointer { bb in
                    sr.withUnsafeMutableBufferPointer { srb in si.withUnsafeMutableBufferPointer { sib in
                        fft.forward(re: ab.baseAddress!, im: bb.baseAddress!, outRe: srb.baseAddress!, outIm: sib.baseAddress!,
                                    nonzeroColumns: support)
                        fft.inverse(re: srb.baseAddress!, im: sib.baseAddress!, outRe: ab.baseAddress!, outIm: bb.baseAddress!,
                                    neededColumns: support)
                    } }
                } }
                var bits: [UInt32] = []
                for r in 0..<m { for c in 0..<support { bits.append(a[r * fft.stride + c].bitPattern); bits.append(b[r * fft.stride + c].bitPattern) } }
                return bits
            }
            let reference = roundTrip("sse2")
            XCTAssertEqual(roundTrip("avx2"), reference, "m = \(m), avx2")
            XCTAssertEqual(roundTrip("avx512"), reference, "m = \(m), avx512")
        }
    }
}
