import XCTest
@testable import Lab

/// Asserts that parsing `yaml` (as "x.yaml") fails with a `SpecError` that names the file, the
/// `line` (and the `column`, when given), has a message containing `text`, and prints its
/// position first ("x.yaml:line:column: …"). Shared by the spec tests.
func expectError(_ yaml: String, line: Int, column: Int? = nil, containing text: String,
                 file: StaticString = #filePath, sourceLine: UInt = #line) {
    XCTAssertThrowsError(try SpecParser.parse(yaml: yaml, file: "x.yaml"), file: file, line: sourceLine) { error in
        guard let e = error as? SpecError else { return XCTFail("not a SpecError: \(error)", file: file, line: sourceLine) }
        XCTAssertEqual(e.file, "x.yaml", file: file, line: sourceLine)
        XCTAssertEqual(e.line, line, "\(e)", file: file, line: sourceLine)
        XCTAssertTrue(e.message.contains(text), "\(e)", file: file, line: sourceLine)
        if let column {
            XCTAssertEqual(e.column, column, "\(e)", file: file, line: sourceLine)
            XCTAssertTrue(e.description.hasPrefix("x.yaml:\(line):\(column): "), file: file, line: sourceLine)
        }
    }
}
