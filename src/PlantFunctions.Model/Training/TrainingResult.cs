namespace PlantFunctions.Model.Training;

/// <summary>A finished training run: the model file and its validation metrics.</summary>
/// <param name="ModelFile">The complete model artifact (weights, vocabulary, labels, priors, configuration, thresholds, metrics).</param>
/// <param name="Version">The version the artifact carries.</param>
/// <param name="Metrics">Validation metrics ("MAP", "P@5", "microF1", ...).</param>
public sealed record TrainingResult(byte[] ModelFile, string Version, IReadOnlyDictionary<string, double> Metrics);
