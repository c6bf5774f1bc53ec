using PlantFunctions.Contracts.Instances;

namespace PlantFunctions.Contracts.Batches;

/// <summary><c>results/{batchId}/summary.json</c>: what happened to a batch, written once by the fan-in.</summary>
public sealed record BatchSummary
{
    /// <summary>The batch id.</summary>
    public required string BatchId { get; init; }

    /// <summary>The run of the batch id this summary belongs to (a purged id can be used again by a new run).</summary>
    public required string RunId { get; init; }

    /// <summary>Completed, Failed (over the error threshold) or Terminated.</summary>
    public required RuntimeStatus Status { get; init; }

    /// <summary>Why the batch failed, when it did.</summary>
    public string? Reason { get; init; }

    /// <summary>Input location (container/prefix).</summary>
    public required string Input { get; init; }

    /// <summary>Model name.</summary>
    public required string ModelName { get; init; }

    /// <summary>Model version every note was coded with.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>Input notes (records), coded or not.</summary>
    public required int NotesTotal { get; init; }

    /// <summary>Notes with codes.</summary>
    public required int NotesCoded { get; init; }

    /// <summary>Notes with an error record (bad input, or in a poisoned shard).</summary>
    public required int NotesFailed { get; init; }

    /// <summary>Shards planned.</summary>
    public required int ShardsTotal { get; init; }

    /// <summary>Shards coded.</summary>
    public required int ShardsCompleted { get; init; }

    /// <summary>Shards poisoned.</summary>
    public required int ShardsFailed { get; init; }

    /// <summary>The error threshold in force (failed notes; -1 = none).</summary>
    public required int ErrorThreshold { get; init; }

    /// <summary>Non-note files under the prefix that were ignored.</summary>
    public int SkippedFiles { get; init; }

    /// <summary>How many notes got each code.</summary>
    public required IReadOnlyDictionary<string, int> CodeCounts { get; init; }

    /// <summary>Failed shards and why.</summary>
    public required IReadOnlyList<FailedShard> FailedShards { get; init; }

    /// <summary>Result blobs (names inside the results container), in shard order.</summary>
    public required IReadOnlyList<string> ResultBlobs { get; init; }

    /// <summary>When the batch was accepted.</summary>
    public required DateTimeOffset CreatedTime { get; init; }

    /// <summary>When the notes had been read and the shards went out.</summary>
    public DateTimeOffset? StartedTime { get; init; }

    /// <summary>When the last shard finished.</summary>
    public required DateTimeOffset CompletedTime { get; init; }

    /// <summary>Created to completed, in seconds.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Time spent inside the coder, summed over shards, in seconds.</summary>
    public required double CodingSeconds { get; init; }

    /// <summary>Notes per second from start (shards out) to completion: the batch's throughput.</summary>
    public required double NotesPerSecond { get; init; }
}
