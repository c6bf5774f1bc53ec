using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Configuration;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>
/// The queues, tables and containers of one task hub, named from <c>Plant:TaskHub</c> and <c>Plant:Containers</c>:
/// queues <c>{hub}-workitems</c>, <c>{hub}-workitems-poison</c>, <c>{hub}-control</c>; tables <c>{Hub}Batches</c>,
/// <c>{Hub}Shards</c>, <c>{Hub}TrainingJobs</c>, <c>{Hub}Models</c> (first letter capitalised).
/// </summary>
public sealed class TaskHub
{
    /// <summary>Creates the clients for the configured names.</summary>
    public TaskHub(StorageAccount account, IOptions<PlantOptions> plant, IOptions<ContainerOptions> containers)
    {
        Account = account;
        Name = plant.Value.TaskHub;
        string table = char.ToUpperInvariant(Name[0]) + Name[1..];
        WorkItems = account.Queues.GetQueueClient($"{Name}-workitems");
        Poison = account.Queues.GetQueueClient($"{Name}-workitems-poison");
        Control = account.Queues.GetQueueClient($"{Name}-control");
        TrainingSignals = account.Queues.GetQueueClient($"{Name}-training");
        Batches = account.Tables.GetTableClient($"{table}Batches");
        Shards = account.Tables.GetTableClient($"{table}Shards");
        TrainingJobs = account.Tables.GetTableClient($"{table}TrainingJobs");
        Models = account.Tables.GetTableClient($"{table}Models");
        Notes = account.Blobs.GetBlobContainerClient(containers.Value.Notes);
        Results = account.Blobs.GetBlobContainerClient(containers.Value.Results);
        ModelFiles = account.Blobs.GetBlobContainerClient(containers.Value.Models);
        Training = account.Blobs.GetBlobContainerClient(containers.Value.Training);
    }

    /// <summary>The storage account.</summary>
    public StorageAccount Account { get; }

    /// <summary>The task hub name.</summary>
    public string Name { get; }

    /// <summary>One message per shard to code.</summary>
    public QueueClient WorkItems { get; }

    /// <summary>Work items that failed <c>MaxAttempts</c> times, for people to look at.</summary>
    public QueueClient Poison { get; }

    /// <summary>Planning messages (one per batch).</summary>
    public QueueClient Control { get; }

    /// <summary>
    /// One message per submitted training job: the signal an event-driven trainer (the Container Apps job's KEDA rule)
    /// starts on. The job rows are the source of truth; a trainer that finds no job left clears this queue.
    /// </summary>
    public QueueClient TrainingSignals { get; }

    /// <summary>One row per batch.</summary>
    public TableClient Batches { get; }

    /// <summary>One row per shard plus one progress row per batch (same partition: updated in one transaction).</summary>
    public TableClient Shards { get; }

    /// <summary>One row per training job.</summary>
    public TableClient TrainingJobs { get; }

    /// <summary>Model versions and the active-version pointer.</summary>
    public TableClient Models { get; }

    /// <summary>Input notes.</summary>
    public BlobContainerClient Notes { get; }

    /// <summary>Results and summaries.</summary>
    public BlobContainerClient Results { get; }

    /// <summary>Model files.</summary>
    public BlobContainerClient ModelFiles { get; }

    /// <summary>Training data and checkpoints.</summary>
    public BlobContainerClient Training { get; }

    /// <summary>Every queue of the hub.</summary>
    public IReadOnlyList<QueueClient> Queues => [WorkItems, Poison, Control, TrainingSignals];

    /// <summary>Every table of the hub.</summary>
    public IReadOnlyList<TableClient> Tables => [Batches, Shards, TrainingJobs, Models];

    /// <summary>Every container the hub uses.</summary>
    public IReadOnlyList<BlobContainerClient> Containers => [Notes, Results, ModelFiles, Training];

    /// <summary>Creates whatever queue, table or container is missing (idempotent; safe from many processes at once).</summary>
    public async Task CreateIfMissingAsync(CancellationToken cancellationToken = default)
    {
        var work = new List<Task>();
        work.AddRange(Queues.Select(q => q.CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        work.AddRange(Tables.Select(t => t.CreateIfNotExistsAsync(cancellationToken)));
        work.AddRange(Containers.Select(c => c.CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        await Task.WhenAll(work).ConfigureAwait(false);
    }
}
