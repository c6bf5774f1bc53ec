namespace PlantFunctions.Pipeline.Batches;

/// <summary>What goes to the poison queue when a shard fails for good.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="Shard">0-based shard number.</param>
/// <param name="Attempts">Deliveries of the work item.</param>
/// <param name="Reason">The last error.</param>
/// <param name="PoisonedTime">When it was given up.</param>
public sealed record PoisonedWorkItem(string BatchId, int Shard, long Attempts, string Reason, DateTimeOffset PoisonedTime);
