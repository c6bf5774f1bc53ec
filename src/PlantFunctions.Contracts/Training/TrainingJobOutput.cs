namespace PlantFunctions.Contracts.Training;

/// <summary>What a finished training job produced.</summary>
/// <param name="ModelName">Model name.</param>
/// <param name="ModelVersion">Registered version.</param>
/// <param name="Location">The model folder: "{models container}/{name}/{version}/".</param>
/// <param name="Active">Whether the version is now the active one.</param>
/// <param name="Metrics">Validation metrics.</param>
public sealed record TrainingJobOutput(string ModelName, string ModelVersion, string Location, bool Active, IReadOnlyDictionary<string, double> Metrics);
