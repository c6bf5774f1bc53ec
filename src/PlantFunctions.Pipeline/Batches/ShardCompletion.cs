namespace PlantFunctions.Pipeline.Batches;

/// <summary>Result of recording a shard's outcome: whether this call recorded it, and the counters after it.</summary>
internal sealed record ShardCompletion(bool Recorded, ProgressEntity Progress);
