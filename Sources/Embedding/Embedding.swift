/// The `Embedding` module: see DESIGN.md for what lives here.
public enum EmbeddingModule {
    /// Name of the module, for provenance and diagnostics.
    public static let name = "Embedding"
}
