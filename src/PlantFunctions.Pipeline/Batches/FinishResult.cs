namespace PlantFunctions.Pipeline.Batches;

/// <summary>What a fan-in attempt did.</summary>
/// <param name="WroteSummary">This call wrote summary.json (exactly one call per batch does).</param>
/// <param name="Summary">The batch's summary, whoever wrote it; <c>null</c> when the batch is not finished.</param>
public sealed record FinishResult(bool WroteSummary, BatchSummary? Summary);
