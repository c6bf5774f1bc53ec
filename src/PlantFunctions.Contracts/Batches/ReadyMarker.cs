namespace PlantFunctions.Contracts.Batches;

/// <summary>
/// Optional JSON content of a <c>{prefix}/_ready</c> marker blob (an empty marker is fine): the batch id to use and the
/// model version to code with.
/// </summary>
/// <param name="BatchId">Batch id; derived from the prefix when absent ("a/b/" becomes "a-b").</param>
/// <param name="ModelVersion">Model version; the active one when absent.</param>
/// <param name="MinCodes">As in <see cref="BatchStartRequest"/>: at least this many top codes per note.</param>
/// <param name="Threshold">As in <see cref="BatchStartRequest"/>: the probability threshold instead of the model's.</param>
/// <param name="PerCodeThresholds">As in <see cref="BatchStartRequest"/>: the model's per-code thresholds.</param>
public sealed record ReadyMarker(string? BatchId = null, string? ModelVersion = null, int? MinCodes = null, double? Threshold = null,
    bool? PerCodeThresholds = null);
