namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// The input of the <c>CodeBatch</c> orchestration: what to code and with which settings, all fixed when the batch was
/// accepted (so a replay or a later generation never sees changed configuration), plus, from the second generation on,
/// the run's progress (<see cref="Progress"/>).
/// </summary>
public sealed record CodeBatchInput
{
    /// <summary>The batch id (the orchestration's instance id).</summary>
    public required string BatchId { get; init; }

    /// <summary>This run of the batch id: tags every blob the run writes (a purged id can run again without mixing).</summary>
    public required string RunId { get; init; }

    /// <summary>The notes container.</summary>
    public required string NotesContainer { get; init; }

    /// <summary>Folder of the note files in the notes container (ends with '/').</summary>
    public required string Prefix { get; init; }

    /// <summary>The model.</summary>
    public required string ModelName { get; init; }

    /// <summary>The model version every note is coded with.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>The model file in the models container.</summary>
    public required string ModelBlob { get; init; }

    /// <summary>At least this many top codes per note.</summary>
    public int MinCodes { get; init; }

    /// <summary>Probability threshold; the model's tuned one when null.</summary>
    public double? Threshold { get; init; }

    /// <summary>Use the model's per-code thresholds instead of its global one.</summary>
    public bool PerCodeThresholds { get; init; }

    /// <summary>Notes per shard.</summary>
    public required int NotesPerShard { get; init; }

    /// <summary>Failed notes allowed before the batch ends Failed; -1 = no limit.</summary>
    public required int ErrorThreshold { get; init; }

    /// <summary>Longer notes become error records.</summary>
    public required int MaxNoteChars { get; init; }

    /// <summary>Shards per generation of the orchestration.</summary>
    public required int ShardsPerGeneration { get; init; }

    /// <summary>Retries of a shard.</summary>
    public required ShardRetry Retry { get; init; }

    /// <summary>"api" or "marker".</summary>
    public string Origin { get; init; } = "api";

    /// <summary>Why a ready marker could not start the batch: the orchestration fails at once with this reason, so the batch's status says why.</summary>
    public string? Rejected { get; init; }

    /// <summary>The run's progress, carried from one generation to the next.</summary>
    public BatchRunState? Progress { get; init; }
}

/// <summary>How a shard's activity is retried.</summary>
/// <param name="MaxAttempts">Attempts in all.</param>
/// <param name="FirstDelay">Wait before the second attempt; doubles per attempt.</param>
/// <param name="MaxDelay">Longest wait.</param>
public sealed record ShardRetry(int MaxAttempts, TimeSpan FirstDelay, TimeSpan MaxDelay);

/// <summary>A run's state between generations.</summary>
/// <param name="CreatedTime">When the batch started.</param>
/// <param name="StartedTime">When the notes were read and the shards went out.</param>
/// <param name="Plan">What the notes came to.</param>
/// <param name="NextShard">The first shard the next generation schedules.</param>
/// <param name="Tally">Counts so far.</param>
public sealed record BatchRunState(DateTime CreatedTime, DateTime StartedTime, BatchPlan Plan, int NextShard, BatchTally Tally);

/// <summary>What reading a batch's notes came to.</summary>
/// <param name="Shards">Shards written.</param>
/// <param name="Notes">Input records (readable or not).</param>
/// <param name="InputErrors">Records that could not be read (they become error records).</param>
/// <param name="SkippedFiles">Files under the prefix that are not note files.</param>
/// <param name="Error">Why the batch cannot be coded at all (no note files), or null.</param>
public sealed record BatchPlan(int Shards, int Notes, int InputErrors, int SkippedFiles, string? Error = null);

/// <summary>Counts of a run so far.</summary>
/// <param name="NotesCoded">Notes with codes.</param>
/// <param name="NotesFailed">Notes with error records.</param>
/// <param name="ShardsCompleted">Shards coded.</param>
/// <param name="ShardsFailed">Shards that failed every attempt.</param>
/// <param name="CodingMilliseconds">Time inside the coder, summed over shards.</param>
public sealed record BatchTally(int NotesCoded, int NotesFailed, int ShardsCompleted, int ShardsFailed, long CodingMilliseconds)
{
    /// <summary>Nothing done yet.</summary>
    public static BatchTally Zero { get; } = new(0, 0, 0, 0, 0);

    /// <summary>This tally plus one finished shard.</summary>
    public BatchTally Add(ShardOutcome shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        return new BatchTally(NotesCoded + shard.Coded, NotesFailed + shard.Failed, ShardsCompleted + (shard.Failure is null ? 1 : 0),
            ShardsFailed + (shard.Failure is null ? 0 : 1), CodingMilliseconds + shard.CodingMilliseconds);
    }
}
