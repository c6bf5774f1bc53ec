using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>How batches are split, retried and judged (<c>Plant:Batches</c>); captured in each batch's input when it starts.</summary>
public sealed class BatchOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Batches";

    /// <summary>Notes per shard (one <c>CodeShard</c> activity). Default 64.</summary>
    [Range(1, 100_000)]
    public int NotesPerShard { get; set; } = 64;

    /// <summary>
    /// Attempts of a shard (the activity's <c>RetryPolicy</c>) before its notes get error records. Default 5. A worker
    /// that dies mid-shard does not use up an attempt: the engine hands the shard to another worker after the work-item
    /// visibility timeout.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Failed notes (unreadable records plus every note of a failed shard) a batch may have and still end
    /// <c>Completed</c>; one more and it ends <c>Failed</c>. -1 means no limit. Default -1. Every note has a record either way.
    /// </summary>
    [Range(-1, int.MaxValue)]
    public int ErrorThreshold { get; set; } = -1;

    /// <summary>First retry delay after a failed attempt; it doubles per attempt up to <see cref="MaxRetryDelay"/>. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest retry delay. Default 2 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "06:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Shards per block: each block of a batch is coded by a sub-orchestration of its own, so that no history (nor the
    /// time to replay it) grows with the batch: 100 shards is about 350 history events. Default 100. (Batches started
    /// by earlier versions use it as shards per generation of the batch orchestration.)
    /// </summary>
    [Range(1, 5_000)]
    public int ShardsPerGeneration { get; set; } = 100;

    /// <summary>
    /// Blocks of a batch coded at once. While a shard is held up (its worker was killed: it comes back only after the
    /// work-item visibility timeout), the other blocks in flight keep every worker busy. Default 4.
    /// </summary>
    [Range(1, 100)]
    public int BlocksInFlight { get; set; } = 4;

    /// <summary>
    /// How far back (by creation time) the close-out sweep looks for terminated batches without a close-out. Default 7 days.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan CloseOutLookback { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Start batches from <c>{prefix}/_ready</c> marker blobs in the notes container (the local host's watcher). Default true.</summary>
    public bool WatchReadyMarkers { get; set; } = true;

    /// <summary>How often the local host lists the notes container for new ready markers. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan MarkerPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often terminated batches and training jobs are looked for to close them out (a batch terminated through the
    /// engine's own terminate URL still gets its error records and summary). Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
