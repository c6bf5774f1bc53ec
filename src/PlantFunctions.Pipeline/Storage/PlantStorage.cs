using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Configuration;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>
/// The service's own storage, next to the Durable Task hub of the same name (whose queues, tables and lease containers
/// the engine owns): the blob containers named by <c>Plant:Containers</c> and the model registry table
/// <c>{Hub}Models</c> (first letter capitalised).
/// </summary>
public sealed class PlantStorage
{
    /// <summary>Creates the clients for the configured names.</summary>
    public PlantStorage(StorageAccount account, IOptions<PlantOptions> plant, IOptions<ContainerOptions> containers)
    {
        ArgumentNullException.ThrowIfNull(account);
        Account = account;
        TaskHub = plant.Value.TaskHub;
        Models = account.Tables.GetTableClient($"{char.ToUpperInvariant(TaskHub[0])}{TaskHub[1..]}Models");
        Notes = account.Blobs.GetBlobContainerClient(containers.Value.Notes);
        Results = account.Blobs.GetBlobContainerClient(containers.Value.Results);
        ModelFiles = account.Blobs.GetBlobContainerClient(containers.Value.Models);
        Training = account.Blobs.GetBlobContainerClient(containers.Value.Training);
    }

    /// <summary>The storage account.</summary>
    public StorageAccount Account { get; }

    /// <summary>The task hub name (<c>Plant:TaskHub</c>): the Durable task hub and the prefix of the models table.</summary>
    public string TaskHub { get; }

    /// <summary>Model versions and the active-version pointer.</summary>
    public TableClient Models { get; }

    /// <summary>Input notes, one prefix per batch.</summary>
    public BlobContainerClient Notes { get; }

    /// <summary>Results, summaries and the batches' planned shard inputs.</summary>
    public BlobContainerClient Results { get; }

    /// <summary>Model files.</summary>
    public BlobContainerClient ModelFiles { get; }

    /// <summary>Training data, training-job checkpoints and trained model files before registration.</summary>
    public BlobContainerClient Training { get; }

    /// <summary>Every container the service uses.</summary>
    public IReadOnlyList<BlobContainerClient> Containers => [Notes, Results, ModelFiles, Training];

    /// <summary>Creates whatever table or container is missing (idempotent; safe from many processes at once).</summary>
    public async Task CreateIfMissingAsync(CancellationToken cancellationToken = default)
    {
        var work = new List<Task> { Models.CreateIfNotExistsAsync(cancellationToken) };
        work.AddRange(Containers.Select(c => c.CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        await Task.WhenAll(work).ConfigureAwait(false);
    }
}
