import Foundation

/// Finds DejaVu Sans (Debian's `fonts-dejavu-core`) the way fontconfig would:
/// the `MBENCH_FONT` environment variable first, then the usual font folders.
public enum FontLocator {
    /// Environment variable naming a regular-weight .ttf file to use instead of DejaVu Sans.
    public static let environmentKey = "MBENCH_FONT"

    /// Folders searched, in order, for `DejaVuSans.ttf` / `DejaVuSans-Bold.ttf`.
    public static func searchFolders(home: String? = ProcessInfo.processInfo.environment["HOME"]) -> [String] {
        var dirs = [
            "/usr/share/fonts/truetype/dejavu",
            "/usr/share/fonts/TTF",
            "/usr/share/fonts/dejavu",
            "/usr/share/fonts/truetype",
            "/usr/share/fonts/dejavu-sans-fonts",
            "/usr/local/share/fonts",
            "/usr/local/share/fonts/dejavu",
            "/opt/homebrew/share/fonts",
            "/Library/Fonts",
            "/System/Library/Fonts/Supplemental",
        ]
        if let home {
            dirs += [home + "/.local/share/fonts", home + "/.fonts", home + "/Library/Fonts"]
        }
        return dirs
    }

    /// Paths of the regular and bold faces. Bold falls back to the regular face if missing.
    /// - Throws: `PlotError.fontNotFound` listing every place looked at.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> (regular: String, bold: String) {
        let fm = FileManager.default
        if let override = environment[environmentKey], !override.isEmpty {
            guard fm.isReadableFile(atPath: override) else {
                throw PlotError.fontNotFound(searched: ["\(environmentKey)=\(override) (not a readable file)"])
            }
            var bold = override
            if override.hasSuffix(".ttf") {
                let candidate = String(override.dropLast(4)) + "-Bold.ttf"
                if fm.isReadableFile(atPath: candidate) { bold = candidate }
            }
            return (override, bold)
        }
        let dirs = searchFolders(home: environment["HOME"])
        for dir in dirs {
            let regular = dir + "/DejaVuSans.ttf"
            if fm.isReadableFile(atPath: regular) {
                let bold = dir + "/DejaVuSans-Bold.ttf"
                return (regular, fm.isReadableFile(atPath: bold) ? bold : regular)
            }
        }
        // Last resort: a shallow recursive search of /usr/share/fonts.
        if let found = search(root: "/usr/share/fonts", name: "DejaVuSans.ttf", depth: 3) {
            let bold = (found as NSString).deletingLastPathComponent + "/DejaVuSans-Bold.ttf"
            return (found, fm.isReadableFile(atPath: bold) ? bold : found)
        }
        throw PlotError.fontNotFound(searched: dirs + ["/usr/share/fonts/** (recursive)", "$\(environmentKey)"])
    }

    private static func search(root: String, name: String, depth: Int) -> String? {
        guard depth >= 0, let items = try? FileManager.default.contentsOfDirectory(atPath: root) else { return nil }
        for item in items.sorted() {
            let path = root + "/" + item
            if item == name { return path }
        }
        for item in items.sorted() {
            var isDir: ObjCBool = false
            let path = root + "/" + item
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue,
               let hit = search(root: path, name: name, depth: depth - 1) {
                return hit
            }
        }
        return nil
    }
}
