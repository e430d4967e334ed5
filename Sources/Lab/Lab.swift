/// The `Lab` module: see DESIGN.md for what lives here.
public enum LabModule {
    /// Name of the module, for provenance and diagnostics.
    public static let name = "Lab"
}
