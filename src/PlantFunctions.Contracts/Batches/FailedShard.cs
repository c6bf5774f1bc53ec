namespace PlantFunctions.Contracts.Batches;

/// <summary>A poisoned shard in the summary.</summary>
/// <param name="Shard">0-based shard number.</param>
/// <param name="Notes">Notes in the shard (all recorded as errors).</param>
/// <param name="Attempts">Deliveries before it was given up.</param>
/// <param name="Reason">The last error.</param>
public sealed record FailedShard(int Shard, int Notes, int Attempts, string Reason);
