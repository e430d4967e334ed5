import XCTest
@testable import Embedding

final class EmbeddingSmokeTests: XCTestCase {
    func testModuleLinks() {
        XCTAssertEqual(EmbeddingModule.name, "Embedding")
    }
}
