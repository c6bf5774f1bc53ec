namespace PlantFunctions.Contracts.Training;

/// <summary>Epochs per training stage; a stage left out keeps the preset's default.</summary>
/// <param name="LanguageModel">Language-model fine-tuning epochs (0 skips the stage).</param>
/// <param name="Ranker">Ranker epochs.</param>
/// <param name="Classifier">Classifier epochs.</param>
public sealed record TrainingEpochs(int? LanguageModel = null, int? Ranker = null, int? Classifier = null);
