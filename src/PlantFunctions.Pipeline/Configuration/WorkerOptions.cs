using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>Work-item loops of a worker process (<c>Plant:Workers</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Workers";

    /// <summary>
    /// Concurrent work-item loops per process. Default 1. They share one inference thread (one stream per device), so
    /// more than one only overlaps downloads and uploads with coding.
    /// </summary>
    [Range(1, 64)]
    public int Count { get; set; } = 1;

    /// <summary>
    /// Model versions a worker process keeps loaded; beyond this, the least recently used one that no shard is using is
    /// unloaded. Default 2 (the active version and the one before it, for batches that started before an activation).
    /// </summary>
    [Range(1, 64)]
    public int MaxLoadedModels { get; set; } = 2;

    /// <summary>
    /// How long a received work item stays invisible to other workers; the worker extends it every third of this while
    /// it works, so this is how long a crashed worker's shard waits before another worker redoes it. Default 2 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest wait between polls of an empty queue (the wait grows from 50 ms to this). Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
