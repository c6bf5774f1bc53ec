namespace PlantFunctions.Contracts.Training;

/// <summary>A training job's custom status: the stage, epoch, loss, validation metrics and time left.</summary>
/// <param name="Phase">LanguageModel, Priors, Ranker, Classifier or Registering.</param>
/// <param name="Epoch">1-based epoch within the phase (0 before the first).</param>
/// <param name="Epochs">Epochs planned for the phase.</param>
/// <param name="Loss">Recent training loss.</param>
/// <param name="Metrics">Latest validation metrics (perplexity for the LM, MAP, P@k for the classifier, nDCG for the ranker).</param>
/// <param name="EtaSeconds">Estimated seconds left in the phase.</param>
/// <param name="Slices">Training activities run so far (each resumes from the last checkpoint).</param>
/// <param name="ResumedFromCheckpoint">Whether any activity resumed a checkpoint another one had written.</param>
public sealed record TrainingProgressStatus(string Phase, int Epoch, int Epochs, double? Loss, IReadOnlyDictionary<string, double>? Metrics,
    double? EtaSeconds, int Slices, bool ResumedFromCheckpoint);
