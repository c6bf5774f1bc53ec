namespace PlantFunctions.Contracts.Models;

/// <summary>A registered model version.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="Blob">The model file inside the models container: <c>{name}/{version}/model.bin</c>.</param>
/// <param name="SizeBytes">Size of the model file.</param>
/// <param name="Metrics">Validation metrics recorded at registration.</param>
/// <param name="TrainingJobId">The training job that produced it, when one did.</param>
/// <param name="CreatedTime">When it was registered.</param>
/// <param name="IsActive">Whether coding uses it when a request names no version.</param>
public sealed record ModelVersionInfo(
    string Name,
    string Version,
    string Blob,
    long SizeBytes,
    IReadOnlyDictionary<string, double> Metrics,
    string? TrainingJobId,
    DateTimeOffset CreatedTime,
    bool IsActive);
