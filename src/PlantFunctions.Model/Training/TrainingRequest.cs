using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Training;

/// <summary>Everything a training run needs.</summary>
/// <param name="ModelName">Name the model is registered under.</param>
/// <param name="Train">Coded training notes.</param>
/// <param name="Validation">Coded validation notes (early stopping, threshold tuning); <c>null</c> = split off the training notes.</param>
/// <param name="Unlabelled">Extra notes for language-model fine-tuning only.</param>
/// <param name="Descriptions">Code descriptions (label-set descriptions and description-initialised code embeddings).</param>
/// <param name="Options">Preset, epochs and ablation switches.</param>
/// <param name="Version">
/// The version written into the model file's manifest and returned in <see cref="TrainingResult.Version"/> (the service
/// derives it from the orchestration instance id, so every retry names the model alike); <c>null</c> = a version from
/// the clock and the vocabulary and label-set hashes.
/// </param>
public sealed record TrainingRequest(
    string ModelName,
    IReadOnlyList<ClinicalNote> Train,
    IReadOnlyList<ClinicalNote>? Validation,
    IReadOnlyList<ClinicalNote>? Unlabelled,
    IcdDescriptions? Descriptions,
    TrainingOptions Options,
    string? Version = null);
