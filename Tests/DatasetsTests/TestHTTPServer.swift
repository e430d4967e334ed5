import Foundation
import XCTest

/// A loopback HTTP server (Python's http.server) serving `root`, for download tests.
///
/// Modes: `normal` serves files; `hang` waits 5 s before answering; `drop` announces the full Content-Length, sends half the
/// body and closes the connection; `flaky` does that only for the first request of each path.
final class TestHTTPServer {
    let process = Process()
    let port: Int
    let root: URL

    static let script = """
        import http.server, os, socket, sys, time
        root, portfile, mode = sys.argv[1], sys.argv[2], sys.argv[3]
        seen = set()
        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=root, **k)
            def log_message(self, *a):
                pass
            def do_GET(self):
                path = self.translate_path(self.path)
                if mode == 'hang':
                    time.sleep(5)
                drop = mode == 'drop' or (mode == 'flaky' and path not in seen)
                seen.add(path)
                if drop and os.path.isfile(path):
                    data = open(path, 'rb').read()
                    self.send_response(200)
                    self.send_header('Content-Length', str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                super().do_GET()
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        with open(portfile + '.tmp', 'w') as f:
            f.write(str(server.server_address[1]))
        os.rename(portfile + '.tmp', portfile)
        server.serve_forever()
        """

    init(root: URL, mode: String = "normal") throws {
        self.root = root
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("srv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let scriptURL = work.appendingPathComponent("server.py")
        try TestHTTPServer.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let portFile = work.appendingPathComponent("port")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path, root.path, portFile.path, mode]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var port: Int? = nil
        for _ in 0..<200 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let p = Int(text) { port = p; break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let port else {
            process.terminate()
            throw XCTSkip("could not start python3 http.server")
        }
        self.port = port
        try? FileManager.default.removeItem(at: work)
    }

    var baseURL: String { "http://127.0.0.1:\(port)/" }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}
