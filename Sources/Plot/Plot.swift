/// The `Plot` module: see DESIGN.md for what lives here.
public enum PlotModule {
    /// Name of the module, for provenance and diagnostics.
    public static let name = "Plot"
}
