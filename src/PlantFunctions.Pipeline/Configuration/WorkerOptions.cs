using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>Activities of a worker process (<c>Plant:Workers</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Workers";

    /// <summary>
    /// Activities (shards, training slices) one process runs at once. Default 1: one inference stream per device (a GPU
    /// worker codes one shard at a time; more only overlap downloads and uploads with coding). The Functions app sets the
    /// same in host.json (<c>maxConcurrentActivityFunctions</c>).
    /// </summary>
    [Range(1, 64)]
    public int Count { get; set; } = 1;

    /// <summary>
    /// Model versions a worker process keeps loaded; beyond this, the least recently used one that no shard is using is
    /// unloaded. Default 2 (the active version and the one before it, for batches that started before an activation).
    /// </summary>
    [Range(1, 64)]
    public int MaxLoadedModels { get; set; } = 2;
}
