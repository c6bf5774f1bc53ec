namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// The input of the <c>CodeBatch</c> orchestration: what to code and with which settings, all fixed when the batch was
/// accepted (so a replay or a later generation never sees changed configuration), plus, for runs of version 1, the
/// run's progress from the second generation on (<see cref="Progress"/>). Read tolerantly, because orchestrations
/// outlive deployments: no member is <c>required</c> (a field a later version adds has a default, a field it drops is
/// ignored), and <see cref="Version"/> says which orchestration logic the run started with, so that a run in flight
/// when a new version is deployed replays and finishes the way it started (see infra/DEPLOY.md).
/// </summary>
public sealed record CodeBatchInput
{
    /// <summary>The version new batches start with: 2, shards coded by block orchestrations in a sliding window.</summary>
    public const int CurrentVersion = 2;

    /// <summary>
    /// The orchestration logic the run started with: 1 (or absent: inputs written before versions), generations of
    /// shards that continue as new; 2, blocks of shards as sub-orchestrations, several in flight at once.
    /// </summary>
    public int Version { get; init; } = 1;

    /// <summary>The batch id (the orchestration's instance id).</summary>
    public string BatchId { get; init; } = "";

    /// <summary>This run of the batch id: tags every blob the run writes, and orders it among the id's runs (<see cref="BatchRuns"/>).</summary>
    public string RunId { get; init; } = "";

    /// <summary>The notes container.</summary>
    public string NotesContainer { get; init; } = "";

    /// <summary>Folder of the note files in the notes container (ends with '/').</summary>
    public string Prefix { get; init; } = "";

    /// <summary>The model.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>The model version every note is coded with.</summary>
    public string ModelVersion { get; init; } = "";

    /// <summary>The model file in the models container.</summary>
    public string ModelBlob { get; init; } = "";

    /// <summary>At least this many top codes per note.</summary>
    public int MinCodes { get; init; }

    /// <summary>Probability threshold; the model's tuned one when null.</summary>
    public double? Threshold { get; init; }

    /// <summary>Use the model's per-code thresholds instead of its global one.</summary>
    public bool PerCodeThresholds { get; init; }

    /// <summary>Notes per shard.</summary>
    public int NotesPerShard { get; init; } = 64;

    /// <summary>Failed notes allowed before the batch ends Failed; -1 = no limit.</summary>
    public int ErrorThreshold { get; init; } = -1;

    /// <summary>Longer notes become error records.</summary>
    public int MaxNoteChars { get; init; } = Model.Notes.NoteReaderOptions.DefaultMaxNoteChars;

    /// <summary>Shards per generation (version 1) or per block orchestration (version 2).</summary>
    public int ShardsPerGeneration { get; init; } = 100;

    /// <summary>Version 2: block orchestrations in flight at once.</summary>
    public int BlocksInFlight { get; init; } = 4;

    /// <summary>Retries of a shard.</summary>
    public ShardRetry Retry { get; init; } = new(5, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));

    /// <summary>"api" or "marker".</summary>
    public string Origin { get; init; } = "api";

    /// <summary>Why a ready marker could not start the batch: the orchestration fails at once with this reason, so the batch's status says why.</summary>
    public string? Rejected { get; init; }

    /// <summary>Version 1: the run's progress, carried from one generation to the next.</summary>
    public BatchRunState? Progress { get; init; }

    /// <summary>Why this input cannot be run (a field it needs is missing or out of range), or null.</summary>
    public string? Problem() =>
        string.IsNullOrEmpty(BatchId) ? "it has no batchId"
        : string.IsNullOrEmpty(RunId) ? "it has no runId"
        : string.IsNullOrEmpty(Prefix) ? "it has no prefix"
        : string.IsNullOrEmpty(ModelVersion) || string.IsNullOrEmpty(ModelBlob) ? "it names no model version"
        : NotesPerShard < 1 || ShardsPerGeneration < 1 || BlocksInFlight < 1 || MaxNoteChars < 1 || Retry is null || Retry.MaxAttempts < 1
            ? "a setting in it is out of range (notesPerShard, shardsPerGeneration, blocksInFlight, maxNoteChars, retry)"
        : Version is < 1 or > CurrentVersion ? $"its version {Version} is not one this build runs (1 to {CurrentVersion}): a newer build started it"
        : null;
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
/// <param name="Error">Why the batch cannot be coded at all (no note files, or the run was superseded), or null.</param>
/// <param name="PlanId">The folder of the run's shard inputs that this plan names (null: planned by a version that wrote them beside the plan).</param>
public sealed record BatchPlan(int Shards, int Notes, int InputErrors, int SkippedFiles, string? Error = null, string? PlanId = null);

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

    /// <summary>This tally plus another (a finished block's).</summary>
    public BatchTally Plus(BatchTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new BatchTally(NotesCoded + other.NotesCoded, NotesFailed + other.NotesFailed, ShardsCompleted + other.ShardsCompleted,
            ShardsFailed + other.ShardsFailed, CodingMilliseconds + other.CodingMilliseconds);
    }

    /// <summary>This tally plus one finished shard.</summary>
    public BatchTally Add(ShardOutcome shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        return new BatchTally(NotesCoded + shard.Coded, NotesFailed + shard.Failed, ShardsCompleted + (shard.Failure is null ? 1 : 0),
            ShardsFailed + (shard.Failure is null ? 0 : 1), CodingMilliseconds + shard.CodingMilliseconds);
    }
}
