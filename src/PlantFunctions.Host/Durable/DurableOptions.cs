using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Host.Durable;

/// <summary>
/// The Durable Task engine of the local host (<c>Plant:Durable</c>): DTFx's Azure Storage backend, with the defaults
/// Durable Functions uses. The Functions app sets the same in host.json under <c>extensions.durableTask.storageProvider</c>.
/// </summary>
public sealed class DurableOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Durable";

    /// <summary>Control-queue partitions of the task hub (orchestrations are spread over them; at most this many processes share the orchestrations). Default 4. Fixed when the hub is created.</summary>
    [Range(1, 16)]
    public int PartitionCount { get; set; } = 4;

    /// <summary>
    /// How long an activity's message stays invisible while a worker runs it (the engine extends it while the worker
    /// lives). A worker that dies mid-shard has its shard taken up by another worker this long after it died. Default 5 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan WorkItemVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The same for orchestration messages on the control queues. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A partition (and its orchestrations) belongs to a worker for this long after its last renewal: a dead worker's
    /// orchestrations move to a live one after this. Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PartitionLeaseInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a worker renews its partitions and looks for free (or unevenly spread) ones. Default 2 s (Durable
    /// Functions uses 10 s): a worker that starts takes its share of the orchestrations within a few seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PartitionRenewInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between polls of an idle queue (the wait grows from 0 to this). Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(2);
}
