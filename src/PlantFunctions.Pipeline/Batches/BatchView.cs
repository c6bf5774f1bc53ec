using PlantFunctions.Pipeline.Orchestration;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>The state of a batch as the status endpoint shows it.</summary>
public sealed record BatchView
{
    /// <summary>Batch id.</summary>
    public required string Id { get; init; }

    /// <summary>Runtime status.</summary>
    public required RuntimeStatus Status { get; init; }

    /// <summary>"api" or "marker".</summary>
    public required string Origin { get; init; }

    /// <summary>Notes container.</summary>
    public required string Container { get; init; }

    /// <summary>Prefix of the note files.</summary>
    public required string Prefix { get; init; }

    /// <summary>Model name.</summary>
    public required string ModelName { get; init; }

    /// <summary>Model version.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>Notes per shard.</summary>
    public required int NotesPerShard { get; init; }

    /// <summary>Error threshold (failed notes; -1 = none).</summary>
    public required int ErrorThreshold { get; init; }

    /// <summary>When it was accepted.</summary>
    public required DateTimeOffset CreatedTime { get; init; }

    /// <summary>Last change of state or progress.</summary>
    public required DateTimeOffset LastUpdatedTime { get; init; }

    /// <summary>When the work items went out.</summary>
    public DateTimeOffset? StartedTime { get; init; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? CompletedTime { get; init; }

    /// <summary>Shards planned (0 while planning).</summary>
    public required int ShardsTotal { get; init; }

    /// <summary>Shards coded.</summary>
    public required int ShardsCompleted { get; init; }

    /// <summary>Shards poisoned.</summary>
    public required int ShardsFailed { get; init; }

    /// <summary>Input notes (0 while planning).</summary>
    public required int NotesTotal { get; init; }

    /// <summary>Notes coded so far.</summary>
    public required int NotesCoded { get; init; }

    /// <summary>Notes with error records so far.</summary>
    public required int NotesFailed { get; init; }

    /// <summary>Why it failed or was terminated.</summary>
    public string? Error { get; init; }

    /// <summary>Results container.</summary>
    public required string ResultsContainer { get; init; }

    /// <summary>Results folder inside the results container.</summary>
    public required string ResultsPrefix { get; init; }

    /// <summary>The summary blob inside the results container, once written.</summary>
    public string? SummaryBlob { get; init; }
}
