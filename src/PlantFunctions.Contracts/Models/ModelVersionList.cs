namespace PlantFunctions.Contracts.Models;

/// <summary>The versions of a model, newest first, and which one is active.</summary>
/// <param name="Name">Model name.</param>
/// <param name="ActiveVersion">The version batches use when they name none.</param>
/// <param name="Versions">Every registered version.</param>
public sealed record ModelVersionList(string Name, string? ActiveVersion, IReadOnlyList<ModelVersionInfo> Versions);
