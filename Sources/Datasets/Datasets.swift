/// The `Datasets` module: see DESIGN.md for what lives here.
public enum DatasetsModule {
    /// Name of the module, for provenance and diagnostics.
    public static let name = "Datasets"
}
