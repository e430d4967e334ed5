import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

extension DatasetFetcher {
    /// Downloads `url` to the file `destination`, retrying transient failures with exponential back-off.
    func download(_ url: URL, to destination: URL, label: String, progress: ((String, Double) -> Void)?) throws {
        var delay = retryDelay
        var lastError = DatasetsError.download(url: url.absoluteString, detail: "not attempted")
        for attempt in 1...attempts {
            do {
                try downloadOnce(url, to: destination, label: label, progress: progress)
                return
            } catch let failure as DownloadFailure {
                lastError = DatasetsError.download(url: url.absoluteString,
                                                   detail: failure.detail + (!failure.transient ? " (not retried)"
                                                       : attempts > 1 ? " (attempt \(attempt) of \(attempts))" : ""))
                if !failure.transient || attempt == attempts { break }
                Thread.sleep(forTimeInterval: delay)
                delay *= 2
            }
        }
        throw lastError
    }

    struct DownloadFailure: Error {
        var detail: String
        var transient: Bool
    }

    func downloadOnce(_ url: URL, to destination: URL, label: String, progress: ((String, Double) -> Void)?) throws {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = max(timeout, 3600)
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        let delegate = DownloadDelegate(destination: destination, label: label,
                                        bar: showProgressBar, timeout: timeout, progress: progress)
        let session = URLSession(configuration: config, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        session.downloadTask(with: request).resume()
        delegate.done.wait()
        if delegate.bar { FileHandle.standardError.write(Data("\n".utf8)) }
        if let failure = delegate.failure { throw failure }
    }
}

/// Collects one download's result; callbacks arrive on the session's queue.
final class DownloadDelegate: NSObject, URLSessionDownloadDelegate, @unchecked Sendable {
    let destination: URL
    let label: String
    let bar: Bool
    let timeout: Double
    let progress: ((String, Double) -> Void)?
    let done = DispatchSemaphore(value: 0)
    var failure: DatasetFetcher.DownloadFailure?
    var moved = false
    var lastDraw = 0.0

    init(destination: URL, label: String, bar: Bool, timeout: Double, progress: ((String, Double) -> Void)?) {
        self.timeout = timeout
        self.destination = destination
        self.label = label
        self.bar = bar
        self.progress = progress
    }

    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didWriteData bytesWritten: Int64,
                    totalBytesWritten: Int64, totalBytesExpectedToWrite: Int64) {
        let fraction = totalBytesExpectedToWrite > 0 ? Double(totalBytesWritten) / Double(totalBytesExpectedToWrite) : 0
        progress?("downloading \(label)", fraction)
        guard bar else { return }
        let now = Date().timeIntervalSince1970
        guard now - lastDraw > 0.1 || fraction >= 1 else { return }
        lastDraw = now
        let width = 30
        let filled = Int(fraction * Double(width))
        let mb = Double(totalBytesWritten) / 1_048_576
        let total = totalBytesExpectedToWrite > 0 ? String(format: " / %.1f MiB", Double(totalBytesExpectedToWrite) / 1_048_576) : ""
        let line = "\r\(label) [" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            + String(format: "] %3.0f%% %.1f MiB", fraction * 100, mb) + total
        FileHandle.standardError.write(Data(line.utf8))
    }

    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didFinishDownloadingTo location: URL) {
        if let http = downloadTask.response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            failure = .init(detail: "HTTP status \(http.statusCode)", transient: http.statusCode >= 500 || http.statusCode == 429)
            return
        }
        if let http = downloadTask.response as? HTTPURLResponse, http.expectedContentLength > 0,
           let size = (try? FileManager.default.attributesOfItem(atPath: location.path))?[.size] as? NSNumber,
           size.int64Value != http.expectedContentLength {
            failure = .init(detail: "connection closed after \(size) of \(http.expectedContentLength) bytes", transient: true)
            return
        }
        try? FileManager.default.removeItem(at: destination)
        do {
            try FileManager.default.moveItem(at: location, to: destination)
            moved = true
        } catch {
            failure = .init(detail: "cannot store the download: \(error.localizedDescription)", transient: false)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error {
            let code = (error as? URLError)?.code
            let permanent: Set<URLError.Code> = [.cannotFindHost, .unsupportedURL, .badURL, .dnsLookupFailed,
                                                 .notConnectedToInternet, .cannotConnectToHost]
            let text = code == .timedOut ? "timed out (no data for \(timeout) s)" : error.localizedDescription
            failure = .init(detail: text + (code.map { " (URLError \($0.rawValue))" } ?? ""),
                            transient: !(code.map { permanent.contains($0) } ?? false))
        } else if failure == nil && !moved {
            failure = .init(detail: "no data received", transient: true)
        }
        done.signal()
    }
}
