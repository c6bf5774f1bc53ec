namespace PlantFunctions.Contracts.Batches;

/// <summary>A batch's custom status: how far it is, updated by the orchestrator as each shard finishes.</summary>
/// <param name="Stage">Reading (the notes are being read and cut into shards), Coding, Summarizing, Done.</param>
/// <param name="Shards">Shards planned, completed and failed.</param>
/// <param name="Notes">Notes in the batch, coded and failed so far.</param>
/// <param name="PercentComplete">Shards done out of planned, in percent.</param>
/// <param name="StartedTime">When the shards went out.</param>
public sealed record BatchProgress(string Stage, ShardCounts Shards, NoteCounts Notes, double PercentComplete, DateTimeOffset? StartedTime);

/// <summary>Shard counts of a batch.</summary>
/// <param name="Total">Planned.</param>
/// <param name="Completed">Coded (their result blob written).</param>
/// <param name="Failed">Failed every attempt (their notes have error records).</param>
public sealed record ShardCounts(int Total, int Completed, int Failed);

/// <summary>Note counts of a batch.</summary>
/// <param name="Total">Input records (readable or not).</param>
/// <param name="Coded">Notes with codes.</param>
/// <param name="Failed">Notes with an error record.</param>
public sealed record NoteCounts(int Total, int Coded, int Failed);
