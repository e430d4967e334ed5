/// The `Clustering` module: see DESIGN.md for what lives here.
public enum ClusteringModule {
    /// Name of the module, for provenance and diagnostics.
    public static let name = "Clustering"
}
