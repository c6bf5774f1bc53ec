namespace PlantFunctions.Model.Training;

/// <summary>A progress report from a training run (what the status endpoint and the CLI show).</summary>
/// <param name="Phase">Current stage.</param>
/// <param name="Epoch">1-based epoch within the stage (0 when the stage has no epochs).</param>
/// <param name="Epochs">Epochs planned for the stage.</param>
/// <param name="Step">Step within the epoch.</param>
/// <param name="Steps">Steps per epoch.</param>
/// <param name="Loss">Recent training loss (NaN when not applicable).</param>
/// <param name="Metrics">Latest validation metrics (e.g. "P@5", "MAP", "perplexity").</param>
/// <param name="Remaining">Estimated time left for the whole run, when known.</param>
public sealed record TrainingProgress(
    TrainingPhase Phase,
    int Epoch,
    int Epochs,
    int Step,
    int Steps,
    double Loss,
    IReadOnlyDictionary<string, double> Metrics,
    TimeSpan? Remaining);
