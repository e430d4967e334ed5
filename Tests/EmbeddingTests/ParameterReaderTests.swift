import XCTest
@testable import Embedding

final class ParameterReaderTests: XCTestCase {
    let docs = [ParameterDoc("k", "15", "neighbours"), ParameterDoc("init", "spectral", "initialisation")]

    func testDefaultsAndValues() throws {
        let r = try ParameterReader(algorithm: "x", parameters: ["k": .number(30)], docs: docs)
        XCTAssertEqual(try r.int("k", default: 15, range: 2...100), 30)
        XCTAssertEqual(try r.choice("init", default: "spectral", among: ["spectral", "pca"]), "spectral")
    }

    func testUnknownParameterNamesKnownOnes() {
        XCTAssertThrowsError(try ParameterReader(algorithm: "x", parameters: ["kk": .number(3)], docs: docs)) { e in
            XCTAssertEqual(e as? EmbeddingError, .unknownParameter(algorithm: "x", name: "kk", known: ["k", "init"]))
        }
    }

    func testOutOfRangeAndWrongType() throws {
        let r = try ParameterReader(algorithm: "x", parameters: ["k": .number(1.5), "init": .number(2)], docs: docs)
        XCTAssertThrowsError(try r.int("k", default: 15, range: 2...100))
        XCTAssertThrowsError(try r.choice("init", default: "spectral", among: ["spectral"]))
    }
}
