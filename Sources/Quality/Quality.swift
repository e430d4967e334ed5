/// The `Quality` module: see DESIGN.md for what lives here.
public enum QualityModule {
    /// Name of the module, for provenance and diagnostics.
    public static let name = "Quality"
}
