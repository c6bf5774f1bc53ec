namespace PlantFunctions.Pipeline.Batches;

/// <summary>Work-item message: code one shard. Ids only; the notes are in the shard's input blob.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="Shard">0-based shard number.</param>
public sealed record WorkItem(string BatchId, int Shard);
