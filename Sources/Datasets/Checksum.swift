import Crypto
import Foundation

/// SHA-256 helpers producing lowercase hex strings.
public enum Checksum {
    /// SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func sha256<D: DataProtocol>(_ bytes: D) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256(text: String) -> String {
        sha256(Array(text.utf8))
    }

    /// SHA-256 of a whole file, read in 1 MiB blocks.
    public static func sha256(fileAt url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw DatasetsError.io(path: url.path, detail: "cannot open for reading")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let block: Data
            do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw DatasetsError.io(path: url.path, detail: "read failed: \(error.localizedDescription)")
            }
            if block.isEmpty { break }
            hasher.update(data: block)
        }
        return hex(hasher.finalize())
    }

    static func hex<S: Sequence>(_ digest: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in digest { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
