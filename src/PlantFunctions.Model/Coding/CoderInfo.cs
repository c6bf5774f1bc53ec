namespace PlantFunctions.Model.Coding;

/// <summary>Identity of a loaded model.</summary>
/// <param name="Name">Model name (e.g. "codiesp-dx").</param>
/// <param name="Version">Model version (e.g. "20261124-0915" or a hash).</param>
/// <param name="Labels">Number of codes the model can assign.</param>
/// <param name="Kind">"plant", "laat", "prior-only", ...</param>
public sealed record CoderInfo(string Name, string Version, int Labels, string Kind);
