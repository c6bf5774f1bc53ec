using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Cli.Commands;

/// <summary>The MIMIC splits <c>plant train</c> uses.</summary>
/// <param name="Train">The train split.</param>
/// <param name="Validation">The dev (MIMIC-III) or val (MIMIC-IV) split, for validation and early stopping.</param>
/// <param name="Descriptions">Descriptions from the dataset's D_ICD_* tables, when found.</param>
/// <param name="Icd9">Whether the codes are ICD-9.</param>
internal sealed record MimicTraining(IReadOnlyList<ClinicalNote> Train, IReadOnlyList<ClinicalNote> Validation, IcdDescriptions? Descriptions, bool Icd9);
