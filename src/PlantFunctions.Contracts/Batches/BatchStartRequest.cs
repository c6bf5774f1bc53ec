namespace PlantFunctions.Contracts.Batches;

/// <summary>A request to code the note files under a prefix of the notes container.</summary>
/// <param name="Prefix">Folder of note files inside the container (e.g. "batch-1/").</param>
/// <param name="Container">The container; must be the configured notes container when given.</param>
/// <param name="BatchId">Id to use (idempotent: the same id and prefix return the existing batch); generated when absent.</param>
/// <param name="ModelVersion">Model version to code with; the active version when absent.</param>
/// <param name="MinCodes">Return at least this many top codes per note, even below the threshold (default 0).</param>
/// <param name="Threshold">Probability threshold; the model's tuned threshold when absent.</param>
/// <param name="PerCodeThresholds">Use the model's per-code thresholds tuned on validation (codes without validation
/// positives keep the global one) instead of its one global threshold; not together with <paramref name="Threshold"/>.</param>
public sealed record BatchStartRequest(string? Prefix, string? Container = null, string? BatchId = null, string? ModelVersion = null,
    int? MinCodes = null, double? Threshold = null, bool? PerCodeThresholds = null);
