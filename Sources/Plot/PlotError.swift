import Foundation

/// Everything that can go wrong while building or writing a figure.
///
/// Bad *data* (NaN, infinities, non-positive values on a log axis, empty
/// series) is never an error: such points are skipped and counted in a note
/// drawn on the figure. Errors are reserved for problems the caller must fix.
public enum PlotError: Error, CustomStringConvertible, Equatable {
    /// No usable TrueType font was found; `searched` lists the places looked at.
    case fontNotFound(searched: [String])
    /// A font file exists but FreeType could not open it.
    case fontUnreadable(path: String, code: Int32)
    /// The output file could not be written (missing folder, no permission, ...).
    case cannotWrite(path: String, reason: String)
    /// A PNG metadata key is not a valid tEXt keyword (1–79 printable Latin-1 characters, no leading/trailing space).
    case invalidMetadataKey(String)
    /// A figure or canvas size that cannot be rendered (zero, negative or absurdly large).
    case invalidSize(String)
    /// Series arrays whose lengths disagree, or a panel grid whose panel count differs from rows × cols.
    case shapeMismatch(String)
    /// libpng reported a failure while encoding or decoding.
    case png(String)

    public var description: String {
        switch self {
        case .fontNotFound(let searched):
            return "no font found (looked for DejaVuSans.ttf in: \(searched.joined(separator: ", "))); "
                + "install Debian's fonts-dejavu-core or set MBENCH_FONT to a .ttf file"
        case .fontUnreadable(let path, let code):
            return "FreeType could not open font '\(path)' (error \(code)); set MBENCH_FONT to a valid .ttf file"
        case .cannotWrite(let path, let reason):
            return "cannot write '\(path)': \(reason)"
        case .invalidMetadataKey(let key):
            return "PNG metadata key '\(key)' is invalid: use 1-79 printable Latin-1 characters without leading/trailing spaces"
        case .invalidSize(let what):
            return "invalid size: \(what)"
        case .shapeMismatch(let what):
            return "shape mismatch: \(what)"
        case .png(let what):
            return "PNG error: \(what)"
        }
    }
}
